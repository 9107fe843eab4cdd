/// Layer normalisation over the trailing `normalizedShape` dims (Ba et al., 2016), as
/// `torch.nn.LayerNorm`: each sample is standardised with its own mean and biased variance,
/// then scaled and shifted elementwise by `weight` and `bias` of shape `normalizedShape`.
public final class LayerNorm: Layer {
    public var isTraining = true
    public let normalizedShape: [Int]
    public let eps: Float
    /// γ, shape `normalizedShape`, ones; `nil` without `elementwiseAffine`.
    public let weight: Parameter?
    /// β, shape `normalizedShape`, zeros; `nil` without `elementwiseAffine`.
    public let bias: Parameter?

    // MARK: cache for backward
    private var xhat = Tensor(zeros: [0])
    private var invstd = [Float]()

    /// Creates the layer with PyTorch's defaults (`eps` 1e-5, elementwise affine).
    public init(normalizedShape: [Int], eps: Float = 1e-5, elementwiseAffine: Bool = true) {
        precondition(!normalizedShape.isEmpty && normalizedShape.allSatisfy { $0 > 0 },
                     "LayerNorm: bad normalizedShape \(normalizedShape)")
        self.normalizedShape = normalizedShape
        self.eps = eps
        weight = elementwiseAffine ? Parameter(Tensor(repeating: 1, shape: normalizedShape)) : nil
        bias = elementwiseAffine ? Parameter(Tensor(zeros: normalizedShape)) : nil
    }

    public var localParameters: [(String, Parameter)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    /// (rows, D): the number of normalised groups and the size of each.
    private func dims(_ shape: [Int]) -> (rows: Int, d: Int) {
        precondition(shape.count >= normalizedShape.count
                     && Array(shape.suffix(normalizedShape.count)) == normalizedShape,
                     "LayerNorm(\(normalizedShape)): unexpected input shape \(shape)")
        let d = normalizedShape.reduce(1, *)
        return (shape.reduce(1, *) / d, d)
    }

    // x: [..., *normalizedShape]; returns the same shape
    public func forward(_ x: Tensor) -> Tensor {
        let (rows, d) = dims(x.shape)
        let (h, stats) = RowStandardization.forward(x.data, rows: rows, length: d, eps: eps)
        let xhat = Tensor(shape: x.shape, data: h)
        (self.xhat, invstd) = GradientMode.isEnabled ? (xhat, stats.invstd) : (Tensor(zeros: [0]), [])   // no_grad: keep nothing
        guard let weight, let bias else { return xhat }
        var y = xhat
        y.data.withUnsafeMutableBufferPointer { yp in
            weight.value.data.withUnsafeBufferPointer { g in
                bias.value.data.withUnsafeBufferPointer { b in
                    for r in 0..<rows {
                        for j in 0..<d { yp[r * d + j] = g[j] * yp[r * d + j] + b[j] }
                    }
                }
            }
        }
        return y
    }

    // dy: like x; returns dx
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == xhat.shape, "LayerNorm.backward: dy \(dy.shape) vs x \(xhat.shape)")
        let (rows, d) = dims(dy.shape)
        var g = dy.data                                  // becomes dL/dx̂ = dy · γ
        if let weight, let bias {
            dy.data.withUnsafeBufferPointer { gp in
                xhat.data.withUnsafeBufferPointer { hp in
                    weight.grad.data.withUnsafeMutableBufferPointer { dw in
                        bias.grad.data.withUnsafeMutableBufferPointer { db in
                            // dγ = Σ dy·x̂, dβ = Σ dy (frozen ones are left alone)
                            let (w, b) = (weight.requiresGrad, bias.requiresGrad)
                            for r in 0..<rows {
                                for j in 0..<d {
                                    if w { dw[j] += gp[r * d + j] * hp[r * d + j] }
                                    if b { db[j] += gp[r * d + j] }
                                }
                            }
                        }
                    }
                }
            }
            g.withUnsafeMutableBufferPointer { gp in
                weight.value.data.withUnsafeBufferPointer { w in
                    for r in 0..<rows { for j in 0..<d { gp[r * d + j] *= w[j] } }
                }
            }
        }
        let dx = RowStandardization.backward(g, xhat: xhat.data, invstd: invstd, rows: rows, length: d)
        return Tensor(shape: dy.shape, data: dx)
    }
}
