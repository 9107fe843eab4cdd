import Foundation

/// The logistic function `σ(x) = 1 / (1 + e^(−x))`, elementwise on any shape, as `torch.nn.Sigmoid`.
///
/// Ioffe & Szegedy's Figure 1 network uses it: its gradient σ(1 − σ) vanishes where |x| is large,
/// which is why the drift of a sigmoid's input matters.
public final class Sigmoid: Layer {
    public var isTraining = true
    /// y, kept for backward (dσ/dx = y(1 − y), as PyTorch's sigmoid_backward).
    private var output = Tensor(zeros: [0])

    public init() {}

    // x: any shape -> y: same shape
    public func forward(_ x: Tensor) -> Tensor {
        let y = Tensor.filled(shape: x.shape) { y in
            x.data.withUnsafeBufferPointer { xb in
                let p = xb.baseAddress!
                parallelChunks(xb.count, minimumChunk: elementwiseChunk) { _, range in
                    // exp(∞) = ∞ → 0, exp(−∞) = 0 → 1, NaN stays NaN
                    vectorSigmoid(p + range.lowerBound, y + range.lowerBound, range.count)
                }
            }
        }
        output = GradientMode.isEnabled ? y : Tensor(zeros: [0])
        return y
    }

    // dy: same shape -> dx = dy · y · (1 − y)
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == output.shape, "Sigmoid.backward: dy \(dy.shape) vs \(output.shape)")
        return Tensor.filled(shape: dy.shape) { dx in
            dy.data.withUnsafeBufferPointer { gb in
                output.data.withUnsafeBufferPointer { yb in
                    let (g, y) = (gb.baseAddress!, yb.baseAddress!)
                    parallelChunks(gb.count, minimumChunk: elementwiseChunk) { _, range in
                        for i in range { dx[i] = g[i] * (1 - y[i]) * y[i] }   // PyTorch's order: (dy · (1 − y)) · y
                    }
                }
            }
        }
    }
}
