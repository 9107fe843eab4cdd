/// Instance normalisation (Ulyanov et al., 2016), as `torch.nn.InstanceNorm2d`: every channel of
/// every sample is standardised over its own H × W positions.
///
/// PyTorch defaults: no affine parameters and no running statistics. With `trackRunningStats`,
/// training updates `running_mean`/`running_var` with the batch average of the per-instance mean
/// and unbiased variance (momentum `nil` means 0, no update, as PyTorch), and evaluation mode
/// normalises with them; like PyTorch, `num_batches_tracked` is registered but never incremented.
public final class InstanceNorm2d: Layer {
    public var isTraining = true
    public let numFeatures: Int
    public let eps: Float
    public let momentum: Float?
    /// γ, `[C]`, ones; `nil` unless `affine`.
    public let weight: Parameter?
    /// β, `[C]`, zeros; `nil` unless `affine`.
    public let bias: Parameter?
    /// `[C]` zeros, `[C]` ones and the int64 counter; `nil` unless `trackRunningStats`.
    public let runningMean: Buffer?
    public let runningVar: Buffer?
    public let numBatchesTracked: Buffer?

    // MARK: cache for backward
    private var xhat = Tensor(zeros: [0])
    private var invstd = [Float]()      // [N · C]
    private var usedRunningStatistics = false

    /// Creates the layer with PyTorch's defaults (`eps` 1e-5, `momentum` 0.1, no affine, no running stats).
    public init(numFeatures: Int, eps: Float = 1e-5, momentum: Float? = 0.1,
                affine: Bool = false, trackRunningStats: Bool = false) {
        precondition(numFeatures > 0, "InstanceNorm2d: numFeatures must be positive")
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        weight = affine ? Parameter(Tensor(repeating: 1, shape: [numFeatures])) : nil
        bias = affine ? Parameter(Tensor(zeros: [numFeatures])) : nil
        runningMean = trackRunningStats ? Buffer(Tensor(zeros: [numFeatures])) : nil
        runningVar = trackRunningStats ? Buffer(Tensor(repeating: 1, shape: [numFeatures])) : nil
        numBatchesTracked = trackRunningStats ? Buffer(Tensor(scalar: 0), isInteger: true) : nil
    }

    public var localParameters: [(String, Parameter)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    public var localBuffers: [(String, Buffer)] {
        guard let runningMean, let runningVar, let numBatchesTracked else { return [] }
        return [("running_mean", runningMean), ("running_var", runningVar),
                ("num_batches_tracked", numBatchesTracked)]
    }

    // x: [N, C, H, W]; returns the same shape
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == numFeatures,
                     "InstanceNorm2d(\(numFeatures)): unexpected input shape \(x.shape)")
        let (n, c, l) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        usedRunningStatistics = !isTraining && runningMean != nil
        var fixed: (mean: [Float], variance: [Float])? = nil
        if usedRunningStatistics, let runningMean, let runningVar {
            let rows = (0..<n * c)
            fixed = (rows.map { runningMean.value.data[$0 % c] }, rows.map { runningVar.value.data[$0 % c] })
        }
        let (h, stats) = RowStandardization.forward(x.data, rows: n * c, length: l, eps: eps, fixed: fixed)
        let xhat = Tensor(shape: x.shape, data: h)
        (self.xhat, invstd) = GradientMode.isEnabled ? (xhat, stats.invstd) : (Tensor(zeros: [0]), [])   // no_grad: keep nothing

        if isTraining, let runningMean, let runningVar {
            // running ← (1 − f)·running + f·mean over samples of the per-instance statistics
            let f = momentum ?? 0
            let unbias = l > 1 ? Float(l) / Float(l - 1) : 1
            for ch in 0..<c {
                var mu = 0.0, v = 0.0
                for i in 0..<n {
                    mu += Double(stats.mean[i * c + ch])
                    v += Double(stats.variance[i * c + ch] * unbias)
                }
                runningMean.value.data[ch] = (1 - f) * runningMean.value.data[ch] + f * Float(mu / Double(n))
                runningVar.value.data[ch] = (1 - f) * runningVar.value.data[ch] + f * Float(v / Double(n))
            }
        }

        guard let weight, let bias else { return xhat }
        return Tensor(shape: x.shape, data: ChannelAffine.forward(
            h, gamma: weight.value.data, beta: bias.value.data, n: n, c: c, l: l))
    }

    // dy: [N, C, H, W]; returns dx
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == xhat.shape, "InstanceNorm2d.backward: dy \(dy.shape) vs x \(xhat.shape)")
        let (n, c, l) = (dy.shape[0], dy.shape[1], dy.shape[2] * dy.shape[3])
        var g = dy.data
        if let weight, let bias {
            g = ChannelAffine.backward(dy.data, xhat: xhat.data, weight: weight, bias: bias, n: n, c: c, l: l)
        }
        let dx = RowStandardization.backward(g, xhat: xhat.data, invstd: invstd, rows: n * c, length: l,
                                             fixed: usedRunningStatistics)
        return Tensor(shape: dy.shape, data: dx)
    }
}
