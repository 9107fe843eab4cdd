/// The rectifier `max(0, x)`, elementwise on any shape, as `torch.nn.ReLU`.
public final class ReLU: Layer {
    public var isTraining = true
    private var output = Tensor(zeros: [0])

    public init() {}

    // x: any shape -> y: same shape
    public func forward(_ x: Tensor) -> Tensor {
        let y = Tensor.filled(shape: x.shape) { y in
            x.data.withUnsafeBufferPointer { xb in rectifyAll(xb.baseAddress!, into: y, xb.count) }
        }
        output = GradientMode.isEnabled ? y : Tensor(zeros: [0])
        return y
    }

    /// Without gradient recording, rectifies in `x`'s storage.
    public func forward(consuming x: consuming Tensor) -> Tensor {
        guard !GradientMode.isEnabled else { return forward(x) }
        output = Tensor(zeros: [0])
        x.data.withUnsafeMutableBufferPointer { p in rectifyAll(p.baseAddress!, into: p.baseAddress!, p.count) }
        return x
    }

    /// y = max(0, x) elementwise; `y` may be `x` itself.
    @inline(__always)
    private func rectifyAll(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ count: Int) {
        parallelChunks(count, minimumChunk: elementwiseChunk) { _, range in
            for i in range { y[i] = rectify(x[i]) }   // NaN propagates, as in torch
        }
    }

    // The gradient is blocked where the output is ≤ 0 (PyTorch's threshold_backward: zero at x = 0).
    public func backward(_ dy: Tensor) -> Tensor { Self.gradient(dy, output: output) }

    /// dLoss/dx from dLoss/dy and the rectified output y: dy where y > 0 (or NaN), else 0. Also
    /// the first step of a layer's backward that ran fused with a ReLU.
    static func gradient(_ dy: Tensor, output: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "ReLU.backward: dy \(dy.shape) vs \(output.shape)")
        return Tensor.filled(shape: dy.shape) { dx in
            dy.data.withUnsafeBufferPointer { gb in
            output.data.withUnsafeBufferPointer { yb in
                let (g, y) = (gb.baseAddress!, yb.baseAddress!)
                parallelChunks(gb.count, minimumChunk: elementwiseChunk) { _, range in
                    // a bit mask rather than a float select, so the loop vectorizes
                    for i in range {
                        dx[i] = Float(bitPattern: g[i].bitPattern & (y[i] <= 0 ? 0 : UInt32.max))
                    }
                }
            }
            }
        }
    }
}
