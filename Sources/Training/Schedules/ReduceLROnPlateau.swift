/// Cuts the learning rate by `factor` once a metric has stopped improving for more than
/// `patience` steps (`torch.optim.lr_scheduler.ReduceLROnPlateau`); stepped with the metric only.
public final class ReduceLROnPlateau: LRScheduler {
    /// Whether lower (`min`) or higher (`max`) values of the metric are better.
    public enum Mode: String, Sendable, CaseIterable, Codable { case min, max }
    /// Whether `threshold` is relative to the best value or an absolute margin.
    public enum ThresholdMode: String, Sendable, CaseIterable, Codable { case rel, abs }

    public let groups: ScheduleGroups
    public let mode: Mode
    public let factor: Double
    public let patience: Int
    public let threshold: Double
    public let thresholdMode: ThresholdMode
    public let cooldown: Int
    public let minLRs: [Double]
    public let eps: Double
    public private(set) var lastEpoch = 0
    public private(set) var lastLR: [Double]
    /// The best metric so far, the steps left in cooldown, and the bad steps counted.
    public private(set) var best: Double
    public private(set) var cooldownCounter = 0
    public private(set) var badEpochs = 0

    /// `minLR` holds one value for every group or one per group.
    public init(groups: ScheduleGroups, mode: Mode = .min, factor: Double = 0.1, patience: Int = 10,
                threshold: Double = 1e-4, thresholdMode: ThresholdMode = .rel, cooldown: Int = 0,
                minLR: [Double] = [0], eps: Double = 1e-8) throws(ScheduleError) {
        guard factor < 1 else { throw .invalidArgument("factor", "should be < 1.0, got \(factor)") }
        guard patience >= 0 else { throw .invalidArgument("patience", "must be ≥ 0, got \(patience)") }
        guard cooldown >= 0 else { throw .invalidArgument("cooldown", "must be ≥ 0, got \(cooldown)") }
        let n = groups.groups.count
        if minLR.count == 1 {
            minLRs = Array(repeating: minLR[0], count: n)
        } else {
            guard minLR.count == n else { throw .invalidArgument("min_lr", "expected \(n) min_lrs, got \(minLR.count)") }
            minLRs = minLR
        }
        self.groups = groups
        (self.mode, self.factor, self.patience, self.threshold) = (mode, factor, patience, threshold)
        (self.thresholdMode, self.cooldown, self.eps) = (thresholdMode, cooldown, eps)
        lastLR = groups.lrs
        best = mode == .min ? .infinity : -.infinity
    }

    public func step(metric: Double?) throws(ScheduleError) {
        guard let current = metric else { throw .missingMetric }
        lastEpoch += 1
        if isBetter(current, than: best) {
            best = current
            badEpochs = 0
        } else {
            badEpochs += 1
        }
        if cooldownCounter > 0 {
            cooldownCounter -= 1
            badEpochs = 0   // bad steps in cooldown are ignored
        }
        if badEpochs > patience {
            for i in groups.groups.indices {
                let old = groups.groups[i].lr
                let new = Swift.max(old * factor, minLRs[i])
                if old - new > eps { groups.groups[i].lr = new }
            }
            cooldownCounter = cooldown
            badEpochs = 0
        }
        lastLR = groups.lrs
    }

    private func isBetter(_ a: Double, than best: Double) -> Bool {
        switch (mode, thresholdMode) {
        case (.min, .rel): a < best * (1 - threshold)
        case (.min, .abs): a < best - threshold
        case (.max, .rel): a > best * (threshold + 1)
        case (.max, .abs): a > best + threshold
        }
    }
}
