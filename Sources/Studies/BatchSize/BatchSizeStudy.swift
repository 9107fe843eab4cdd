import Datasets
import Engine
import Foundation
import Training

/// Wu & He's comparison (Group Normalization, 2018, Fig. 1) on Fashion-MNIST: the deep CNN with
/// BatchNorm, GroupNorm, LayerNorm, InstanceNorm and no normalisation at several batch sizes, the
/// learning rate scaled linearly with the batch size, the same number of epochs.
public struct BatchSizeStudy: Study {
    public static let id = "batch-size"
    public static let title = "Batch size: BN against GroupNorm, LayerNorm and InstanceNorm"

    public var config: Config
    public init(config: Config) { self.config = config }

    public struct Unit: StudyUnit, Equatable {
        public var norm: NormKind
        public var batchSize: Int
        public var seed: UInt64
        var images: Int
        var depth: Int

        public var key: String { "\(norm.rawValue) batch \(batchSize) seed \(seed)" }
        /// Roughly seconds on one core: small batches cost more per image.
        public var cost: Double { Double(images) * Double(depth) / 4 * (0.3 + 0.8 / Double(batchSize).squareRoot()) / 1000 }
    }

    public struct Run: Codable, Sendable, Equatable {
        public var norm: NormKind
        public var batchSize: Int
        public var learningRate: Float
        public var seed: UInt64
        public var result: TrainingResult
        public var failed: Bool
        public var failureReason: String?
        /// 1 − eval-mode test accuracy (a non-finite accuracy counts as 1).
        public var testError: Float
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var runs: [Run]
        public var findings: BatchSizeFindings
    }

    public func learningRate(batchSize: Int) -> Float {
        config.baseLearningRate * Float(batchSize) / Float(config.baseBatchSize)
    }

    public func units(seed: UInt64) -> [Unit] {
        var units: [Unit] = []
        for norm in config.norms {
            for b in config.batchSizes {
                for k in 0..<config.seeds {
                    units.append(Unit(norm: norm, batchSize: b, seed: seed &+ UInt64(k),
                                      images: config.trainLimit * config.epochs, depth: config.depth))
                }
            }
        }
        return units
    }

    public func run(_ unit: Unit, in context: StudyContext) throws -> Run {
        let shape = [context.train.channels, context.train.height, context.train.width]
        let spec = ModelSpec(family: .deep, inputShape: shape, depth: config.depth, norm: unit.norm, classes: context.train.classCount,
                             groups: unit.norm == .group ? config.groups : nil)
        let lr = learningRate(batchSize: unit.batchSize)
        let training = TrainingConfig(model: spec, learningRate: lr, epochs: config.epochs, batchSize: unit.batchSize,
                                      momentum: config.momentum, seed: unit.seed, trainLimit: config.trainLimit)
        let result = try Trainer(config: training).run(train: context.train, test: context.test.prefix(config.testLimit),
                                                       normalization: context.normalization,
                                                       isCancelled: context.isCancelled).result
        let reason = FailureCriterion.reason(result, classes: context.train.classCount)
        return Run(norm: unit.norm, batchSize: unit.batchSize, learningRate: lr, seed: unit.seed, result: result,
                   failed: reason != nil, failureReason: reason,
                   testError: result.testAccuracy.isFinite ? 1 - result.testAccuracy : 1)
    }

    public func assemble(_ runs: [Run], of units: [Unit]) -> Result {
        Result(config: config, runs: runs, findings: BatchSizeFindings(config: config, runs: runs))
    }

    public func metrics(of result: Result) -> [Metric] {
        var out: [Metric] = []
        for n in result.findings.norms {
            for (b, e) in zip(n.batchSizes, n.testError) {
                out.append(Metric(id: "\(Self.id).\(n.norm.rawValue).batch\(b).test_error",
                                  label: "Test error, \(BatchSizeFindings.name(n.norm)), batch \(b)",
                                  value: e.mean, unit: .ratio, better: .lower))
            }
        }
        return out
    }
}
