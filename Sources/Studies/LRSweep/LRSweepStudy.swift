import Datasets
import Engine
import Foundation
import Training

/// The headline study: test accuracy over a log-spaced learning-rate grid, with and without BN.
///
/// For each depth (2 is the seed's ConvNetWithBN and its no-BN twin; larger depths are the plain
/// `deep` CNN) and each seed, both arms start from the same convolution and linear weights; only the
/// normalisation differs. Every grid point is one unit of work: one training run.
public struct LRSweepStudy: Study {
    public static let id = "lr-sweep"
    public static let title = "Learning-rate sweep"

    public var config: Config
    public init(config: Config) { self.config = config }

    /// One grid point: a network, an arm, a learning rate and a seed.
    public struct Unit: StudyUnit, Equatable {
        public var depth: Int
        public var batchNorm: Bool
        public var learningRate: Float
        public var seed: UInt64
        /// How many training images it sees in all (for the cost estimate).
        var images: Int

        public var key: String { "depth \(depth) \(batchNorm ? "BN" : "no-BN") lr \(learningRate) seed \(seed)" }
        /// Roughly seconds on one core: the deep CNN's extra 32-channel blocks cost about a third of the ConvNet each.
        public var cost: Double { Double(images) / 5000 * (depth == 2 ? 1 : Double(depth) / 3) }
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

    // MARK: - Work

    public func units(seed: UInt64) -> [Unit] {
        let images = (config.trainLimit ?? 60_000) * config.epochs
        var grid: [Unit] = []
        for depth in config.depths {
            for bn in [false, true] {
                for lr in config.learningRates {
                    for k in 0..<config.seeds {
                        grid.append(Unit(depth: depth, batchNorm: bn, learningRate: lr, seed: seed &+ UInt64(k), images: images))
                    }
                }
            }
        }
        return grid
    }

    public func run(_ unit: Unit, in context: StudyContext) throws -> TrainingResult {
        let shape = [context.train.channels, context.train.height, context.train.width]
        let training = trainingConfig(depth: unit.depth, batchNorm: unit.batchNorm, learningRate: unit.learningRate,
                                      seed: unit.seed, inputShape: shape, classes: context.train.classCount)
        return try Trainer(config: training).run(train: context.train, test: context.test,
                                                 normalization: context.normalization,
                                                 isCancelled: context.isCancelled).result
    }

    public func assemble(_ results: [TrainingResult], of units: [Unit]) -> Result {
        let runs = zip(units, results).map { p, r in
            let reason = FailureCriterion.reason(r, classes: r.config.model.classes)
            return Run(depth: p.depth, batchNorm: p.batchNorm, learningRate: p.learningRate, seed: p.seed, result: r,
                       failed: reason != nil, failureReason: reason)
        }
        let findings = config.depths.map { depth in LRSweepFindings(depth: depth, runs: runs.filter { r in r.depth == depth }) }
        return Result(config: config, runs: runs, findings: findings)
    }

    public func summary(of result: TrainingResult) -> String? { result.summary }

    /// The training configuration of one grid point.
    public func trainingConfig(depth: Int, batchNorm: Bool, learningRate: Float, seed: UInt64,
                               inputShape: [Int], classes: Int) -> TrainingConfig {
        let spec = depth == 2
            ? ModelSpec(family: batchNorm ? .convnetBN : .convnet, inputShape: inputShape, classes: classes)
            : ModelSpec(family: .deep, inputShape: inputShape, depth: depth, norm: batchNorm ? .batch : NormKind.none, classes: classes)
        return TrainingConfig(model: spec, learningRate: learningRate, epochs: config.epochs, batchSize: config.batchSize,
                              momentum: config.momentum, seed: seed, trainLimit: config.trainLimit)
    }
}

extension LRSweepStudy.Result {
    private enum CodingKeys: String, CodingKey { case config, runs, findings }

    /// The findings are derived from the runs, so they are derived again on reading: a file written
    /// by an older bnlab is judged by today's rules.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let config = try c.decode(LRSweepStudy.Config.self, forKey: .config)
        let runs = try c.decode([LRSweepStudy.Run].self, forKey: .runs)
        self.init(config: config, runs: runs,
                  findings: config.depths.map { depth in LRSweepFindings(depth: depth, runs: runs.filter { $0.depth == depth }) })
    }
}
