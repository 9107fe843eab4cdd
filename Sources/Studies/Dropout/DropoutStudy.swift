import Datasets
import Engine
import Foundation
import Training

/// Dropout before BN against dropout after BN against none (Li et al. 2019, "variance shift"): the
/// deep CNN with BatchNorm, from the same initial weights; the variance of each BatchNorm's input in
/// evaluation against training mode, test accuracy, the generalisation gap, and the accuracy after
/// recalibrating BN's statistics with dropout off.
public struct DropoutStudy: Study {
    public static let id = "dropout"
    public static let title = "Dropout before and after BN"

    public var config: Config
    public init(config: Config) { self.config = config }

    /// Where the dropout goes, or none.
    public enum Arrangement: String, Codable, Sendable, CaseIterable {
        case none
        case beforeNorm = "before-norm"
        case afterNorm = "after-norm"

        var placement: DropoutPlacement? {
            switch self {
            case .none: nil
            case .beforeNorm: .beforeNorm
            case .afterNorm: .afterNorm
            }
        }

        public var label: String {
            switch self {
            case .none: "no dropout"
            case .beforeNorm: "dropout before BN"
            case .afterNorm: "dropout after BN"
            }
        }
    }

    public struct Unit: StudyUnit, Equatable {
        public var arrangement: Arrangement
        public var seed: UInt64
        var images: Int
        var depth: Int

        public var key: String { "\(arrangement.rawValue) seed \(seed)" }
        public var cost: Double { Double(images) * Double(depth) / 4 / 3000 }
    }

    /// One BatchNorm layer's variance shift.
    public struct LayerShift: Codable, Sendable, Equatable {
        public var layer: String
        /// Whether a dropout feeds this layer's convolution.
        public var afterDropout: Bool
        /// Mean over channels of Var(input in eval mode) / Var(input in train mode).
        public var measured: Double
        /// Li et al.'s v / ((c² + v)/(1 − p) − c²) from the dropout's input; 1 without a dropout.
        public var predicted: Double
    }

    public struct Run: Codable, Sendable, Equatable {
        public var arrangement: Arrangement
        public var seed: UInt64
        public var result: TrainingResult
        public var failed: Bool
        public var failureReason: String?
        public var shifts: [LayerShift]
        public var testAccuracy: Float
        /// Eval-mode accuracy on the first `testLimit` training images.
        public var trainAccuracy: Float
        /// Eval-mode test accuracy after recalibrating BN's statistics over the training set with dropout off.
        public var recalibratedAccuracy: Float
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var runs: [Run]
        public var findings: DropoutFindings
    }

    public func units(seed: UInt64) -> [Unit] {
        Arrangement.allCases.flatMap { a in
            (0..<config.seeds).map { Unit(arrangement: a, seed: seed &+ UInt64($0), images: config.trainLimit * config.epochs, depth: config.depth) }
        }
    }

    public func run(_ unit: Unit, in context: StudyContext) throws -> Run {
        let shape = [context.train.channels, context.train.height, context.train.width]
        let spec = ModelSpec(family: .deep, inputShape: shape, depth: config.depth, norm: .batch, dropout: config.p,
                             classes: context.train.classCount, dropoutPlacement: unit.arrangement.placement)
        let training = TrainingConfig(model: spec, learningRate: config.learningRate, epochs: config.epochs,
                                      batchSize: config.batchSize, momentum: config.momentum, seed: unit.seed,
                                      trainLimit: config.trainLimit)
        let train = context.train.prefix(config.trainLimit)
        let test = context.test.prefix(config.testLimit)
        let trained = try Trainer(config: training).run(train: train, test: test, normalization: context.normalization,
                                                        isCancelled: context.isCancelled)
        let model = trained.model
        let shifts = VarianceShift.measure(model, on: train.prefix(config.varianceImages), normalization: context.normalization,
                                           batchSize: config.batchSize, keep: 1 - config.p)
        let trainAccuracy = try NormProbes.evalAccuracy(model, on: train.prefix(config.testLimit), normalization: context.normalization)
        NormProbes.recalibrate(model, on: train, normalization: context.normalization, batchSize: config.batchSize, dropoutOff: true)
        let recalibrated = try NormProbes.evalAccuracy(model, on: test, normalization: context.normalization)
        let reason = FailureCriterion.reason(trained.result, classes: context.train.classCount)
        return Run(arrangement: unit.arrangement, seed: unit.seed, result: trained.result, failed: reason != nil,
                   failureReason: reason, shifts: shifts, testAccuracy: trained.result.testAccuracy,
                   trainAccuracy: trainAccuracy, recalibratedAccuracy: recalibrated)
    }

    public func assemble(_ runs: [Run], of units: [Unit]) -> Result {
        Result(config: config, runs: runs, findings: DropoutFindings(config: config, runs: runs))
    }

    public func metrics(of result: Result) -> [Metric] {
        var out: [Metric] = []
        for a in result.findings.arms {
            let key = "\(Self.id).\(a.arrangement.rawValue.replacingOccurrences(of: "-", with: "_"))"
            out.append(Metric(id: key + ".test_accuracy", label: "Test accuracy, \(a.arrangement.label)",
                              value: a.testAccuracy.mean, unit: .accuracy, better: .higher))
            out.append(Metric(id: key + ".recalibrated_accuracy", label: "Test accuracy after recalibration, \(a.arrangement.label)",
                              value: a.recalibratedAccuracy.mean, unit: .accuracy, better: .higher))
        }
        out.append(Metric(id: "\(Self.id).before_norm.variance_shift", label: "Variance shift (eval ÷ train) after a dropout, dropout before BN",
                          value: result.findings.shiftBefore.mean, unit: .ratio, better: .neither))
        return out
    }
}
