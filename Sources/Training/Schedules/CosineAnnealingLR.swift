import Foundation

/// Cosine annealing from the initial learning rate to `etaMin` over `tMax` steps, in PyTorch's
/// recursive form (`torch.optim.lr_scheduler.CosineAnnealingLR`): not clamped after `tMax`, where
/// the learning rate rises again along the cosine.
public final class CosineAnnealingLR: ChainableScheduler {
    public let tMax: Int
    public let etaMin: Double

    public init(groups: ScheduleGroups, tMax: Int, etaMin: Double = 0) throws(ScheduleError) {
        guard tMax >= 1 else { throw .invalidArgument("T_max", "must be at least 1, got \(tMax)") }
        (self.tMax, self.etaMin) = (tMax, etaMin)
        super.init(groups: groups)
        try initialStep()
    }

    override func computeLR() throws(ScheduleError) -> [Double] {
        let t = Double(lastEpoch), T = Double(tMax)
        if isInitial { return groups.lrs }
        if stepCount == 1 && lastEpoch > 0 {
            return baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(t * .pi / T)) / 2 }
        }
        if (lastEpoch - 1 - tMax).modulo(2 * tMax) == 0 {
            return zip(baseLRs, groups.lrs).map { base, lr in lr + (base - etaMin) * (1 - cos(.pi / T)) / 2 }
        }
        return groups.lrs.map { lr in
            (1 + cos(.pi * t / T)) / (1 + cos(.pi * (t - 1) / T)) * (lr - etaMin) + etaMin
        }
    }

    override func closedFormLR() -> [Double]? {
        baseLRs.map { etaMin + ($0 - etaMin) * (1 + cos(.pi * Double(lastEpoch) / Double(tMax))) / 2 }
    }
}

extension Int {
    /// Python's `%`: the result has the sign of the divisor.
    func modulo(_ m: Int) -> Int { let r = self % m; return r != 0 && (r < 0) != (m < 0) ? r + m : r }
}
