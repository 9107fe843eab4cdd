/// Runs schedulers one after another, switching at milestone steps
/// (`torch.optim.lr_scheduler.SequentialLR`): at a milestone the next scheduler restarts from step
/// 0 in its closed form, and every scheduler counts its own steps from there.
public final class SequentialLR: LRScheduler {
    public let groups: ScheduleGroups
    public let schedulers: [ChainableScheduler]
    public let milestones: [Int]
    public private(set) var lastEpoch = 0
    public private(set) var lastLR: [Double]

    /// `schedulers` must drive `groups` and be made just before (each has made its initial step,
    /// which this undoes, as PyTorch does).
    public init(groups: ScheduleGroups, schedulers: [ChainableScheduler], milestones: [Int]) throws(ScheduleError) {
        guard let first = schedulers.first else {
            throw .invalidArgument("schedulers", "SequentialLR expects at least one scheduler, but got no scheduler")
        }
        guard schedulers.allSatisfy({ $0.groups === groups }) else { throw .differentGroups }
        guard milestones.count == schedulers.count - 1 else {
            throw .invalidArgument("milestones", "expected one fewer milestone than schedulers (\(schedulers.count - 1)), got \(milestones.count)")
        }
        self.groups = groups
        self.schedulers = schedulers
        self.milestones = milestones
        lastLR = first.lastLR
        // Reset learning rates to their initial values and undo the step each scheduler made.
        for i in groups.groups.indices { groups.groups[i].lr = groups.groups[i].initialLR ?? groups.groups[i].lr }
        for s in schedulers { s.lastEpoch -= 1 }
        let s = schedulers[bisectRight(0)]
        try s.initialStep()
        lastLR = s.lastLR
    }

    public func step(metric: Double? = nil) throws(ScheduleError) {
        lastEpoch += 1
        let idx = bisectRight(lastEpoch)
        let s = schedulers[idx]
        if idx > 0 && milestones[idx - 1] == lastEpoch {
            try s.updateLR(epoch: 0)
        } else {
            try s.step()
        }
        lastLR = s.lastLR
    }

    /// Python's `bisect_right(milestones, x)` (milestones in the order given, as PyTorch uses them).
    private func bisectRight(_ x: Int) -> Int {
        var (lo, hi) = (0, milestones.count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if x < milestones[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}
