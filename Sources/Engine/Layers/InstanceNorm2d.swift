/// Instance normalisation (Ulyanov et al., 2016), as `torch.nn.InstanceNorm2d`: every channel of
/// every sample is standardised over its own H × W positions.
///
/// PyTorch defaults: no affine parameters and no running statistics. With `trackRunningStats`,
/// training updates `running_mean`/`running_var` with the batch average of the per-instance mean
/// and unbiased variance (momentum `nil` means 0, no update, as PyTorch), and evaluation mode
/// normalises with them; like PyTorch, `num_batches_tracked` is registered but never incremented.
public final class InstanceNorm2d: Layer, ReLUFusable {
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
    private var rectified = false

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

    /// Rows are (sample, channel), each normalised over its H·W positions.
    private func kernel(_ n: Int, _ c: Int, _ l: Int) -> RowNormalization {
        RowNormalization(samples: n, rowsPerSample: c, length: l, affine: weight == nil ? .none : .perChannel(planeLength: l))
    }

    // x: [N, C, H, W]; returns the same shape
    public func forward(_ x: Tensor) -> Tensor { forward(x, rectified: false) }

    func forward(consuming x: consuming Tensor, rectified: Bool) -> Tensor { forward(x, rectified: rectified) }

    /// `forward`, then `max(0, ·)` when `rectified`, in the same pass (`Sequential` fuses an
    /// InstanceNorm2d and its ReLU); `backward` then takes the gradient of the rectified output.
    func forward(_ x: Tensor, rectified: Bool) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == numFeatures,
                     "InstanceNorm2d(\(numFeatures)): unexpected input shape \(x.shape)")
        let (n, c, l) = (x.shape[0], x.shape[1], x.shape[2] * x.shape[3])
        usedRunningStatistics = !isTraining && runningMean != nil
        var fixed: (mean: [Float], variance: [Float])? = nil
        if usedRunningStatistics, let runningMean, let runningVar {
            let rows = (0..<n * c)
            fixed = (rows.map { runningMean.value.data[$0 % c] }, rows.map { runningVar.value.data[$0 % c] })
        }
        let (y, xhat, stats) = kernel(n, c, l).forward(x, gamma: weight?.value.data, beta: bias?.value.data,
                                                       eps: eps, rectified: rectified, fixed: fixed)
        (self.xhat, invstd, self.rectified) = (xhat, stats.invstd, rectified)   // no_grad: xhat is empty

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
        return y
    }

    // dy: [N, C, H, W]; returns dx
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == xhat.shape, "InstanceNorm2d.backward: dy \(dy.shape) vs x \(xhat.shape)")
        let (n, c, l) = (dy.shape[0], dy.shape[1], dy.shape[2] * dy.shape[3])
        let (dx, dgamma, dbeta) = kernel(n, c, l).backward(dy, xhat: xhat, invstd: invstd, gamma: weight?.value.data,
                                                    beta: bias?.value.data, rectified: rectified,
                                                           fixed: usedRunningStatistics)
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
