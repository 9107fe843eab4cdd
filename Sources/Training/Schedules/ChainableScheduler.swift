/// The common machinery of PyTorch's `LRScheduler` base class (torch/optim/lr_scheduler.py):
/// `initial_lr`/`base_lrs`, the initial step made by the constructor, `last_epoch` and
/// `_step_count`, and the deprecated closed-form path `SequentialLR` uses at its milestones.
/// Subclasses override `computeLR()` (PyTorch's `get_lr`) and optionally `closedFormLR()`.
public class ChainableScheduler: LRScheduler {
    public let groups: ScheduleGroups
    public internal(set) var lastEpoch = -1
    public internal(set) var lastLR: [Double] = []
    /// Each group's `initial_lr` when the scheduler was made.
    public let baseLRs: [Double]
    /// PyTorch's `_step_count`.
    var stepCount = 0
    /// PyTorch's `_is_initial`: true during the constructor's step.
    var isInitial = false

    /// Sets each group's `initial_lr` if unset, as PyTorch's constructor does. Subclasses call
    /// `initialStep()` once their own properties are set.
    init(groups: ScheduleGroups) {
        for i in groups.groups.indices where groups.groups[i].initialLR == nil {
            groups.groups[i].initialLR = groups.groups[i].lr
        }
        self.groups = groups
        baseLRs = groups.groups.map { $0.initialLR ?? $0.lr }
    }

    /// PyTorch's `_initial_step`: resets the step count and steps once in initial mode.
    func initialStep() throws(ScheduleError) {
        stepCount = 0
        isInitial = true
        defer { isInitial = false }
        try step(metric: nil)
    }

    public func step(metric: Double? = nil) throws(ScheduleError) {
        stepCount += 1
        try updateLR(epoch: nil)
    }

    /// PyTorch's `_update_lr`: the next values from `computeLR()`, or for an explicit epoch from
    /// the closed form when there is one.
    func updateLR(epoch: Int?) throws(ScheduleError) {
        let values: [Double]
        if let epoch {
            lastEpoch = epoch
            if let closed = closedFormLR() { values = closed } else { values = try computeLR() }
        } else {
            lastEpoch += 1
            values = try computeLR()
        }
        for i in groups.groups.indices where i < values.count { groups.groups[i].lr = values[i] }
        lastLR = groups.lrs
    }

    /// PyTorch's `get_lr()`: the learning rates for `lastEpoch`, which has just been advanced.
    func computeLR() throws(ScheduleError) -> [Double] { groups.lrs }

    /// PyTorch's `_get_closed_form_lr()`, or nil for schedulers without one.
    func closedFormLR() -> [Double]? { nil }
}
