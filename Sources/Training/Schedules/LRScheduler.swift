/// A learning-rate scheduler with PyTorch's semantics (`torch.optim.lr_scheduler`): each `step`
/// moves the parameter groups' learning rates (and, for `OneCycleLR`, momenta) to their next value.
///
/// As in PyTorch, creating a scheduler sets the groups' values for the first step; call `step()`
/// after each optimizer step (per batch for `OneCycleLR`, per epoch for the others as PyTorch's
/// examples do) and `step(metric:)` for `ReduceLROnPlateau`.
public protocol LRScheduler: AnyObject {
    /// The parameter groups it drives.
    var groups: ScheduleGroups { get }
    /// PyTorch's `last_epoch`: how many times `step` ran (a fresh scheduler is at 0).
    var lastEpoch: Int { get }
    /// The learning rate of every group after the last step (PyTorch's `get_last_lr()`).
    var lastLR: [Double] { get }
    /// Advances one step. `metric` is the value `ReduceLROnPlateau` decides on (it throws without
    /// one); the other schedulers ignore it.
    func step(metric: Double?) throws(ScheduleError)
}

extension LRScheduler {
    /// Advances one step (PyTorch's `scheduler.step()`).
    public func step() throws(ScheduleError) { try step(metric: nil) }
    /// The momentum of every group now.
    public var lastMomentum: [Double] { groups.momenta }
}
