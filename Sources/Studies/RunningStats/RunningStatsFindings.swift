import Engine
import Foundation
import Training

/// The numbers a reader wants from the running-statistics study, per arm, with verdicts.
public struct RunningStatsFindings: Codable, Sendable, Equatable {
    /// Recalibration agrees with Ioffe & Szegedy's premise (moving averages estimate the population
    /// statistics well enough for inference) when it changes eval-mode accuracy by less than this.
    public static let recalibrationTolerance = 0.01
    /// The largest |logit alone − logit in a batch| in evaluation mode that counts as "the same".
    public static let singleImageTolerance = 1e-5

    public struct Arm: Codable, Sendable, Equatable {
        public var arm: RunningStatsStudy.Arm
        public var evalAccuracy: SeedSpread
        public var trainModeAccuracy: SeedSpread
        public var recalibratedAccuracy: SeedSpread
        /// Per seed: recalibrated − eval accuracy.
        public var recovered: SeedSpread
        /// Per seed: eval − train-mode accuracy.
        public var trainEvalGap: SeedSpread
        /// Per layer (in order), per seed: the variance error at the last checkpoint.
        public var finalVarianceError: [SeedSpread]
        public var finalMeanError: [SeedSpread]
        /// Running statistics as good as population statistics for inference: |recovered| within the tolerance.
        public var recalibrationVerdict: Verdict
        public var trained: Int
    }

    public var arms: [Arm]
    /// The BatchNorm layers' names, in order.
    public var layers: [String]
    /// Over every run with running statistics: the largest eval-mode difference between a batch of one and the batch.
    public var singleImageEvalMaxDifference: Double?
    public var singleImageTrainMaxDifference: Double?
    /// Eval-mode single images give the batch's logits: agrees when within `singleImageTolerance`.
    public var singleImageVerdict: Verdict
    /// Mean over runs of the accuracy of images evaluated alone, in each mode.
    public var evalAloneAccuracy: Double?
    public var trainAloneAccuracy: Double?
    /// The engine's error for a BatchNorm1d given one sample in training mode.
    public var batchNorm1dError: String

    init(config: RunningStatsStudy.Config, arms: [RunningStatsStudy.Arm], runs: [RunningStatsStudy.Run]) {
        layers = runs.first { !$0.checkpoints.isEmpty && !($0.checkpoints.first?.layers.isEmpty ?? true) }?
            .checkpoints[0].layers.map(\.layer) ?? []
        let layerCount = layers.count
        self.arms = arms.map { arm in
            let at = runs.filter { $0.arm == arm }
            let eval = Dictionary(uniqueKeysWithValues: at.map { ($0.seed, Double($0.evalAccuracy)) })
            let trainMode = Dictionary(uniqueKeysWithValues: at.map { ($0.seed, Double($0.trainModeAccuracy)) })
            let recal = Dictionary(uniqueKeysWithValues: at.compactMap { r in r.recalibratedAccuracy.map { (r.seed, Double($0)) } })
            let recovered = NormProbes.paired(recal, eval)
            let last = at.compactMap { $0.checkpoints.last }
            return Arm(arm: arm, evalAccuracy: SeedSpread(at.map { Double($0.evalAccuracy) }),
                       trainModeAccuracy: SeedSpread(at.map { Double($0.trainModeAccuracy) }),
                       recalibratedAccuracy: SeedSpread(recal.keys.sorted().map { recal[$0]! }),
                       recovered: recovered, trainEvalGap: NormProbes.paired(eval, trainMode),
                       finalVarianceError: (0..<layerCount).map { l in SeedSpread(last.compactMap { l < $0.layers.count ? $0.layers[l].varianceError : nil }) },
                       finalMeanError: (0..<layerCount).map { l in SeedSpread(last.compactMap { l < $0.layers.count ? $0.layers[l].meanError : nil }) },
                       recalibrationVerdict: arm.momentum == nil ? .inconclusive : NormProbes.withinTolerance(recovered, Self.recalibrationTolerance),
                       trained: at.filter { !$0.failed }.count)
        }
        let singles = runs.compactMap(\.singleImage)
        singleImageEvalMaxDifference = singles.map(\.evalMaxDifference).max()
        singleImageTrainMaxDifference = singles.map(\.trainMaxDifference).max()
        singleImageVerdict = singleImageEvalMaxDifference.map { $0 <= Self.singleImageTolerance ? .agrees : .differs } ?? .inconclusive
        evalAloneAccuracy = singles.isEmpty ? nil : singles.map { Double($0.evalAloneAccuracy) }.reduce(0, +) / Double(singles.count)
        trainAloneAccuracy = singles.isEmpty ? nil : singles.map { Double($0.trainAloneAccuracy) }.reduce(0, +) / Double(singles.count)
        batchNorm1dError = RunningStatsStudy.batchNorm1dSingleSampleError()
    }
}
