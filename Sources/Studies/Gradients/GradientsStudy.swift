import Datasets
import Engine
import Foundation
import Training

/// Gradients with and without BN, measured on the plain deep CNN: per-layer norms at initialisation
/// and over training, the tails of their entries, Santurkar's internal covariate shift, and the
/// loss landscape along the gradient.
///
/// Each network trains at each learning rate with and without BN, from the same initial weights for
/// the layers they share; a `GradientRecorder` observes the run without changing it. The unit with
/// the first learning rate also measures the gradients at initialisation (they do not depend on it).
public struct GradientsStudy: Study {
    public static let id = "gradients"
    public static let title = "Gradients with and without BN"

    public var config: Config
    public init(config: Config) { self.config = config }

    /// One training run: a depth, an arm, a learning rate and a seed.
    public struct Unit: StudyUnit, Equatable {
        public var depth: Int
        public var batchNorm: Bool
        public var learningRate: Float
        public var seed: UInt64
        /// Whether this unit also measures the initial gradients of its network and seed.
        public var measuresInitialGradients: Bool
        var images: Int
        var probes: Int

        public var key: String { "depth \(depth) \(batchNorm ? "BN" : "no-BN") lr \(learningRate) seed \(seed)" }
        /// Roughly seconds on one core: training, plus one forward and backward pass per weight layer
        /// and step size at each probe.
        public var cost: Double {
            let perImage = Double(depth) / 3 / 5000
            return perImage * (Double(images) + Double(probes * (depth + 6) * 128))
        }
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var initial: [InitialGradients]
        public var runs: [Run]
        public var findings: [Findings]
    }

    // MARK: - Work

    public func units(seed: UInt64) -> [Unit] {
        var units: [Unit] = []
        for depth in config.depths {
            for bn in [false, true] {
                for (i, lr) in config.learningRates.enumerated() {
                    for k in 0..<config.seeds {
                        units.append(Unit(depth: depth, batchNorm: bn, learningRate: lr, seed: seed &+ UInt64(k),
                                          measuresInitialGradients: i == 0, images: config.trainLimit * config.epochs,
                                          probes: config.probes))
                    }
                }
            }
        }
        return units
    }

    public func run(_ unit: Unit, in context: StudyContext) throws -> UnitOutput {
        let shape = [context.train.channels, context.train.height, context.train.width]
        let spec = ModelSpec(family: .deep, inputShape: shape, depth: unit.depth, norm: unit.batchNorm ? .batch : NormKind.none,
                             classes: context.train.classCount)
        let training = TrainingConfig(model: spec, learningRate: unit.learningRate, epochs: config.epochs,
                                      batchSize: config.batchSize, momentum: config.momentum, seed: unit.seed,
                                      trainLimit: config.trainLimit)
        let images = min(config.trainLimit, context.train.count)
        let steps = config.epochs * ((images + config.batchSize - 1) / config.batchSize)
        let recorder = GradientRecorder(config: config, learningRate: unit.learningRate,
                                        measuresInitialGradients: unit.measuresInitialGradients, totalSteps: steps)
        let trained = try Trainer(config: training).run(train: context.train, test: context.test,
                                                        normalization: context.normalization,
                                                        isCancelled: context.isCancelled, observers: [recorder])
        if let error = recorder.error { throw error }
        let result = trained.result
        let reason = FailureCriterion.reason(result, classes: context.train.classCount)
        var initial = recorder.initial
        initial?.depth = unit.depth
        initial?.batchNorm = unit.batchNorm
        initial?.seed = unit.seed
        return UnitOutput(initial: initial, run: Run(
            depth: unit.depth, batchNorm: unit.batchNorm, learningRate: unit.learningRate, seed: unit.seed,
            result: result, failed: reason != nil, failureReason: reason,
            gradientNorms: recorder.norms, probes: recorder.probes))
    }

    public func assemble(_ results: [UnitOutput], of units: [Unit]) -> Result {
        let initial = results.compactMap(\.initial)
        let runs = results.map(\.run)
        let findings = config.depths.map { Findings(depth: $0, config: config, initial: initial, runs: runs) }
        return Result(config: config, initial: initial, runs: runs, findings: findings)
    }

    public func summary(of output: UnitOutput) -> String? { output.run.result.summary }

    // MARK: - Helpers

    /// `count` steps spread evenly over 1…`totalSteps`, first and last included.
    static func probeSteps(count: Int, totalSteps: Int) -> [Int] {
        guard count > 0, totalSteps > 0 else { return [] }
        if count == 1 { return [1] }
        let steps = (0..<count).map { 1 + Int((Double($0) * Double(totalSteps - 1) / Double(count - 1)).rounded()) }
        return Array(Set(steps)).sorted()
    }

    /// The histogram bin of an entry z (in RMS units); the end bins take everything beyond them.
    static func histogramBin(_ z: Double) -> Int {
        let edges = histogramEdges
        guard z.isFinite else { return z > 0 ? edges.count - 2 : 0 }
        let i = Int(((z - edges[0]) / 0.5).rounded(.down))
        return min(max(i, 0), edges.count - 2)
    }
}
