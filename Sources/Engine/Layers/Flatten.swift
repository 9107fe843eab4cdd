/// Flattens `[N, d1, d2, …]` to `[N, d1·d2·…]`, as `torch.nn.Flatten()` (start_dim 1).
public final class Flatten: Layer {
    public var isTraining = true
    private var inputShape: [Int] = []

    public init() {}

    // x: [N, ...] -> y: [N, rest]
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank >= 1, "Flatten expects at least [N], got a scalar")
        inputShape = x.shape
        return x.reshaped([x.shape[0], x.shape.dropFirst().reduce(1, *)])
    }

    // dy: [N, rest] -> dx: [N, ...]
    public func backward(_ dy: Tensor) -> Tensor {
        dy.reshaped(inputShape)
    }
}
