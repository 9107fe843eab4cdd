import Foundation

/// Multiplies the learning rate by `gamma` at each milestone step (a milestone listed twice counts
/// twice), as `torch.optim.lr_scheduler.MultiStepLR`.
public final class MultiStepLR: ChainableScheduler {
    /// The milestones, sorted, repeats kept.
    public let milestones: [Int]
    public let gamma: Double

    public init(groups: ScheduleGroups, milestones: [Int], gamma: Double = 0.1) throws(ScheduleError) {
        self.milestones = milestones.sorted()
        self.gamma = gamma
        super.init(groups: groups)
        try initialStep()
    }

    override func computeLR() throws(ScheduleError) -> [Double] {
        let count = milestones.filter { $0 == lastEpoch }.count
        if count == 0 { return groups.lrs }
        return groups.lrs.map { $0 * pow(gamma, Double(count)) }
    }

    override func closedFormLR() -> [Double]? {
        let passed = milestones.filter { $0 <= lastEpoch }.count   // bisect_right
        return baseLRs.map { $0 * pow(gamma, Double(passed)) }
    }
}
