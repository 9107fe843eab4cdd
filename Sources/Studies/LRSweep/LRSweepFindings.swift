import Training
import Foundation

/// The numbers a reader wants from one network's sweep, per arm and compared.
public struct LRSweepFindings: Codable, Sendable, Equatable {
    /// One arm (with or without BN) of one network.
    public struct Arm: Codable, Sendable, Equatable {
        public var batchNorm: Bool
        /// The LR with the best mean test accuracy over seeds, and that accuracy.
        public var bestLearningRate: Float?
        public var bestAccuracy: Float?
        /// The largest LR at which every seed trained.
        public var largestTrainingLearningRate: Float?
        /// log10 of the ratio between the largest and smallest LR whose mean accuracy is within
        /// 2 points of the best (0 when only one grid point qualifies).
        public var windowDecades: Float?
        /// Mean test accuracy over seeds per LR (grid order), and its standard deviation.
        public var meanAccuracy: [Float]
        public var stdAccuracy: [Float]
        public var learningRates: [Float]
    }

    public var depth: Int
    public var withBN: Arm
    public var withoutBN: Arm
    /// largestTrainingLearningRate with BN divided by that without (nil if either arm never trained).
    public var largestLearningRateRatio: Float?

    public init(depth: Int, runs: [LRSweepStudy.Run]) {
        self.depth = depth
        withBN = Self.arm(runs.filter(\.batchNorm), batchNorm: true)
        withoutBN = Self.arm(runs.filter { !$0.batchNorm }, batchNorm: false)
        if let a = withBN.largestTrainingLearningRate, let b = withoutBN.largestTrainingLearningRate {
            largestLearningRateRatio = a / b
        }
    }

    private static func arm(_ runs: [LRSweepStudy.Run], batchNorm: Bool) -> Arm {
        let lrs = Array(Set(runs.map(\.learningRate))).sorted()
        var means: [Float] = [], stds: [Float] = []
        var largest: Float?
        for lr in lrs {
            let at = runs.filter { $0.learningRate == lr }
            // A failed run counts at its measured accuracy (diverged: chance or worse).
            let accs = at.map { $0.result.testAccuracy.isFinite ? $0.result.testAccuracy : 0 }
            let m = accs.reduce(0, +) / Float(accs.count)
            means.append(m)
            stds.append((accs.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Float(accs.count)).squareRoot())
            if at.allSatisfy({ !$0.failed }) { largest = lr }
        }
        guard let bestIndex = means.indices.max(by: { means[$0] < means[$1] }) else {
            return Arm(batchNorm: batchNorm, meanAccuracy: [], stdAccuracy: [], learningRates: [])
        }
        let best = means[bestIndex]
        let near = lrs.indices.filter { means[$0] >= best - 0.02 }.map { lrs[$0] }
        // A window is only meaningful for an arm in which something trained.
        let window = near.isEmpty || largest == nil ? nil : Float(log10(Double(near.max()!) / Double(near.min()!)))
        return Arm(batchNorm: batchNorm, bestLearningRate: lrs[bestIndex], bestAccuracy: best,
                   largestTrainingLearningRate: largest, windowDecades: window,
                   meanAccuracy: means, stdAccuracy: stds, learningRates: lrs)
    }
}
