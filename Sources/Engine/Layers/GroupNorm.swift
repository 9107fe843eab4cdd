/// Group normalisation (Wu & He, 2018), as `torch.nn.GroupNorm`: the channels of each sample are
/// split into `numGroups` groups, each standardised over its channels and spatial positions, then
/// scaled and shifted per channel by `weight` and `bias` of shape `[C]`.
public final class GroupNorm: Layer {
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

    // x: [N, C, *]; returns the same shape
    public func forward(_ x: Tensor) -> Tensor {
        let (n, c, l) = dims(x.shape)
        // rows are (sample, group), each holding C/G channels × L positions contiguously
        let (h, stats) = RowStandardization.forward(x.data, rows: n * numGroups,
                                                    length: c / numGroups * l, eps: eps)
        let xhat = Tensor(shape: x.shape, data: h)
        (self.xhat, invstd) = GradientMode.isEnabled ? (xhat, stats.invstd) : (Tensor(zeros: [0]), [])   // no_grad: keep nothing
        guard let weight, let bias else { return xhat }
        return Tensor(shape: x.shape, data: ChannelAffine.forward(
            h, gamma: weight.value.data, beta: bias.value.data, n: n, c: c, l: l))
    }

    // dy: like x; returns dx
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == xhat.shape, "GroupNorm.backward: dy \(dy.shape) vs x \(xhat.shape)")
        let (n, c, l) = dims(dy.shape)
        var g = dy.data
        if let weight, let bias {
            g = ChannelAffine.backward(dy.data, xhat: xhat.data, weight: weight, bias: bias, n: n, c: c, l: l)
        }
        let dx = RowStandardization.backward(g, xhat: xhat.data, invstd: invstd,
                                             rows: n * numGroups, length: c / numGroups * l)
        return Tensor(shape: dy.shape, data: dx)
    }
}
