import Datasets
import Engine
import Foundation
import Training

/// BatchNorm when fine-tuning: a ConvNetWithBN pretrained on classes 0–4, saved and reloaded
/// through safetensors as a downloaded checkpoint would be, then fine-tuned on a target (other
/// classes, or the same classes under a covariate shift of the inputs) by four strategies at
/// several target-set sizes: full fine-tuning, the deck's recipe (frozen backbone, BN in eval
/// mode, new head), AdaBN (the recipe with BN statistics re-estimated on the target), and only BN's
/// γ and β with the head. It also measures how far each BatchNorm layer's input statistics move
/// from source to target.
///
/// Units: one per target, strategy, size and seed, and one statistics unit per target and seed.
/// Each needs its seed's pretrained model, which it trains itself from the seed (deterministic)
/// unless another unit of the process already did (`SharedComputation`): any unit runs alone and
/// gives the same result, whatever `--jobs` is.
public struct TransferStudy: Study {
    public static let id = "transfer"
    public static let title = "BatchNorm when fine-tuning"
    /// The pretraining's batch size.
    public static let sourceBatchSize = 64
    /// Batches of this many images estimate population statistics (statistics units).
    static let statisticsBatchSize = 200

    public var config: Config
    public init(config: Config) { self.config = config }

    /// One piece of work: a fine-tuning run, or (strategy nil) the statistics of a target.
    public struct Unit: StudyUnit, Equatable {
        public var target: Target
        /// nil: the statistics unit (BN statistics, the source model on the target, AdaBN alone).
        public var strategy: Strategy?
        /// Target training images; nil: all of the target's pool.
        public var size: Int?
        public var seed: UInt64
        var expectedImages: Int

        public var key: String {
            "\(target.rawValue) " + (strategy.map { "\($0.rawValue) \(size.map { "\($0)" } ?? "all")" } ?? "statistics") + " seed \(seed)"
        }
        /// Roughly seconds on one core (the shared pretraining not counted).
        public var cost: Double { Double(expectedImages) / 4000 * (strategy?.relativeCost ?? 0.3) + 0.2 }
    }

    /// One fine-tuning run.
    public struct Run: Codable, Sendable, Equatable {
        public var target: Target
        public var strategy: Strategy
        /// The requested size (nil: all) and the images trained on.
        public var size: Int?
        public var images: Int
        public var seed: UInt64
        /// Test accuracy on the target (eval mode).
        public var accuracy: Float
        public var finalLoss: Float
        public var epochs: Int
        public var steps: Int
        public var failed: Bool
        public var failureReason: String?
    }

    /// How far a BatchNorm layer's input statistics move from the source's to the target's.
    public struct LayerShift: Codable, Sendable, Equatable {
        public var layer: String
        /// Mean over channels of |μ_target − μ_source| / σ_source.
        public var meanShift: Double
        /// Mean over channels of |ln(σ_target / σ_source)|.
        public var scaleChange: Double

        init(layer: String, source: (mean: [Float], variance: [Float]), target: (mean: [Float], variance: [Float]), eps: Float) {
            self.layer = layer
            let c = Double(max(1, source.mean.count))
            var (m, s) = (0.0, 0.0)
            for ch in source.mean.indices {
                let (sd, td) = (Double(source.variance[ch] + eps).squareRoot(), Double(target.variance[ch] + eps).squareRoot())
                m += abs(Double(target.mean[ch] - source.mean[ch])) / sd
                s += abs(log(td / sd))
            }
            meanShift = m / c
            scaleChange = s / c
        }
    }

    /// What a statistics unit measured for one target and seed.
    public struct Statistics: Codable, Sendable, Equatable {
        public var target: Target
        public var seed: UInt64
        /// Classes of the source and of the target.
        public var classes: Int
        /// The pretrained model on the source's test images (classes 0–4).
        public var sourceAccuracy: Float
        /// The pretrained model as it is (source head and statistics) on the target's test images; nil for new classes.
        public var unadaptedAccuracy: Float?
        /// The same after re-estimating its BN statistics on the target's images (AdaBN, no labels); nil for new classes.
        public var adaBNOnlyAccuracy: Float?
        /// Per BatchNorm layer, in order.
        public var layers: [LayerShift]
        /// What `load_state_dict` reported loading the checkpoint (empty: every key matched).
        public var loadReport: String
    }

    /// A unit's result: a run or statistics.
    public struct UnitOutput: Codable, Sendable, Equatable {
        public var run: Run?
        public var statistics: Statistics?
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var runs: [Run]
        public var statistics: [Statistics]
        /// Images in each target's pool (what "all" means), by target.
        public var poolSizes: [String: Int]
        public var findings: TransferFindings
    }

    // MARK: - Work

    /// The requested sizes, nil ("all") last.
    var sizes: [Int?] { config.sizes.sorted().map { Optional($0) } + (config.allImages ? [nil] : []) }

    /// Fine-tuning units from the costliest down (so the last ones are short), seeds innermost (so
    /// the first units pretrain different seeds at once), then the statistics units.
    public func units(seed: UInt64) -> [Unit] {
        let seeds = (0..<config.seeds).map { seed &+ UInt64($0) }
        var out: [Unit] = []
        for size in sizes.reversed() {
            for target in config.targets {
                for strategy in config.strategies.sorted(by: { $0.relativeCost > $1.relativeCost }) {
                    let images = expectedImages(size)
                    out += seeds.map { Unit(target: target, strategy: strategy, size: size, seed: $0, expectedImages: images) }
                }
            }
        }
        for target in config.targets {
            out += seeds.map { Unit(target: target, strategy: nil, size: nil, seed: $0, expectedImages: 2 * config.statisticsImages) }
        }
        return out
    }

    /// Training images a run goes through (for cost estimates; "all" guessed as 15,000).
    private func expectedImages(_ size: Int?) -> Int {
        let n = size ?? 15_000
        let steps = max(config.epochs * ((n + config.batchSize - 1) / config.batchSize), config.minSteps)
        return steps * config.batchSize + config.testLimit / 3
    }

    public func run(_ unit: Unit, in context: StudyContext) throws -> UnitOutput {
        let data = try sets(unit.target, context: context)
        let source = try pretrained(seed: unit.seed, data: data, context: context)
        guard let strategy = unit.strategy else {
            return UnitOutput(statistics: try statistics(unit, data: data, source: source, context: context))
        }
        return UnitOutput(run: try fineTune(unit, strategy: strategy, data: data, source: source, context: context))
    }

    /// The model of the source architecture with the checkpoint loaded strictly, as
    /// `model.load_state_dict(safetensors.torch.load_file(path))`.
    func load(_ source: Pretrained, data: Sets, inputShape: [Int]) throws -> (Sequential, IncompatibleKeys) {
        let file = try SafeTensors(bytes: source.checkpoint)
        var unused = SeededGenerator(seed: 0)   // every weight is then loaded
        let model = try ModelSpec(family: .convnetBN, inputShape: inputShape, classes: data.classes).build(rng: &unused)
        let keys = try model.loadStateDict(file.tensors)
        return (model, keys)
    }

    func fineTune(_ unit: Unit, strategy: Strategy, data: Sets, source: Pretrained, context: StudyContext) throws -> Run {
        let shape = [context.train.channels, context.train.height, context.train.width]
        let train = data.training(unit.size, seed: unit.seed)
        let (model, _) = try load(source, data: data, inputShape: shape)
        // the same new head for every strategy of a seed
        var headRNG = SeededGenerator(seed: unit.seed ^ 0x4EAD_5EED)
        let head = try Linear(inFeatures: 32 * (shape[1] / 4) * (shape[2] / 4), outFeatures: data.classes, rng: &headRNG)
        let setMode = try strategy.prepare(model, head: head, target: train, normalization: context.normalization,
                                           batchSize: config.batchSize)
        let perEpoch = (train.count + config.batchSize - 1) / config.batchSize
        let epochs = max(config.epochs, (config.minSteps + perEpoch - 1) / perEpoch)
        let training = TrainingConfig(model: ModelSpec(family: .convnetBN, inputShape: shape, classes: data.classes),
                                      learningRate: config.learningRate, epochs: epochs, batchSize: config.batchSize,
                                      momentum: config.momentum, seed: unit.seed)
        let result = try Trainer(config: training).run(model, setMode: setMode, train: train, test: data.test,
                                                       normalization: context.normalization, isCancelled: context.isCancelled).result
        let reason = FailureCriterion.reason(result, classes: data.classes)
        return Run(target: unit.target, strategy: strategy, size: unit.size, images: train.count, seed: unit.seed,
                   accuracy: result.testAccuracy, finalLoss: result.finalLoss, epochs: epochs, steps: result.stepLosses.count,
                   failed: reason != nil, failureReason: reason)
    }

    func statistics(_ unit: Unit, data: Sets, source: Pretrained, context: StudyContext) throws -> Statistics {
        let shape = [context.train.channels, context.train.height, context.train.width]
        let (model, keys) = try load(source, data: data, inputShape: shape)
        let unadapted = unit.target.sharesClasses ? try NormProbes.evalAccuracy(model, on: data.test, normalization: context.normalization) : nil
        let norms = model.namedBatchNorms()
        func population(_ set: ImageSet) -> [(mean: [Float], variance: [Float])] {
            NormProbes.recalibrate(model, on: set.prefix(config.statisticsImages), normalization: context.normalization,
                                   batchSize: Self.statisticsBatchSize, dropoutOff: false)
            return norms.map { ($0.1.runningMean.value.data, $0.1.runningVar.value.data) }
        }
        let sourceStats = population(data.source)
        let targetStats = population(data.pool)   // the model now holds the target's statistics: AdaBN
        let adaBN = unit.target.sharesClasses ? try NormProbes.evalAccuracy(model, on: data.test, normalization: context.normalization) : nil
        let layers = norms.indices.map { LayerShift(layer: norms[$0].0, source: sourceStats[$0], target: targetStats[$0], eps: norms[$0].1.eps) }
        return Statistics(target: unit.target, seed: unit.seed, classes: data.classes, sourceAccuracy: source.sourceAccuracy, unadaptedAccuracy: unadapted,
                          adaBNOnlyAccuracy: adaBN, layers: layers, loadReport: keys.isEmpty ? "" : keys.description)
    }

    public func assemble(_ outputs: [UnitOutput], of units: [Unit]) throws -> Result {
        let runs = outputs.compactMap(\.run)
        let statistics = outputs.compactMap(\.statistics)
        var pools: [String: Int] = [:]
        for run in runs where run.size == nil { pools[run.target.rawValue] = run.images }
        return Result(config: config, runs: runs, statistics: statistics, poolSizes: pools,
                      findings: TransferFindings(config: config, runs: runs, statistics: statistics))
    }

    public func summary(of result: UnitOutput) -> String? {
        if let r = result.run { return r.failed ? "failed: \(r.failureReason ?? "")" : String(format: "target accuracy %.1f%%", r.accuracy * 100) }
        if let s = result.statistics {
            return String(format: "source accuracy %.1f%%", s.sourceAccuracy * 100)
                + (s.unadaptedAccuracy.map { String(format: ", unadapted on target %.1f%%", $0 * 100) } ?? "")
        }
        return nil
    }
}
