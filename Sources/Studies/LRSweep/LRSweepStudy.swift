import Training
import Datasets
import Engine
import Foundation

/// The headline study: test accuracy over a log-spaced learning-rate grid, with and without BN.
///
/// For each depth (2 is the seed's ConvNetWithBN and its no-BN twin; larger depths are the plain
/// `deep` CNN) and each seed, both arms start from the same convolution and linear weights; only the
/// normalisation differs. Every run is independent, so they execute `context.jobs` at a time, and the
/// result does not depend on that number.
public struct LRSweepStudy: Study {
    public struct Config: Codable, Sendable, Equatable {
        public var depths: [Int] = [2, 6]
        public var learningRates: [Float] = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3]
        /// Seeds per grid point (the base seed and the ones after it).
        public var seeds: Int = 1
        public var epochs: Int = 1
        /// The first N training images (nil: all).
        public var trainLimit: Int? = 10_000
        public var batchSize: Int = 128
        public var momentum: Float = 0.9
        public init() {}
    }

    /// One training run of the grid.
    public struct Run: Codable, Sendable, Equatable {
        public var depth: Int
        public var batchNorm: Bool
        public var learningRate: Float
        public var seed: UInt64
        public var result: TrainingResult
        /// Whether the run failed to train under `FailureCriterion`.
        public var failed: Bool
        public var failureReason: String?
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var runs: [Run]
        public var findings: [LRSweepFindings]
    }

    public static let id = "lr-sweep"
    public var config: Config
    public init(config: Config = Config()) { self.config = config }

    public var workUnits: Int { config.depths.count * 2 * config.learningRates.count * config.seeds }

    /// The training configuration of one grid point.
    public func trainingConfig(depth: Int, batchNorm: Bool, learningRate: Float, seed: UInt64,
                               inputShape: [Int], classes: Int) -> TrainingConfig {
        let spec = depth == 2
            ? ModelSpec(family: batchNorm ? .convnetBN : .convnet, inputShape: inputShape, classes: classes)
            : ModelSpec(family: .deep, inputShape: inputShape, depth: depth, norm: batchNorm ? .batch : NormKind.none, classes: classes)
        return TrainingConfig(model: spec, learningRate: learningRate, epochs: config.epochs, batchSize: config.batchSize,
                              momentum: config.momentum, seed: seed, trainLimit: config.trainLimit)
    }

    public func run(in context: StudyContext) throws -> Result {
        let shape = [context.train.channels, context.train.height, context.train.width]
        var grid: [(depth: Int, bn: Bool, lr: Float, seed: UInt64)] = []
        for depth in config.depths {
            for bn in [false, true] {
                for lr in config.learningRates {
                    for k in 0..<config.seeds { grid.append((depth, bn, lr, context.seed &+ UInt64(k))) }
                }
            }
        }
        let points = grid
        let configs = points.map {
            trainingConfig(depth: $0.depth, batchNorm: $0.bn, learningRate: $0.lr, seed: $0.seed,
                           inputShape: shape, classes: context.train.classCount)
        }
        for c in configs { try c.validate() }

        let results = try ParallelRunner(jobs: context.jobs).map(configs, isCancelled: context.isCancelled) { i, c in
            let run = try Trainer(config: c).run(train: context.train, test: context.test,
                                                 normalization: context.normalization,
                                                 isCancelled: context.isCancelled)
            let p = points[i]
            context.progress(WorkDone(label: "depth \(p.depth) \(p.bn ? "BN" : "no-BN") lr \(p.lr) seed \(p.seed)",
                                      seconds: run.seconds))
            return run.result
        }

        let runs = zip(points, results).map { p, r in
            let reason = FailureCriterion.reason(r, classes: context.train.classCount)
            return Run(depth: p.depth, batchNorm: p.bn, learningRate: p.lr, seed: p.seed, result: r,
                       failed: reason != nil, failureReason: reason)
        }
        let findings = config.depths.map { depth in LRSweepFindings(depth: depth, runs: runs.filter { r in r.depth == depth }) }
        return Result(config: config, runs: runs, findings: findings)
    }
}
