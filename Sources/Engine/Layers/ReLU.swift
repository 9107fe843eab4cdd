/// The rectifier `max(0, x)`, elementwise on any shape, as `torch.nn.ReLU`.
public final class ReLU: Layer {
    public var isTraining = true
    private var output = Tensor(zeros: [0])

    public init() {}

    // x: any shape -> y: same shape
    public func forward(_ x: Tensor) -> Tensor {
        var y = x
        y.data.withUnsafeMutableBufferPointer { v in
            for i in 0..<v.count where v[i] < 0 { v[i] = 0 }   // NaN propagates, as in torch
        }
        output = y
        return y
    }

    // The gradient is blocked where the output is ≤ 0 (PyTorch's threshold_backward: zero at x = 0).
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "ReLU.backward: dy \(dy.shape) vs \(output.shape)")
        var dx = dy
        dx.data.withUnsafeMutableBufferPointer { g in
            output.data.withUnsafeBufferPointer { y in
                for i in 0..<g.count where y[i] <= 0 { g[i] = 0 }
            }
        }
        return dx
    }
}
