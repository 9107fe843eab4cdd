import Foundation

/// Multiplies the learning rate by `gamma` every `stepSize` steps (`torch.optim.lr_scheduler.StepLR`).
public final class StepLR: ChainableScheduler {
    public let stepSize: Int
    public let gamma: Double

    public init(groups: ScheduleGroups, stepSize: Int, gamma: Double = 0.1) throws(ScheduleError) {
        guard stepSize >= 1 else { throw .invalidArgument("step_size", "must be at least 1, got \(stepSize)") }
        (self.stepSize, self.gamma) = (stepSize, gamma)
        super.init(groups: groups)
        try initialStep()
    }

    override func computeLR() throws(ScheduleError) -> [Double] {
        if lastEpoch == 0 || lastEpoch % stepSize != 0 { return groups.lrs }
        return groups.lrs.map { $0 * gamma }
    }

    override func closedFormLR() -> [Double]? {
        baseLRs.map { $0 * pow(gamma, Double(lastEpoch / stepSize)) }
    }
}
