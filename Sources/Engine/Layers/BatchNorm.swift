/// Batch normalisation over the channel axis of `[N, C, L]` data (Ioffe & Szegedy, 2015), the
/// implementation shared by `BatchNorm1d` and `BatchNorm2d`.
///
/// PyTorch semantics: training mode normalises with the batch mean and biased variance and
/// updates `running_mean`/`running_var` (the latter with the unbiased variance) by
/// `running = (1 − momentum) · running + momentum · batch`; `momentum == nil` uses the cumulative
/// average factor `1 / num_batches_tracked`. Evaluation mode normalises with the running statistics.
///
/// A training batch with a single value per channel (`N · L == 1`) has no spread, and PyTorch
/// rejects it ("Expected more than 1 value per channel"). Here such a batch is normalised with the
/// running statistics, as in evaluation mode, and leaves the running statistics and
/// `num_batches_tracked` untouched; `lastForwardUsedBatchStatistics` reports which path ran.
public class BatchNorm: Layer {
    public var isTraining = true
    public let numFeatures: Int
    public let eps: Float
    /// The running-average factor; `nil` means a cumulative moving average.
    public let momentum: Float?
    /// Scale γ, `[C]`, ones; `nil` when `affine` is false.
    public let weight: Parameter?
    /// Shift β, `[C]`, zeros; `nil` when `affine` is false.
    public let bias: Parameter?
    /// `[C]`, zeros.
    public let runningMean: Buffer
    /// `[C]`, ones.
    public let runningVar: Buffer
    /// How many training batches updated the running statistics (stored as int64).
    public let numBatchesTracked: Buffer
    /// Whether the last `forward` normalised with batch (true) or running (false) statistics.
    public private(set) var lastForwardUsedBatchStatistics = false

    /// The input ranks this layer accepts (2 and 3 for 1d, 4 for 2d).
    let acceptedRanks: Set<Int>
    let typeName: String

    // MARK: cache for backward
    private var xhat = Tensor(zeros: [0])    // x̂ = (x − mean) · invstd, same shape as x
    private var invstd = [Float]()           // [C]

    init(numFeatures: Int, eps: Float, momentum: Float?, affine: Bool,
         acceptedRanks: Set<Int>, typeName: String) {
        precondition(numFeatures > 0, "\(typeName): numFeatures must be positive")
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.weight = affine ? Parameter(Tensor(repeating: 1, shape: [numFeatures])) : nil
        self.bias = affine ? Parameter(Tensor(zeros: [numFeatures])) : nil
        self.runningMean = Buffer(Tensor(zeros: [numFeatures]))
        self.runningVar = Buffer(Tensor(repeating: 1, shape: [numFeatures]))
        self.numBatchesTracked = Buffer(Tensor(scalar: 0), isInteger: true)
        self.acceptedRanks = acceptedRanks
        self.typeName = typeName
    }

    public var localParameters: [(String, Parameter)] {
        guard let weight, let bias else { return [] }
        return [("weight", weight), ("bias", bias)]
    }

    public var localBuffers: [(String, Buffer)] {
        [("running_mean", runningMean), ("running_var", runningVar),
         ("num_batches_tracked", numBatchesTracked)]
    }

    /// N, C and L (the product of the trailing spatial dims) of an input shape.
    private func dims(_ shape: [Int]) -> (n: Int, c: Int, l: Int) {
        precondition(acceptedRanks.contains(shape.count) && shape[1] == numFeatures,
                     "\(typeName)(\(numFeatures)): unexpected input shape \(shape)")
        return (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
    }

    // MARK: - Forward

    // x: [N, C] or [N, C, L] (1d), [N, C, H, W] (2d); returns the same shape
    public func forward(_ x: Tensor) -> Tensor {
        let (n, c, l) = dims(x.shape)
        let m = n * l                                    // values per channel
        let useBatch = isTraining && m > 1
        lastForwardUsedBatchStatistics = useBatch

        var mean = runningMean.value.data
        var variance = runningVar.value.data
        if useBatch {
            // batch statistics in Double, two passes
            var sum = [Double](repeating: 0, count: c)
            var sumSq = [Double](repeating: 0, count: c)
            x.data.withUnsafeBufferPointer { xp in
                for i in 0..<n {
                    for ch in 0..<c {
                        let base = (i * c + ch) * l
                        var s = 0.0
                        for j in 0..<l { s += Double(xp[base + j]) }
                        sum[ch] += s
                    }
                }
                for ch in 0..<c { sum[ch] /= Double(m) }   // now the mean
                for i in 0..<n {
                    for ch in 0..<c {
                        let base = (i * c + ch) * l
                        let mu = sum[ch]
                        var s = 0.0
                        for j in 0..<l { let d = Double(xp[base + j]) - mu; s += d * d }
                        sumSq[ch] += s
                    }
                }
            }
            for ch in 0..<c {
                mean[ch] = Float(sum[ch])
                variance[ch] = Float(sumSq[ch] / Double(m))        // biased, to normalise
            }
            updateRunningStatistics(mean: mean, unbiasedVariance: (0..<c).map {
                Float(sumSq[$0] / Double(m - 1))
            })
        }

        invstd = variance.map { 1 / ($0 + eps).squareRoot() }
        var y = Tensor(zeros: x.shape)
        xhat = Tensor(zeros: x.shape)
        let gamma = weight?.value.data ?? [Float](repeating: 1, count: c)
        let beta = bias?.value.data ?? [Float](repeating: 0, count: c)
        x.data.withUnsafeBufferPointer { xp in
            xhat.data.withUnsafeMutableBufferPointer { hp in
                y.data.withUnsafeMutableBufferPointer { yp in
                    for i in 0..<n {
                        for ch in 0..<c {
                            let base = (i * c + ch) * l
                            let mu = mean[ch], s = invstd[ch], g = gamma[ch], b = beta[ch]
                            for j in 0..<l {
                                let h = (xp[base + j] - mu) * s
                                hp[base + j] = h
                                yp[base + j] = g * h + b
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// running ← (1 − f) · running + f · batch, with f = momentum or 1 / num_batches_tracked.
    private func updateRunningStatistics(mean: [Float], unbiasedVariance: [Float]) {
        numBatchesTracked.value.data[0] += 1
        let f = momentum ?? Float(1.0 / Double(numBatchesTracked.value.data[0]))
        for ch in 0..<numFeatures {
            runningMean.value.data[ch] = (1 - f) * runningMean.value.data[ch] + f * mean[ch]
            runningVar.value.data[ch] = (1 - f) * runningVar.value.data[ch] + f * unbiasedVariance[ch]
        }
    }

    // MARK: - Backward

    // dy: [N, C, ...] like x; returns dx of the same shape
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == xhat.shape, "\(typeName).backward: dy \(dy.shape) vs x \(xhat.shape)")
        let (n, c, l) = dims(dy.shape)
        let m = Float(n * l)

        // per-channel Σdy and Σdy·x̂
        var sumDy = [Double](repeating: 0, count: c)
        var sumDyXhat = [Double](repeating: 0, count: c)
        dy.data.withUnsafeBufferPointer { gp in
            xhat.data.withUnsafeBufferPointer { hp in
                for i in 0..<n {
                    for ch in 0..<c {
                        let base = (i * c + ch) * l
                        var s = 0.0, sh = 0.0
                        for j in 0..<l {
                            s += Double(gp[base + j])
                            sh += Double(gp[base + j]) * Double(hp[base + j])
                        }
                        sumDy[ch] += s
                        sumDyXhat[ch] += sh
                    }
                }
            }
        }
        if let weight, let bias {
            for ch in 0..<c {
                weight.grad.data[ch] += Float(sumDyXhat[ch])
                bias.grad.data[ch] += Float(sumDy[ch])
            }
        }

        let gamma = weight?.value.data ?? [Float](repeating: 1, count: c)
        let batch = lastForwardUsedBatchStatistics
        var dx = Tensor(zeros: dy.shape)
        dy.data.withUnsafeBufferPointer { gp in
            xhat.data.withUnsafeBufferPointer { hp in
                dx.data.withUnsafeMutableBufferPointer { dp in
                    for i in 0..<n {
                        for ch in 0..<c {
                            let base = (i * c + ch) * l
                            let k = gamma[ch] * invstd[ch]
                            if batch {
                                // dx = (1/m)·γ·invstd·(m·dy − Σdy − x̂·Σ(dy·x̂))
                                let a = k / m, sd = Float(sumDy[ch]), sdh = Float(sumDyXhat[ch])
                                for j in 0..<l {
                                    dp[base + j] = a * (m * gp[base + j] - sd - hp[base + j] * sdh)
                                }
                            } else {
                                // running statistics are constants: a plain affine map
                                for j in 0..<l { dp[base + j] = k * gp[base + j] }
                            }
                        }
                    }
                }
            }
        }
        return dx
    }
}
