import Training
import Foundation

/// The numbers a reader wants from one network's sweep, per arm and compared.
public struct LRSweepFindings: Codable, Sendable, Equatable {
    /// A learning rate "trains well" when every seed trained and the mean test accuracy is within
    /// this many points (as a fraction) of the arm's best.
    public static let trainsWellWithin: Float = 0.05
    /// The LR window counts the learning rates next to the best whose accuracy is within this of it.
    public static let windowWithin: Float = 0.02

    /// One arm (with or without BN) of one network.
    public struct Arm: Codable, Sendable, Equatable {
        public var batchNorm: Bool
        /// The LR with the best mean test accuracy over seeds, and that accuracy.
        public var bestLearningRate: Float?
        public var bestAccuracy: Float?
        /// The largest LR at which every seed trained (by `FailureCriterion`), however well.
        public var largestTrainingLearningRate: Float?
        /// The largest LR that trains well: every seed trained and the mean test accuracy is within
        /// `trainsWellWithin` of the best.
        public var largestGoodLearningRate: Float?
        /// log10 of the ratio between the ends of the contiguous run of grid points around the best
        /// whose mean accuracy is within `windowWithin` of it (0 when only the best qualifies).
        public var windowDecades: Float?
        /// Mean test accuracy over seeds per LR (grid order), and its standard deviation.
        public var meanAccuracy: [Float]
        public var stdAccuracy: [Float]
        public var learningRates: [Float]
    }

    public var depth: Int
    public var withBN: Arm
    public var withoutBN: Arm
    /// largestGoodLearningRate with BN divided by that without (nil if either arm never trained well).
    public var largestGoodLearningRateRatio: Float?

    public init(depth: Int, runs: [LRSweepStudy.Run]) {
        self.depth = depth
        withBN = Self.arm(runs.filter(\.batchNorm), batchNorm: true)
        withoutBN = Self.arm(runs.filter { !$0.batchNorm }, batchNorm: false)
        if let a = withBN.largestGoodLearningRate, let b = withoutBN.largestGoodLearningRate {
            largestGoodLearningRateRatio = a / b
        }
    }

    private static func arm(_ runs: [LRSweepStudy.Run], batchNorm: Bool) -> Arm {
        let lrs = Array(Set(runs.map(\.learningRate))).sorted()
        var means: [Float] = [], stds: [Float] = [], allTrained: [Bool] = []
        for lr in lrs {
            let at = runs.filter { $0.learningRate == lr }
            // A failed run counts at its measured accuracy (diverged: chance or worse).
            let accs = at.map { $0.result.testAccuracy.isFinite ? $0.result.testAccuracy : 0 }
            let m = accs.reduce(0, +) / Float(accs.count)
            means.append(m)
            stds.append((accs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(accs.count)).squareRoot())
            allTrained.append(at.allSatisfy { !$0.failed })
        }
        guard let bestIndex = means.indices.max(by: { means[$0] < means[$1] }) else {
            return Arm(batchNorm: batchNorm, meanAccuracy: [], stdAccuracy: [], learningRates: [])
        }
        let best = means[bestIndex]
        let largest = lrs.indices.last { allTrained[$0] }.map { lrs[$0] }
        let good = lrs.indices.last { allTrained[$0] && means[$0] >= best - trainsWellWithin }.map { lrs[$0] }
        // The window is contiguous: it grows from the best while its neighbours stay close to it.
        var (lo, hi) = (bestIndex, bestIndex)
        while lo > 0, means[lo - 1] >= best - windowWithin { lo -= 1 }
        while hi < lrs.count - 1, means[hi + 1] >= best - windowWithin { hi += 1 }
        // A window is only meaningful for an arm in which something trained.
        let window = largest == nil ? nil : Float(log10(Double(lrs[hi]) / Double(lrs[lo])))
        return Arm(batchNorm: batchNorm, bestLearningRate: lrs[bestIndex], bestAccuracy: best,
                   largestTrainingLearningRate: largest, largestGoodLearningRate: good, windowDecades: window,
                   meanAccuracy: means, stdAccuracy: stds, learningRates: lrs)
    }
}
