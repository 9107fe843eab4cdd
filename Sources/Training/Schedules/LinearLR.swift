/// Scales the learning rate by a factor moving linearly from `startFactor` to `endFactor` over
/// `totalIters` steps, then keeps it: a linear warm-up (`torch.optim.lr_scheduler.LinearLR`).
public final class LinearLR: ChainableScheduler {
    public let startFactor: Double
    public let endFactor: Double
    public let totalIters: Int

    public init(groups: ScheduleGroups, startFactor: Double = 1.0 / 3, endFactor: Double = 1,
                totalIters: Int = 5) throws(ScheduleError) {
        guard startFactor > 0, startFactor <= 1 else {
            throw .invalidArgument("start_factor", "expected greater than 0 and at most 1, got \(startFactor)")
        }
        guard endFactor >= 0, endFactor <= 1 else {
            throw .invalidArgument("end_factor", "expected between 0 and 1, got \(endFactor)")
        }
        guard totalIters >= 1 else { throw .invalidArgument("total_iters", "must be at least 1, got \(totalIters)") }
        (self.startFactor, self.endFactor, self.totalIters) = (startFactor, endFactor, totalIters)
        super.init(groups: groups)
        try initialStep()
    }

    override func computeLR() throws(ScheduleError) -> [Double] {
        if lastEpoch == 0 { return groups.lrs.map { $0 * startFactor } }
        if isInitial || lastEpoch > totalIters { return groups.lrs }
        let d = endFactor - startFactor
        return groups.lrs.map { $0 * (1 + d / (Double(totalIters) * startFactor + Double(lastEpoch - 1) * d)) }
    }

    override func closedFormLR() -> [Double]? {
        baseLRs.map { $0 * (startFactor + (endFactor - startFactor) * Double(min(totalIters, lastEpoch)) / Double(totalIters)) }
    }
}
