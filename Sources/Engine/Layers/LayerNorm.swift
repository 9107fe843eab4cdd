/// Layer normalisation over the trailing `normalizedShape` dims (Ba et al., 2016), as
/// `torch.nn.LayerNorm`: each sample is standardised with its own mean and biased variance,
/// then scaled and shifted elementwise by `weight` and `bias` of shape `normalizedShape`.
public final class LayerNorm: Layer, ReLUFusable {
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
    private var rectified = false

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

    /// Rows are the samples (every leading index), each normalised over its D elements.
    private func kernel(_ rows: Int, _ d: Int) -> RowNormalization {
        RowNormalization(samples: rows, rowsPerSample: 1, length: d, affine: weight == nil ? .none : .perElement)
    }

    // x: [..., *normalizedShape]; returns the same shape
    public func forward(_ x: Tensor) -> Tensor { forward(x, rectified: false) }

    func forward(consuming x: consuming Tensor, rectified: Bool) -> Tensor { forward(x, rectified: rectified) }

    /// `forward`, then `max(0, ·)` when `rectified`, in the same pass (`Sequential` fuses a
    /// LayerNorm and its ReLU); `backward` then takes the gradient of the rectified output.
    func forward(_ x: Tensor, rectified: Bool) -> Tensor {
        let (rows, d) = dims(x.shape)
        let (y, xhat, stats) = kernel(rows, d).forward(x, gamma: weight?.value.data, beta: bias?.value.data, eps: eps,
                                                    rectified: rectified)
        (self.xhat, invstd, self.rectified) = (xhat, stats.invstd, rectified)   // no_grad: xhat is empty
        return y
    }

    // dy: like x; returns dx
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == xhat.shape, "LayerNorm.backward: dy \(dy.shape) vs x \(xhat.shape)")
        let (rows, d) = dims(dy.shape)
        let (dx, dgamma, dbeta) = kernel(rows, d).backward(dy, xhat: xhat, invstd: invstd, gamma: weight?.value.data,
                                                    beta: bias?.value.data, rectified: rectified)
        // dγ = Σ dy·x̂, dβ = Σ dy over the batch
        if let weight, let bias {
            for j in 0..<d {
                // frozen parameters are left alone (requires_grad = False)
                if weight.requiresGrad { weight.grad.data[j] += dgamma[j] }
                if bias.requiresGrad { bias.grad.data[j] += dbeta[j] }
            }
        }
        return dx
    }
}
