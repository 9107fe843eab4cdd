/// Batch normalisation over the channel axis of `[N, C, L]` data (Ioffe & Szegedy, 2015), the
/// implementation shared by `BatchNorm1d` and `BatchNorm2d`.
///
/// PyTorch semantics: training mode normalises with the batch mean and biased variance and
/// updates `running_mean`/`running_var` (the latter with the unbiased variance) by
/// `running = (1 − momentum) · running + momentum · batch`; `momentum == nil` uses the cumulative
/// average factor `1 / num_batches_tracked`. Evaluation mode normalises with the running statistics.
///
/// `trackRunningStats == false` (PyTorch's `track_running_stats=False`): no running statistics
/// and no buffers; batch statistics normalise in evaluation mode too.
///
/// A batch normalised with batch statistics that has a single value per channel (`N · L == 1`)
/// has no spread, and PyTorch rejects it ("Expected more than 1 value per channel when
/// training"). `forward(checked:)` throws that error (`LayerError.singleValuePerChannel`). The
/// unchecked `forward` instead normalises such a batch with the running statistics, as in
/// evaluation mode (or, without running statistics, with mean = x and variance 0, so y = β), and
/// leaves the running statistics and `num_batches_tracked` untouched;
/// `lastForwardUsedBatchStatistics` reports which path ran.
public class BatchNorm: Layer, ReLUFusable {
    public var isTraining = true
    public let numFeatures: Int
    public let eps: Float
    /// The running-average factor; `nil` means a cumulative moving average (factor
    /// 1 / `num_batches_tracked`). Variable, as in PyTorch, so that `updateBatchNorm` can set it
    /// to `nil` for a recalibration pass and put it back.
    public var momentum: Float?
    /// Whether the layer keeps running statistics (PyTorch's `track_running_stats`).
    public let trackRunningStats: Bool
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
    private var input = Tensor(zeros: [0])   // x (shared storage, not a copy); x̂ is recomputed
    private var mean = [Float]()             // [C], the mean x̂ was normalised with
    private var invstd = [Float]()           // [C]
    private var rectified = false            // whether the last forward applied a ReLU (fused)

    init(numFeatures: Int, eps: Float, momentum: Float?, affine: Bool, trackRunningStats: Bool,
         acceptedRanks: Set<Int>, typeName: String) {
        precondition(numFeatures > 0, "\(typeName): numFeatures must be positive")
        self.numFeatures = numFeatures
        self.eps = eps
        self.momentum = momentum
        self.trackRunningStats = trackRunningStats
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

    /// `running_mean`, `running_var` and `num_batches_tracked`; none without `trackRunningStats`
    /// (PyTorch registers them as `None`, so they are absent from its state_dict).
    public var localBuffers: [(String, Buffer)] {
        guard trackRunningStats else { return [] }
        return [("running_mean", runningMean), ("running_var", runningVar),
                ("num_batches_tracked", numBatchesTracked)]
    }

    /// Whether a forward pass in the current mode normalises with batch statistics (training, or
    /// any mode without running statistics), as PyTorch's `bn_training`.
    public var usesBatchStatistics: Bool { isTraining || !trackRunningStats }

    /// PyTorch's `reset_running_stats()`: running mean 0, running variance 1, `num_batches_tracked` 0.
    public func resetRunningStats() {
        guard trackRunningStats else { return }
        runningMean.value = Tensor(zeros: [numFeatures])
        runningVar.value = Tensor(repeating: 1, shape: [numFeatures])
        numBatchesTracked.value = Tensor(scalar: 0)
    }

    /// Throws what PyTorch raises for an input of this shape in the current mode: a wrong rank or
    /// channel count, or a single value per channel where batch statistics are needed.
    public func checkInput(_ shape: [Int]) throws(LayerError) {
        guard acceptedRanks.contains(shape.count), shape[1] == numFeatures, shape.allSatisfy({ $0 > 0 }) else {
            throw .invalidArgument(name: "input", value: "of size \(shape)",
                                   requirement: "of rank \(acceptedRanks.sorted().map(String.init).joined(separator: " or ")) with \(numFeatures) channels (\(typeName))")
        }
        if usesBatchStatistics && shape[0] * shape.dropFirst(2).reduce(1, *) == 1 {
            throw .singleValuePerChannel(shape: shape)
        }
    }

    /// `forward`, after `checkInput`: throws PyTorch's error where the unchecked `forward` falls back.
    public func forward(checked x: Tensor) throws(LayerError) -> Tensor {
        try checkInput(x.shape)
        return forward(x)
    }

    /// N, C and L (the product of the trailing spatial dims) of an input shape.
    private func dims(_ shape: [Int]) -> (n: Int, c: Int, l: Int) {
        precondition(acceptedRanks.contains(shape.count) && shape[1] == numFeatures,
                     "\(typeName)(\(numFeatures)): unexpected input shape \(shape)")
        return (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
    }

    // MARK: - Forward

    // x: [N, C] or [N, C, L] (1d), [N, C, H, W] (2d); returns the same shape
    public func forward(_ x: Tensor) -> Tensor { forward(x, rectified: false) }

    /// Without gradient recording, normalises in `x`'s storage (evaluation needs no second buffer).
    public func forward(consuming x: consuming Tensor) -> Tensor { forward(consuming: x, rectified: false) }

    /// `forward`, followed by `max(0, ·)` when `rectified`: a BatchNorm and the ReLU after it in
    /// one pass over the activations (`Sequential` fuses the pair). Bit-identical to running the
    /// two layers; `backward` then takes the gradient with respect to the rectified output.
    func forward(_ x: Tensor, rectified: Bool) -> Tensor {
        let (mean, invstd) = statistics(x)
        self.rectified = rectified
        return Tensor.filled(shape: x.shape) { y in
            x.data.withUnsafeBufferPointer { xb in
                normalize(xb.baseAddress!, into: y, x.shape, mean, invstd, rectified: rectified)
            }
        }
    }

    func forward(consuming x: consuming Tensor, rectified: Bool) -> Tensor {
        guard !GradientMode.isEnabled else { return forward(x, rectified: rectified) }
        let (mean, invstd) = statistics(x)
        let shape = x.shape
        x.data.withUnsafeMutableBufferPointer { p in
            normalize(p.baseAddress!, into: p.baseAddress!, shape, mean, invstd, rectified: rectified)
        }
        return x
    }

    /// The mean and 1/√(var + ε) to normalise `x` with: the batch's in training (updating the
    /// running statistics), the running ones otherwise. Caches `x` for backward when recording.
    private func statistics(_ x: Tensor) -> (mean: [Float], invstd: [Float]) {
        let (n, c, l) = dims(x.shape)
        let m = n * l                                    // values per channel
        let useBatch = usesBatchStatistics && m > 1
        lastForwardUsedBatchStatistics = useBatch

        var mean = runningMean.value.data
        var variance = runningVar.value.data
        if !useBatch && !trackRunningStats {
            // one value per channel and no running statistics (PyTorch raises; see forward(checked:)):
            // the value itself with no spread
            mean = Array(x.data.prefix(c))
            variance = [Float](repeating: 0, count: c)
        }
        if useBatch && l == 1 {
            // [N, C]: row by row, the same sums (BatchNorm+Rows.swift)
            let stats = x.data.withUnsafeBufferPointer { Self.rowStatistics($0.baseAddress!, n: n, c: c) }
            (mean, variance) = (stats.mean, stats.variance)
            if isTraining && trackRunningStats { updateRunningStatistics(mean: mean, unbiasedVariance: stats.unbiased) }
        } else if useBatch {
            // Each plane x[i, ch, :] gets its own mean and centred sum of squares (two passes over
            // a plane that stays in cache); the planes of a channel are then combined in Double
            // (Chan et al.: M2 = Σ M2ᵢ + l·(meanᵢ − mean)²), in image order.
            var planeMean = [Float](repeating: 0, count: n * c)
            var planeM2 = [Float](repeating: 0, count: n * c)
            x.data.withUnsafeBufferPointer { xb in
            planeMean.withUnsafeMutableBufferPointer { pm in
            planeM2.withUnsafeMutableBufferPointer { p2 in
                let (x, pm, p2) = (xb.baseAddress!, pm.baseAddress!, p2.baseAddress!)
                parallelChunks(n) { _, images in
                    for plane in images.lowerBound * c ..< images.upperBound * c {
                        let mu = vectorSum(x + plane * l, l) / Float(l)
                        pm[plane] = mu
                        p2[plane] = vectorSumOfSquaredDeviations(x + plane * l, l, mean: mu)
                    }
                }
            }
            }
            }
            var unbiased = [Float](repeating: 0, count: c)
            for ch in 0..<c {
                var mu = 0.0
                for i in 0..<n { mu += Double(planeMean[i * c + ch]) }
                mu /= Double(n)
                var m2 = 0.0
                for i in 0..<n {
                    let d = Double(planeMean[i * c + ch]) - mu
                    m2 += Double(planeM2[i * c + ch]) + Double(l) * d * d
                }
                mean[ch] = Float(mu)
                variance[ch] = Float(m2 / Double(m))            // biased, to normalise
                unbiased[ch] = Float(m2 / Double(m - 1))
            }
            if isTraining && trackRunningStats { updateRunningStatistics(mean: mean, unbiasedVariance: unbiased) }
        }

        let invstd = variance.map { 1 / ($0 + eps).squareRoot() }
        // without gradients, keep nothing (and let go of the last recorded input)
        let recording = GradientMode.isEnabled
        (input, self.mean, self.invstd) = recording ? (x, mean, invstd) : (Tensor(zeros: [0]), [], [])
        return (mean, invstd)
    }

    /// y = γ·x̂ + β with x̂ = (x − mean) · invstd, per channel, then max(0, y) when `rectified`;
    /// `y` may be `x` itself.
    @inline(__always)
    private func normalize(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, _ shape: [Int],
                           _ mean: [Float], _ invstd: [Float], rectified: Bool) {
        let (n, c, l) = dims(shape)
        let gamma = weight?.value.data ?? [Float](repeating: 1, count: c)
        let beta = bias?.value.data ?? [Float](repeating: 0, count: c)
        if l == 1 {
            Self.normalizeRows(x, into: y, n: n, c: c, mean: mean, invstd: invstd, gamma: gamma, beta: beta, rectified: rectified)
            return
        }
        parallelChunks(n) { _, images in
            for plane in images.lowerBound * c ..< images.upperBound * c {
                let ch = plane % c, base = plane * l
                let mu = mean[ch], s = invstd[ch], g = gamma[ch], b = beta[ch]
                if rectified {
                    // eight lanes at a time, where the select vectorises
                    let (m8, s8, g8, b8) = (Lanes(repeating: mu), Lanes(repeating: s), Lanes(repeating: g), Lanes(repeating: b))
                    var j = base
                    while j + 8 <= base + l {
                        store(rectify(g8 * ((load(x + j) - m8) * s8) + b8), y + j)
                        j += 8
                    }
                    for j in j..<(base + l) { y[j] = rectify(g * ((x[j] - mu) * s) + b) }
                } else {
                    for j in base..<(base + l) { y[j] = g * ((x[j] - mu) * s) + b }
                }
            }
        }
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

    /// dγ += Σ dy·x̂, dβ += Σ dy (frozen ones are left alone).
    private func addParameterGradients(sumDy: [Double], sumDyXhat: [Double]) {
        if let weight, weight.requiresGrad {
            for ch in 0..<numFeatures { weight.grad.data[ch] += Float(sumDyXhat[ch]) }
        }
        if let bias, bias.requiresGrad {
            for ch in 0..<numFeatures { bias.grad.data[ch] += Float(sumDy[ch]) }
        }
    }

    /// `backward` for `[N, C]` input, row by row (BatchNorm+Rows.swift): the same numbers.
    private func backwardRows(_ dy: Tensor, n: Int, c: Int, mean: [Float], invstd: [Float], gamma: [Float],
                              beta: [Float], rectified: Bool) -> Tensor {
        let sums = dy.data.withUnsafeBufferPointer { g in
            input.data.withUnsafeBufferPointer { x in
                Self.rowGradientSums(g.baseAddress!, x.baseAddress!, n: n, c: c, mean: mean, invstd: invstd,
                                     gamma: gamma, beta: beta, rectified: rectified)
            }
        }
        addParameterGradients(sumDy: sums.dy, sumDyXhat: sums.dyXhat)
        let batch = lastForwardUsedBatchStatistics
        return Tensor.filled(shape: dy.shape) { dx in
            dy.data.withUnsafeBufferPointer { g in
                input.data.withUnsafeBufferPointer { x in
                    Self.rowInputGradient(g.baseAddress!, x.baseAddress!, into: dx, n: n, c: c, mean: mean, invstd: invstd,
                                          gamma: gamma, beta: beta, sumDy: sums.dy, sumDyXhat: sums.dyXhat,
                                          batch: batch, rectified: rectified)
                }
            }
        }
    }

    // dy: [N, C, ...] like x; returns dx of the same shape
    public func backward(_ dy: Tensor) -> Tensor {
        precondition(dy.shape == input.shape, "\(typeName).backward: dy \(dy.shape) vs x \(input.shape)")
        let (n, c, l) = dims(dy.shape)
        let m = Float(n * l)
        let (mean, invstd, rectified) = (self.mean, self.invstd, self.rectified)
        let gamma = weight?.value.data ?? [Float](repeating: 1, count: c)
        let beta = bias?.value.data ?? [Float](repeating: 0, count: c)
        if l == 1 { return backwardRows(dy, n: n, c: c, mean: mean, invstd: invstd, gamma: gamma, beta: beta, rectified: rectified) }

        // per-channel Σdy and Σdy·x̂: per plane in Float, then over images in Double, in image order
        var planeDy = [Float](repeating: 0, count: n * c)
        var planeDyXhat = [Float](repeating: 0, count: n * c)
        dy.data.withUnsafeBufferPointer { gb in
        input.data.withUnsafeBufferPointer { xb in
        planeDy.withUnsafeMutableBufferPointer { sd in
        planeDyXhat.withUnsafeMutableBufferPointer { sh in
            let (g, x, sd, sh) = (gb.baseAddress!, xb.baseAddress!, sd.baseAddress!, sh.baseAddress!)
            parallelChunks(n) { _, images in
                for plane in images.lowerBound * c ..< images.upperBound * c {
                    let ch = plane % c
                    if rectified {
                        // the gradient through the fused ReLU: dy where the output was positive
                        let sums = rectifiedSums(g + plane * l, x + plane * l, l, mean: mean[ch], invstd: invstd[ch],
                                                 gamma: gamma[ch], beta: beta[ch])
                        (sd[plane], sh[plane]) = (sums.dy, sums.dyCentred * invstd[ch])
                    } else {
                        sd[plane] = vectorSum(g + plane * l, l)
                        sh[plane] = vectorDot(g + plane * l, x + plane * l, l, centredAt: mean[ch]) * invstd[ch]
                    }
                }
            }
        }
        }
        }
        }
        var sumDy = [Double](repeating: 0, count: c)
        var sumDyXhat = [Double](repeating: 0, count: c)
        for i in 0..<n {
            for ch in 0..<c {
                sumDy[ch] += Double(planeDy[i * c + ch])
                sumDyXhat[ch] += Double(planeDyXhat[i * c + ch])
            }
        }
        addParameterGradients(sumDy: sumDy, sumDyXhat: sumDyXhat)

        let batch = lastForwardUsedBatchStatistics
        return Tensor.filled(shape: dy.shape) { dp in
            dy.data.withUnsafeBufferPointer { gb in
            input.data.withUnsafeBufferPointer { xb in
                let (gp, xp) = (gb.baseAddress!, xb.baseAddress!)
                parallelChunks(n) { _, images in
                    for plane in images.lowerBound * c ..< images.upperBound * c {
                        let ch = plane % c, base = plane * l
                        let (k, mu, s) = (gamma[ch] * invstd[ch], mean[ch], invstd[ch])
                        if rectified {
                            // as below, with dy blocked where the fused ReLU's output was ≤ 0
                            let (gm, b) = (gamma[ch], beta[ch])
                            // batch statistics: dx = a·(m·d − Σd − x̂·Σ(d·x̂)); running: dx = k·d
                            let (a, sd, sdh) = batch ? (k / m, Float(sumDy[ch]), Float(sumDyXhat[ch])) : (k, 0, 0)
                            let (m8, s8, g8, b8) = (Lanes(repeating: mu), Lanes(repeating: s), Lanes(repeating: gm), Lanes(repeating: b))
                            let (a8, mm8, sd8, sdh8) = (Lanes(repeating: a), Lanes(repeating: m), Lanes(repeating: sd), Lanes(repeating: sdh))
                            var j = base
                            while j + 8 <= base + l {
                                let xv = load(xp + j)
                                let d = rectifiedGradient(load(gp + j), at: g8 * ((xv - m8) * s8) + b8)
                                store(batch ? a8 * (mm8 * d - sd8 - (xv - m8) * s8 * sdh8) : a8 * d, dp + j)
                                j += 8
                            }
                            for j in j..<(base + l) {
                                let d = rectifiedGradient(gp[j], at: gm * ((xp[j] - mu) * s) + b)
                                dp[j] = batch ? a * (m * d - sd - (xp[j] - mu) * s * sdh) : a * d
                            }
                        } else if batch {
                            // dx = (1/m)·γ·invstd·(m·dy − Σdy − x̂·Σ(dy·x̂))
                            let a = k / m, sd = Float(sumDy[ch]), sdh = Float(sumDyXhat[ch])
                            for j in base..<(base + l) { dp[j] = a * (m * gp[j] - sd - (xp[j] - mu) * s * sdh) }
                        } else {
                            // running statistics are constants: a plain affine map
                            for j in base..<(base + l) { dp[j] = k * gp[j] }
                        }
                    }
                }
            }
            }
        }
    }
}
