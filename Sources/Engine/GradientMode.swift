/// Whether forward passes keep what `backward` needs, as PyTorch's `torch.is_grad_enabled()`.
///
/// On by default. Inside `GradientMode.disabled { … }` (PyTorch's `with torch.no_grad():`) layers
/// keep no activations for backward and drop the ones they had, and a layer whose output has its
/// input's shape may write it into the input's storage (`forward(consuming:)`), so evaluating a
/// batch holds little more than one activation at a time. Independent of training mode, as in
/// PyTorch: evaluation mode with gradients on still runs backward (BatchNorm's running-statistics
/// gradient). Scoped to the current task or thread, like `Threads.with`.
public enum GradientMode {
    @TaskLocal private static var off = false

    /// Whether layers record for `backward` here (true outside `disabled`).
    public static var isEnabled: Bool { !off }

    /// Runs `body` with gradient recording off; `backward` must not follow a forward made in it.
    public static func disabled<R>(_ body: () throws -> R) rethrows -> R {
        try $off.withValue(true, operation: body)
    }
}
