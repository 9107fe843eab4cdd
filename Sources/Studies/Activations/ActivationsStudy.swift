import Datasets
import Engine
import Foundation
import Training

/// Activation captures with forward hooks on real networks: Ioffe & Szegedy's Figure 1 (the
/// percentiles of a sigmoid's input over training, with and without BN), the seed ConvNet's
/// feature maps at initialisation and at the end, TensorBoard-style distributions of its
/// pre-activations, the per-channel statistics of its BN inputs, and dead or saturated units.
///
/// Every unit trains one network through the `Trainer`; recorders observe it without changing it
/// (a test trains with and without them and compares losses and weights bit for bit). Only
/// summaries are kept, at capture steps; feature maps only for one test image per class, at the
/// start and the end, and only in memory (metrics.json keeps the summary numbers).
public struct ActivationsStudy: Study {
    public static let id = "activations"
    public static let title = "Activations inside the network"

    public var config: Config
    public init(config: Config) { self.config = config }

    /// Which network a unit trains.
    public enum Network: String, Codable, Sendable {
        case mlp, convnet
    }

    /// One training run: a network, an arm and a seed.
    public struct Unit: StudyUnit, Equatable {
        public var network: Network
        public var batchNorm: Bool
        public var seed: UInt64
        /// Whether this run captures feature maps (the ConvNet's first seed).
        public var capturesMaps: Bool
        var images: Int

        public var key: String { "\(network == .mlp ? "sigmoid MLP" : "ConvNet") \(batchNorm ? "BN" : "no-BN") seed \(seed)" }
        /// Roughly seconds on one core: the MLP costs about a fiftieth of the ConvNet per image.
        public var cost: Double { Double(images) / (network == .mlp ? 150_000 : 4000) }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var mlpRuns: [MLPRun]
        public var convnetRuns: [ConvNetRun]
        public var findings: ActivationsFindings

        public init(config: Config, mlpRuns: [MLPRun], convnetRuns: [ConvNetRun], findings: ActivationsFindings) {
            self.config = config; self.mlpRuns = mlpRuns; self.convnetRuns = convnetRuns; self.findings = findings
        }
    }

    // MARK: - Work

    public func units(seed: UInt64) -> [Unit] {
        var units: [Unit] = []
        for bn in [false, true] {
            for k in 0..<config.convnetSeeds {
                units.append(Unit(network: .convnet, batchNorm: bn, seed: seed &+ UInt64(k), capturesMaps: k == 0, images: config.convnetTrainLimit * config.convnetEpochs))
            }
        }
        for bn in [false, true] {
            for k in 0..<config.seeds {
                units.append(Unit(network: .mlp, batchNorm: bn, seed: seed &+ UInt64(k), capturesMaps: false, images: config.mlpTrainLimit * config.mlpEpochs))
            }
        }
        return units
    }

    public func run(_ unit: Unit, in context: StudyContext) throws -> UnitOutput {
        switch unit.network {
        case .mlp: UnitOutput(mlp: try runMLP(unit, in: context), convnet: nil)
        case .convnet: UnitOutput(mlp: nil, convnet: try runConvNet(unit, in: context))
        }
    }

    /// The capture steps of a run of `total` steps: `first`, then every `every`, and the last.
    static func captureSteps(first: Int, every: Int, total: Int) -> [Int] {
        guard total >= first else { return [] }
        var steps = Array(stride(from: first, through: total, by: max(1, every)))
        if steps.last != total { steps.append(total) }
        return steps
    }

    /// Training steps of `epochs` passes over `images` in batches of `batchSize` (the last batch may be short).
    public static func stepCount(images: Int, batchSize: Int, epochs: Int) -> Int {
        epochs * ((images + batchSize - 1) / batchSize)
    }

    func runMLP(_ unit: Unit, in context: StudyContext) throws -> MLPRun {
        let shape = [context.train.channels, context.train.height, context.train.width]
        let spec = ModelSpec(family: unit.batchNorm ? .mlpSigmoidBN : .mlpSigmoid, inputShape: shape,
                             classes: context.train.classCount, weightStd: config.mlpWeightStd)
        let training = TrainingConfig(model: spec, learningRate: config.mlpLearningRate, epochs: config.mlpEpochs,
                                      batchSize: config.mlpBatchSize, momentum: config.mlpMomentum, seed: unit.seed,
                                      trainLimit: config.mlpTrainLimit)
        let probeSet = context.test.prefix(min(config.probeImages, context.test.count))
        let probe = BatchLoader(probeSet, normalization: context.normalization, batchSize: probeSet.count).batch(0..<probeSet.count)
        let total = Self.stepCount(images: min(config.mlpTrainLimit, context.train.count), batchSize: config.mlpBatchSize,
                                   epochs: config.mlpEpochs)
        let recorder = MLPProbeRecorder(captureSteps: Self.captureSteps(first: 0, every: config.mlpCaptureEvery, total: total),
                                        probe: probe, trackedUnits: config.trackedUnits)
        let trained = try Trainer(config: training).run(train: context.train, test: context.test, normalization: context.normalization,
                                                        isCancelled: context.isCancelled, observers: [recorder])
        if let error = recorder.error { throw error }
        let drift = ActivationStatistics.drift(steps: recorder.steps, percentiles: recorder.percentiles, totalSteps: total)
        let units = config.trackedUnits
        return MLPRun(
            batchNorm: unit.batchNorm, seed: unit.seed, summary: RunSummary(trained.result, classes: context.train.classCount),
            steps: recorder.steps, accuracy: recorder.accuracy, trackedUnits: units,
            unitPercentiles: units.map { u in recorder.percentiles.map { u < $0.count ? $0[u] : [.nan, .nan, .nan] } },
            meanPercentiles: recorder.percentiles.map { capture in
                (0..<3).map { k in
                    let v = capture.map { Double($0[k]) }.filter(\.isFinite)
                    return v.isEmpty ? .nan : Float(v.reduce(0, +) / Double(v.count))
                }
            },
            medianDrift: drift.median, spreadDrift: drift.spread, layers: recorder.layers)
    }

    func runConvNet(_ unit: Unit, in context: StudyContext) throws -> ConvNetRun {
        let shape = [context.train.channels, context.train.height, context.train.width]
        let spec = ModelSpec(family: unit.batchNorm ? .convnetBN : .convnet, inputShape: shape, classes: context.train.classCount)
        let training = TrainingConfig(model: spec, learningRate: config.convnetLearningRate, epochs: config.convnetEpochs,
                                      batchSize: config.convnetBatchSize, momentum: config.convnetMomentum, seed: unit.seed,
                                      trainLimit: config.convnetTrainLimit)
        // Probes from the architecture (a throwaway build: weights do not matter for names).
        var rng = SeededGenerator(seed: 0)
        let probes = FeatureMapCapture.probes(of: try spec.build(rng: &rng))
        // Maps are drawn for the first seed only: one test image per class.
        let drawsMaps = unit.capturesMaps
        let mapIndices = FeatureMapCapture.onePerClass(context.test)
        let mapBatch = drawsMaps && !mapIndices.isEmpty
            ? BatchLoader(context.test, normalization: context.normalization, batchSize: mapIndices.count).batch(mapIndices) : nil
        let total = Self.stepCount(images: min(config.convnetTrainLimit, context.train.count), batchSize: config.convnetBatchSize,
                                   epochs: config.convnetEpochs)
        let recorder = ConvNetBatchRecorder(captureSteps: Self.captureSteps(first: 1, every: config.convnetCaptureEvery, total: total),
                                            probes: probes, mapImages: mapBatch?.images)
        let trained = try Trainer(config: training).run(train: context.train, test: context.test, normalization: context.normalization,
                                                        isCancelled: context.isCancelled, observers: [recorder])
        if let error = recorder.error { throw error }
        var maps: [MapSnapshot] = []
        if let mapBatch {
            trained.model.eval()
            let end = try FeatureMapCapture.capture(trained.model, images: mapBatch.images, probes: probes)
            maps = [MapSnapshot(stage: "init", maps: recorder.initialMaps), MapSnapshot(stage: "end", maps: end)]
        }
        return ConvNetRun(batchNorm: unit.batchNorm, seed: unit.seed, summary: RunSummary(trained.result, classes: context.train.classCount),
                          layers: recorder.layers, maps: maps,
                          mapImages: drawsMaps && !mapIndices.isEmpty ? CaptureImages(context.test, indices: mapIndices) : nil)
    }

    public func assemble(_ results: [UnitOutput], of units: [Unit]) -> Result {
        let mlp = results.compactMap(\.mlp)
        let conv = results.compactMap(\.convnet)
        return Result(config: config, mlpRuns: mlp, convnetRuns: conv, findings: ActivationsFindings(mlpRuns: mlp, convnetRuns: conv))
    }

    public func summary(of output: UnitOutput) -> String? {
        if let r = output.mlp {
            return r.summary.divergedAtStep.map { "diverged at step \($0)" }
                ?? String(format: "test accuracy %.1f%%, median drift %.2f", r.summary.testAccuracy * 100, r.medianDrift)
        }
        if let r = output.convnet {
            return r.summary.divergedAtStep.map { "diverged at step \($0)" } ?? String(format: "test accuracy %.1f%%", r.summary.testAccuracy * 100)
        }
        return nil
    }
}
