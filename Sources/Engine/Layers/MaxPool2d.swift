/// Max pooling over `[N, C, H, W]`, as `torch.nn.MaxPool2d` with padding 0, dilation 1 and
/// floor mode.
///
/// Backward routes each output's gradient to the first maximum of its window in row-major
/// scan order, which is what PyTorch's CPU kernel does with ties.
public final class MaxPool2d: Layer {
    public var isTraining = true
    public let kernelSize: Int
    public let stride: Int

    private var inputShape: [Int] = []
    private var argmax: [Int32] = []   // flat index into the input plane, per output element

    /// Creates a pooling layer; `stride` defaults to `kernelSize`, as in PyTorch.
    public init(kernelSize: Int, stride: Int? = nil) throws(LayerError) {
        try requirePositive("kernel_size", kernelSize)
        try requirePositive("stride", stride ?? kernelSize)
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// The output extent for an input extent (floor mode).
    public func outputSize(_ inputSize: Int) -> Int { (inputSize - kernelSize) / stride + 1 }

    // x: [N, C, H, W] -> y: [N, C, Ho, Wo]
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[2] >= kernelSize && x.shape[3] >= kernelSize,
                     "MaxPool2d(\(kernelSize)) expects [N, C, H ≥ k, W ≥ k], got \(x.shape)")
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo, k, s) = (outputSize(h), outputSize(w), kernelSize, stride)
        inputShape = x.shape
        if argmax.count != n * c * ho * wo { argmax = [Int32](repeating: 0, count: n * c * ho * wo) }
        return Tensor.filled(shape: [n, c, ho, wo]) { y in
            x.data.withUnsafeBufferPointer { xb in
            argmax.withUnsafeMutableBufferPointer { am in
                for plane in 0..<(n * c) {
                    let src = xb.baseAddress! + plane * h * w
                    let out = plane * ho * wo
                    for oh in 0..<ho {
                        for ow in 0..<wo {
                            let corner = (oh * s) * w + ow * s
                            var best = corner, bestValue = src[corner], sawNaN = false
                            for ki in 0..<k {
                                for kj in 0..<k {
                                    let at = corner + ki * w + kj
                                    let v = src[at]
                                    // strictly greater keeps the first maximum; a select on one
                                    // comparison, not a branch (random data mispredicts)
                                    best = v > bestValue ? at : best
                                    bestValue = v > bestValue ? v : bestValue
                                    sawNaN = sawNaN || v.isNaN
                                }
                            }
                            if sawNaN {
                                // torch's CPU kernel: `val > max || isnan(val)`, so the last NaN wins
                                for ki in 0..<k {
                                    for kj in 0..<k where src[corner + ki * w + kj].isNaN {
                                        best = corner + ki * w + kj
                                    }
                                }
                                bestValue = .nan
                            }
                            y[out + oh * wo + ow] = bestValue
                            am[out + oh * wo + ow] = Int32(truncatingIfNeeded: best)
                        }
                    }
                }
            }
            }
        }
    }

    // dy: [N, C, Ho, Wo] -> dx: [N, C, H, W], each gradient added at its window's argmax
    public func backward(_ dy: Tensor) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let p = outputSize(h) * outputSize(w)
        precondition(dy.count == n * c * p, "MaxPool2d.backward: dy \(dy.shape)")
        var dx = Tensor(zeros: inputShape)
        dx.data.withUnsafeMutableBufferPointer { g in
            dy.data.withUnsafeBufferPointer { d in
                argmax.withUnsafeBufferPointer { am in
                    for plane in 0..<(n * c) {
                        for j in 0..<p {
                            g[plane * h * w + Int(am[plane * p + j])] += d[plane * p + j]
                        }
                    }
                }
            }
        }
        return dx
    }
}
