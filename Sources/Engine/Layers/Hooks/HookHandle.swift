/// Removes the forward hook it was returned for, as torch's `RemovableHandle`.
public final class HookHandle {
    /// The `Sequential` that runs the hooked layer; weak, so a handle keeps no model alive.
    private weak var owner: Sequential?
    private let id: Int

    init(owner: Sequential, id: Int) {
        self.owner = owner
        self.id = id
    }

    /// Stops the hook from being called; removing it again does nothing.
    public func remove() { owner?.removeForwardHook(id: id) }
}
