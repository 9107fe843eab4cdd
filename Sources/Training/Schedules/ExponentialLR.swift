import Foundation

/// Multiplies the learning rate by `gamma` every step (`torch.optim.lr_scheduler.ExponentialLR`).
public final class ExponentialLR: ChainableScheduler {
    public let gamma: Double

    public init(groups: ScheduleGroups, gamma: Double) throws(ScheduleError) {
        self.gamma = gamma
        super.init(groups: groups)
        try initialStep()
    }

    override func computeLR() throws(ScheduleError) -> [Double] {
        if isInitial { return groups.lrs }
        return groups.lrs.map { $0 * gamma }
    }

    override func closedFormLR() -> [Double]? { baseLRs.map { $0 * pow(gamma, Double(lastEpoch)) } }
}
