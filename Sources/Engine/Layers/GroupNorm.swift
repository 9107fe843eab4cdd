/// Group normalisation (Wu & He, 2018), as `torch.nn.GroupNorm`: the channels of each sample are
/// split into `numGroups` groups, each standardised over its channels and spatial positions, then
/// scaled and shifted per channel by `weight` and `bias` of shape `[C]`.
public final class GroupNorm: Layer, ReLUFusable {
    public var isTraining = true
    public let numGroups: Int
    public let numChannels: Int
    public let eps: Float
    /// γ, `[C]`, ones; `nil` when `affine` is false.
    public let weight: Parameter?
    /// β, `[C]`, zeros; `nil` when `affine` is false.
    public let bias: Parameter?

    // MARK: cache for backward
    private var xhat = Tensor(zeros: [0])
    private var invstd = [Float]()      // [N · G]
    private var rectified = false

    /// Creates the layer with PyTorch's defaults (`eps` 1e-5, affine).
    public init(numGroups: Int, numChannels: Int, eps: Float = 1e-5, affine: Bool = true) {
        precondition(numGroups > 0 && numChannels > 0 && numChannels % numGroups == 0,
                     "GroupNorm: numChannels \(numChannels) must be divisible by numGroups \(numGroups)")
        self.numGroups = numGroups
        self.numChannels = numChannels
        self.eps = eps
        weight = affine ? Parameter(Tensor(repeating: 1, shape: [numChannels])) : nil
        bias = affine ? Parameter(Tensor(zeros: [numChannels])) : nil
    }

    public var localParameters: [(String, Parameter)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    private func dims(_ shape: [Int]) -> (n: Int, c: Int, l: Int) {
        precondition(shape.count >= 2 && shape[1] == numChannels,
                     "GroupNorm(\(numGroups), \(numChannels)): unexpected input shape \(shape)")
        return (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
    }

    /// Rows are (sample, group), each holding C/G channels × L positions contiguously.
    private func kernel(_ n: Int, _ c: Int, _ l: Int) -> RowNormalization {
        RowNormalization(samples: n, rowsPerSample: numGroups, length: c / numGroups * l,
                         affine: weight == nil ? .none : .perChannel(planeLength: l))
    }

    // x: [N, C, *]; returns the same shape
    public func forward(_ x: Tensor) -> Tensor { forward(x, rectified: false) }

    func forward(consuming x: consuming Tensor, rectified: Bool) -> Tensor { forward(x, rectified: rectified) }

    /// `forward`, then `max(0, ·)` when `rectified`, in the same pass (`Sequential` fuses a
    /// GroupNorm and its ReLU); `backward` then takes the gradient of the rectified output.
    func forward(_ x: Tensor, rectified: Bool) -> Tensor {
        let (n, c, l) = dims(x.shape)
        let (y, xhat, stats) = kernel(n, c, l).forward(x, gamma: weight?.value.data, beta: bias?.value.data,
                                                       eps: eps, rectified: rectified)
        (self.xhat, invstd, self.rectified) = (xhat, stats.invstd, rectified)   // no_grad: xhat is empty
        return y
    }

    // dy: like x; returns dx
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == xhat.shape, "GroupNorm.backward: dy \(dy.shape) vs x \(xhat.shape)")
        let (n, c, l) = dims(dy.shape)
        let (dx, dgamma, dbeta) = kernel(n, c, l).backward(dy, xhat: xhat, invstd: invstd, gamma: weight?.value.data,
                                                    beta: bias?.value.data, rectified: rectified)
        // dγ = Σ dy·x̂, dβ = Σ dy over the batch
        if let weight, let bias {
            for ch in 0..<c {
                // frozen parameters are left alone (requires_grad = False)
                if weight.requiresGrad { weight.grad.data[ch] += dgamma[ch] }
                if bias.requiresGrad { bias.grad.data[ch] += dbeta[ch] }
            }
        }
        return dx
    }
}
