import Datasets
import Engine
import Foundation

/// Smith's learning-rate range test (Smith 2017, arXiv:1506.01186, §3.3), as fastai's `lr_find`:
/// the learning rate grows exponentially from `start` to `end` over `steps` batches while the
/// loss is smoothed (exponential moving average, debiased, β = 0.98); the test stops once the
/// smoothed loss exceeds `divergenceFactor` × its best. Observes a `Trainer` run.
public final class LRRangeTest: TrainingObserver {
    public let start: Double
    public let end: Double
    public let steps: Int
    public let divergenceFactor: Double
    public let beta = 0.98

    /// Every step taken: its learning rate, raw and smoothed loss.
    public private(set) var learningRates: [Double] = []
    public private(set) var losses: [Double] = []
    public private(set) var smoothedLosses: [Double] = []
    /// The step (0-based) at which the smoothed loss passed the divergence bound, or the loss
    /// became non-finite; nil if the scan reached `end` without diverging.
    public private(set) var divergedAt: Int?
    private var average = 0.0
    private var best = Double.infinity

    public init(start: Double = 1e-5, end: Double = 10, steps: Int = 200, divergenceFactor: Double = 4) {
        (self.start, self.end, self.steps, self.divergenceFactor) = (start, end, max(2, steps), divergenceFactor)
    }

    /// Checks a range test's settings; errors name the option.
    public static func validate(start: Double, end: Double, steps: Int) throws(ConfigError) {
        guard start > 0, start.isFinite else { throw ConfigError(key: "start", message: "must be a positive number, got \(start)") }
        guard end > start, end.isFinite else { throw ConfigError(key: "end", message: "must be above --start (\(start)), got \(end)") }
        guard steps >= 10 else { throw ConfigError(key: "steps", message: "must be at least 10, got \(steps)") }
    }

    /// The learning rate of step `k` (0-based): `start · (end/start)^(k/(steps−1))`.
    public func learningRate(atStep k: Int) -> Double { start * pow(end / start, Double(k) / Double(steps - 1)) }

    /// The epochs a run of `batchesPerEpoch` batches needs to cover the test.
    public func epochs(batchesPerEpoch: Int) -> Int { (steps + max(1, batchesPerEpoch) - 1) / max(1, batchesPerEpoch) }

    public func trainingWillStart(_ loop: TrainingLoop) { set(loop, 0) }

    public func didForward(_ loop: TrainingLoop, loss: Float, logits: Tensor, batch: Batch) {
        let k = learningRates.count
        learningRates.append(learningRate(atStep: k))
        losses.append(Double(loss))
        guard loss.isFinite else {
            smoothedLosses.append(.nan)
            if divergedAt == nil { divergedAt = k }
            return
        }
        average = beta * average + (1 - beta) * Double(loss)
        let smoothed = average / (1 - pow(beta, Double(k + 1)))
        smoothedLosses.append(smoothed)
        best = min(best, smoothed)
        if divergedAt == nil && smoothed > divergenceFactor * best { divergedAt = k }
        if divergedAt != nil { loop.requestStop(reason: "range test: smoothed loss above \(divergenceFactor)× its best") }
        else if k + 1 >= steps { loop.requestStop(reason: "range test: reached the end learning rate") }
    }

    public func didStep(_ loop: TrainingLoop) { set(loop, learningRates.count) }

    private func set(_ loop: TrainingLoop, _ k: Int) {
        let lr = Float(learningRate(atStep: min(k, steps - 1)))
        for i in loop.optimizer.paramGroups.indices { loop.optimizer.paramGroups[i].lr = lr }
    }

    /// What the test found.
    public var result: Result { Result(test: self) }

    /// The outcome of a range test: the curve and the learning rates read from it.
    public struct Result: Codable, Sendable, Equatable {
        public var learningRates: [Double]
        public var smoothedLosses: [Double]
        /// fastai's suggestion: the steepest descent of the smoothed loss against log learning rate
        /// (central differences), skipping the first tenth of the steps and the last five before
        /// the end or the divergence.
        public var suggested: Double?
        /// Where the smoothed loss was lowest (Smith's upper bound for a cyclical schedule).
        public var minimum: Double?
        /// Where the test diverged (smoothed loss above 4× its best, or a non-finite loss), or nil.
        public var divergence: Double?

        public init(learningRates: [Double], smoothedLosses: [Double], suggested: Double?, minimum: Double?, divergence: Double?) {
            (self.learningRates, self.smoothedLosses) = (learningRates, smoothedLosses)
            (self.suggested, self.minimum, self.divergence) = (suggested, minimum, divergence)
        }

        init(test: LRRangeTest) {
            learningRates = test.learningRates
            smoothedLosses = test.smoothedLosses
            divergence = test.divergedAt.map { test.learningRates[$0] }
            let usable = test.divergedAt ?? test.smoothedLosses.count
            let finite = (0..<usable).filter { test.smoothedLosses[$0].isFinite }
            minimum = finite.min { test.smoothedLosses[$0] < test.smoothedLosses[$1] }.map { test.learningRates[$0] }
            let lo = max(1, test.steps / 10), hi = usable - 5
            var steepest: (Int, Double)?
            if hi - lo >= 3 {
                for k in lo..<hi {
                    let (a, b) = (test.smoothedLosses[k - 1], test.smoothedLosses[k + 1])
                    let slope = (b - a) / (log(test.learningRates[k + 1]) - log(test.learningRates[k - 1]))
                    if slope.isFinite, slope < (steepest?.1 ?? .infinity) { steepest = (k, slope) }
                }
            }
            suggested = steepest.map { test.learningRates[$0.0] }
        }
    }
}
