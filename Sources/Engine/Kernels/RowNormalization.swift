/// The fused kernel of `GroupNorm`, `LayerNorm` and `InstanceNorm2d`: each row of `[rows, length]`
/// data is standardised with its own statistics, x̂ = (x − μ_row) / √(σ²_row + ε), scaled and
/// shifted, y = γ·x̂ + β, and rectified when a ReLU follows — one pass over the activations each
/// way, eight lanes at a time and split over `Threads` by sample, as BatchNorm's.
///
/// Rows are `samples × rowsPerSample` (GroupNorm: groups; InstanceNorm: channels; LayerNorm: 1).
/// γ and β are either per channel, a channel being `planeLength` consecutive positions of a row
/// (GroupNorm, InstanceNorm), or per element of a row (LayerNorm's `normalizedShape`).
///
/// Every result is independent of the thread count: rows are computed whole by one thread, and the
/// parameter gradients are summed over samples in sample order.
struct RowNormalization {
    /// How γ and β map onto a row.
    enum Affine {
        /// No γ and β (y = x̂).
        case none
        /// γ_c and β_c over each channel's `planeLength` positions.
        case perChannel(planeLength: Int)
        /// γ_j and β_j for each element `j` of a row.
        case perElement
    }

    let samples: Int
    let rowsPerSample: Int
    let length: Int
    let affine: Affine

    var rows: Int { samples * rowsPerSample }

    /// Channels in one row (per-channel affine), else 1.
    private var segments: Int {
        if case .perChannel(let l) = affine { return length / l }
        return 1
    }

    /// Positions per segment: a channel's plane, or the whole row.
    private var segmentLength: Int { length / segments }

    init(samples: Int, rowsPerSample: Int, length: Int, affine: Affine) {
        if case .perChannel(let l) = affine { precondition(l > 0 && length % l == 0) }
        if case .perElement = affine { precondition(rowsPerSample == 1, "per-element γ: one row per sample") }
        (self.samples, self.rowsPerSample, self.length, self.affine) = (samples, rowsPerSample, length, affine)
    }

    // MARK: - On tensors

    /// `forward` on a tensor: y, and x̂ to keep for backward while recording gradients (else an
    /// empty tensor). Without γ, β and ReLU, y is x̂ and the two share their storage.
    func forward(_ x: Tensor, gamma: [Float]?, beta: [Float]?, eps: Float, rectified: Bool,
                 fixed: (mean: [Float], variance: [Float])? = nil)
        -> (y: Tensor, xhat: Tensor, stats: (mean: [Float], variance: [Float], invstd: [Float])) {
        precondition(x.count == rows * length)
        let recording = GradientMode.isEnabled
        let separate = recording && (gamma != nil || rectified)   // x̂ ≠ y
        var xhat = separate ? [Float](unsafeUninitializedCapacity: x.count) { $1 = x.count } : []
        var stats: (mean: [Float], variance: [Float], invstd: [Float]) = ([], [], [])
        let y = Tensor.filled(shape: x.shape) { y in
            x.data.withUnsafeBufferPointer { xp in
            xhat.withUnsafeMutableBufferPointer { hp in
                stats = forward(xp.baseAddress!, xhat: separate ? hp.baseAddress! : nil, y: y, gamma: gamma, beta: beta,
                                eps: eps, rectified: rectified, fixed: fixed)
            }
            }
        }
        let kept = separate ? Tensor(shape: x.shape, data: xhat) : recording ? y : Tensor(zeros: [0])
        return (y, kept, stats)
    }

    /// `backward` on tensors: dx, and this batch's dγ and dβ sums.
    func backward(_ dy: Tensor, xhat: Tensor, invstd: [Float], gamma: [Float]?, beta: [Float]?,
                  rectified: Bool, fixed: Bool = false) -> (dx: Tensor, gamma: [Float], beta: [Float]) {
        var sums: (gamma: [Float], beta: [Float]) = ([], [])
        let dx = Tensor.filled(shape: dy.shape) { dx in
            dy.data.withUnsafeBufferPointer { gp in
            xhat.data.withUnsafeBufferPointer { hp in
                sums = backward(gp.baseAddress!, xhat: hp.baseAddress!, invstd: invstd, into: dx, gamma: gamma, beta: beta,
                                rectified: rectified, fixed: fixed)
            }
            }
        }
        return (dx, sums.gamma, sums.beta)
    }

    // MARK: - Forward

    /// Writes x̂ into `xhat` (when given; needed by backward) and y = γ·x̂ + β (rectified) into `y`;
    /// returns each row's mean, biased variance and 1/√(var + ε) (the `fixed` ones when given:
    /// InstanceNorm's running statistics). `y` may be `x`.
    // x, xhat, y: [rows, length]; gamma, beta: [C] or [length]; returns [rows] each
    func forward(_ x: UnsafePointer<Float>, xhat: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>,
                 gamma: [Float]?, beta: [Float]?, eps: Float,
                 rectified: Bool, fixed: (mean: [Float], variance: [Float])? = nil) -> (mean: [Float], variance: [Float], invstd: [Float]) {
        withAffine(gamma, beta) { gamma, beta in
            forward(x, xhat: xhat, y: y, gamma: gamma, beta: beta, eps: eps, rectified: rectified, fixed: fixed)
        }
    }

    private func forward(_ x: UnsafePointer<Float>, xhat: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>,
                         gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?, eps: Float,
                         rectified: Bool, fixed: (mean: [Float], variance: [Float])?) -> (mean: [Float], variance: [Float], invstd: [Float]) {
        var (mean, variance, invstd) = ([Float](repeating: 0, count: rows), [Float](repeating: 0, count: rows),
                                        [Float](repeating: 0, count: rows))
        mean.withUnsafeMutableBufferPointer { mb in
        variance.withUnsafeMutableBufferPointer { vb in
        invstd.withUnsafeMutableBufferPointer { sb in
            let (mp, vp, sp) = (mb.baseAddress!, vb.baseAddress!, sb.baseAddress!)
            parallelChunks(samples) { _, range in
                for r in range.lowerBound * rowsPerSample ..< range.upperBound * rowsPerSample {
                    let row = x + r * length
                    let (mu, v): (Float, Float)
                    if let fixed {
                        (mu, v) = (fixed.mean[r], fixed.variance[r])
                    } else {
                        mu = Float(blockedSum(row, length) / Double(length))
                        v = Float(blockedSquaredDeviations(row, length, mean: mu) / Double(length))
                    }
                    let s = 1 / (v + eps).squareRoot()
                    (mp[r], vp[r], sp[r]) = (mu, v, s)
                    standardize(row, xhat: xhat.map { $0 + r * length }, y: y + r * length, row: r,
                                mean: mu, invstd: s, gamma: gamma, beta: beta, rectified: rectified)
                }
            }
        }
        }
        }
        return (mean, variance, invstd)
    }

    /// One row: x̂ = (x − mean)·invstd, y = γ·x̂ + β, max(0, y) when rectified.
    @inline(__always)
    private func standardize(_ x: UnsafePointer<Float>, xhat: UnsafeMutablePointer<Float>?, y: UnsafeMutablePointer<Float>,
                             row r: Int, mean mu: Float, invstd s: Float,
                             gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?, rectified: Bool) {
        let (m8, s8) = (Lanes(repeating: mu), Lanes(repeating: s))
        let (segments, count) = (self.segments, segmentLength)
        for k in 0..<segments {
            let (xs, ys, hs) = (x + k * count, y + k * count, xhat.map { $0 + k * count })
            switch affine {
            case .perElement:
                let (g, b) = (gamma! + (r % rowsPerSample) * length, beta! + (r % rowsPerSample) * length)
                var j = 0
                while j + 8 <= count {
                    let h = (load(xs + j) - m8) * s8
                    if let hs { store(h, hs + j) }
                    let v = load(g + j) * h + load(b + j)
                    store(rectified ? rectify(v) : v, ys + j)
                    j += 8
                }
                while j < count {
                    let h = (xs[j] - mu) * s
                    hs?[j] = h
                    let v = g[j] * h + b[j]
                    ys[j] = rectified ? rectify(v) : v
                    j += 1
                }
            case .perChannel, .none:
                let ch = (r % rowsPerSample) * segments + k
                let (g, b): (Float, Float) = gamma.map { ($0[ch], beta![ch]) } ?? (1, 0)
                let affine = gamma != nil
                let (g8, b8) = (Lanes(repeating: g), Lanes(repeating: b))
                var j = 0
                while j + 8 <= count {
                    let h = (load(xs + j) - m8) * s8
                    if let hs { store(h, hs + j) }
                    let v = affine ? g8 * h + b8 : h
                    store(rectified ? rectify(v) : v, ys + j)
                    j += 8
                }
                while j < count {
                    let h = (xs[j] - mu) * s
                    hs?[j] = h
                    let v = affine ? g * h + b : h
                    ys[j] = rectified ? rectify(v) : v
                    j += 1
                }
            }
        }
    }

    // MARK: - Backward

    /// dL/dx from dy (with respect to the rectified output when `rectified`) written into `dx`;
    /// returns this batch's dγ = Σ dy·x̂ and dβ = Σ dy (empty without γ and β). With batch
    /// statistics, per row of length M and g = γ·dy: dx = invstd/M · (M·g − Σg − x̂·Σ(g·x̂)); with
    /// `fixed` statistics, dx = invstd·g.
    // dy, xhat, dx: [rows, length]; invstd: [rows]; gamma, beta and the returned sums: [C] or [length]
    func backward(_ dy: UnsafePointer<Float>, xhat: UnsafePointer<Float>, invstd: [Float], into dx: UnsafeMutablePointer<Float>,
                  gamma: [Float]?, beta: [Float]?, rectified: Bool, fixed: Bool = false) -> (gamma: [Float], beta: [Float]) {
        let size = gamma?.count ?? 0
        var (gammaGrad, betaGrad) = ([Float](repeating: 0, count: size), [Float](repeating: 0, count: size))
        withAffine(gamma, beta) { gamma, beta in
            gammaGrad.withUnsafeMutableBufferPointer { gg in
            betaGrad.withUnsafeMutableBufferPointer { bg in
                backward(dy, xhat: xhat, invstd: invstd, into: dx, gamma: gamma, beta: beta,
                         gammaGrad: gamma == nil ? nil : gg.baseAddress, betaGrad: gamma == nil ? nil : bg.baseAddress,
                         rectified: rectified, fixed: fixed)
            }
            }
        }
        return (gammaGrad, betaGrad)
    }

    private func backward(_ dy: UnsafePointer<Float>, xhat: UnsafePointer<Float>, invstd: [Float], into dx: UnsafeMutablePointer<Float>,
                          gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?,
                          gammaGrad: UnsafeMutablePointer<Float>?, betaGrad: UnsafeMutablePointer<Float>?,
                          rectified: Bool, fixed: Bool) {
        let (segments, count) = (self.segments, segmentLength)
        let channels = rowsPerSample * segments
        // per (sample, channel) Σd and Σd·x̂ for the parameter gradients; per row Σg and Σg·x̂
        var planeD = [Float](repeating: 0, count: samples * channels)
        var planeDH = [Float](repeating: 0, count: samples * channels)
        var rowG = [Float](repeating: 0, count: rows)
        var rowGH = [Float](repeating: 0, count: rows)
        let m = Float(length)
        planeD.withUnsafeMutableBufferPointer { pdb in
        planeDH.withUnsafeMutableBufferPointer { pdhb in
        rowG.withUnsafeMutableBufferPointer { rgb in
        rowGH.withUnsafeMutableBufferPointer { rghb in
        invstd.withUnsafeBufferPointer { sb in
            let (pd, pdh, rg, rgh, sp) = (pdb.baseAddress!, pdhb.baseAddress!, rgb.baseAddress!, rghb.baseAddress!, sb.baseAddress!)
            parallelChunks(samples) { _, range in
                for r in range.lowerBound * rowsPerSample ..< range.upperBound * rowsPerSample {
                    let (dyr, hr, dxr) = (dy + r * length, xhat + r * length, dx + r * length)
                    // 1. sums over the row
                    var (sg, sgh): (Float, Float) = (0, 0)
                    for k in 0..<segments {
                        let (ds, hs) = (dyr + k * count, hr + k * count)
                        switch affine {
                        case .perElement:
                            let off = (r % rowsPerSample) * length
                            let sums = maskedSums(ds, hs, count, gamma: gamma! + off, beta: beta! + off, rectified: rectified)
                            (sg, sgh) = (sums.g, sums.gh)
                        case .perChannel, .none:
                            let ch = (r % rowsPerSample) * segments + k
                            let (g, b): (Float, Float) = gamma.map { ($0[ch], beta![ch]) } ?? (1, 0)
                            let sums = maskedSums(ds, hs, count, gamma: g, beta: b, rectified: rectified)
                            let plane = (r / rowsPerSample) * channels + ch
                            (pd[plane], pdh[plane]) = (sums.d, sums.dh)
                            sg += g * sums.d
                            sgh += g * sums.dh
                        }
                    }
                    (rg[r], rgh[r]) = (sg, sgh)
                    // 2. dx
                    let s = sp[r]
                    for k in 0..<segments {
                        let (ds, hs, xs) = (dyr + k * count, hr + k * count, dxr + k * count)
                        let (a, sg8, sgh8) = fixed ? (s, Lanes(), Lanes()) : (s / m, Lanes(repeating: sg), Lanes(repeating: sgh))
                        let (a8, m8) = (Lanes(repeating: a), Lanes(repeating: m))
                        switch affine {
                        case .perElement:
                            let off = (r % rowsPerSample) * length
                            let (g, b) = (gamma! + off, beta! + off)
                            var j = 0
                            while j + 8 <= count {
                                let h = load(hs + j), gv = load(g + j)
                                let d = rectified ? rectifiedGradient(load(ds + j), at: gv * h + load(b + j)) : load(ds + j)
                                store(fixed ? a8 * (gv * d) : a8 * (m8 * (gv * d) - sg8 - h * sgh8), xs + j)
                                j += 8
                            }
                            while j < count {
                                let d = rectified ? rectifiedGradient(ds[j], at: g[j] * hs[j] + b[j]) : ds[j]
                                xs[j] = fixed ? a * (g[j] * d) : a * (m * (g[j] * d) - sg - hs[j] * sgh)
                                j += 1
                            }
                        case .perChannel, .none:
                            let ch = (r % rowsPerSample) * segments + k
                            let (g, b): (Float, Float) = gamma.map { ($0[ch], beta![ch]) } ?? (1, 0)
                            let (g8, b8) = (Lanes(repeating: g), Lanes(repeating: b))
                            var j = 0
                            while j + 8 <= count {
                                let h = load(hs + j)
                                let d = rectified ? rectifiedGradient(load(ds + j), at: g8 * h + b8) : load(ds + j)
                                store(fixed ? a8 * (g8 * d) : a8 * (m8 * (g8 * d) - sg8 - h * sgh8), xs + j)
                                j += 8
                            }
                            while j < count {
                                let d = rectified ? rectifiedGradient(ds[j], at: g * hs[j] + b) : ds[j]
                                xs[j] = fixed ? a * (g * d) : a * (m * (g * d) - sg - hs[j] * sgh)
                                j += 1
                            }
                        }
                    }
                }
            }
        }
        }
        }
        }
        }
        guard let gammaGrad, let betaGrad else { return }
        switch affine {
        case .none: return
        case .perChannel:
            // over samples in Double, in sample order
            for ch in 0..<channels {
                var (sd, sdh) = (0.0, 0.0)
                for i in 0..<samples {
                    sd += Double(planeD[i * channels + ch])
                    sdh += Double(planeDH[i * channels + ch])
                }
                gammaGrad[ch] += Float(sdh)
                betaGrad[ch] += Float(sd)
            }
        case .perElement:
            // each element's sum over rows in row order; threads take ranges of elements
            parallelChunks(length) { _, elements in
                for r in 0..<rows {
                    let (ds, hs) = (dy + r * length, xhat + r * length)
                    var j = elements.lowerBound
                    while j + 8 <= elements.upperBound {
                        let h = load(hs + j)
                        let d = rectified ? rectifiedGradient(load(ds + j), at: load(gamma! + j) * h + load(beta! + j)) : load(ds + j)
                        store(load(gammaGrad + j) + d * h, gammaGrad + j)
                        store(load(betaGrad + j) + d, betaGrad + j)
                        j += 8
                    }
                    while j < elements.upperBound {
                        let d = rectified ? rectifiedGradient(ds[j], at: gamma![j] * hs[j] + beta![j]) : ds[j]
                        gammaGrad[j] += d * hs[j]
                        betaGrad[j] += d
                        j += 1
                    }
                }
            }
        }
    }
}

/// Pointers to γ and β, or nil for both when there are none.
@inline(__always)
private func withAffine<R>(_ gamma: [Float]?, _ beta: [Float]?,
                           _ body: (UnsafePointer<Float>?, UnsafePointer<Float>?) -> R) -> R {
    guard let gamma, let beta else { return body(nil, nil) }
    precondition(gamma.count == beta.count)
    return gamma.withUnsafeBufferPointer { g in beta.withUnsafeBufferPointer { b in body(g.baseAddress, b.baseAddress) } }
}

// MARK: - Row sums

/// Σ d and Σ d·x̂ over `count` elements, d = dy masked where γ·x̂ + β ≤ 0 when `rectified`
/// (bit-identical to the ReLU's own rule on the output it wrote), with γ, β one per channel.
@inline(__always)
private func maskedSums(_ dy: UnsafePointer<Float>, _ h: UnsafePointer<Float>, _ count: Int,
                        gamma g: Float, beta b: Float, rectified: Bool) -> (d: Float, dh: Float) {
    var (sd, sdh, j) = (Lanes(), Lanes(), 0)
    let (g8, b8) = (Lanes(repeating: g), Lanes(repeating: b))
    while j + 8 <= count {
        let hv = load(h + j)
        let d = rectified ? rectifiedGradient(load(dy + j), at: g8 * hv + b8) : load(dy + j)
        sd += d
        sdh += d * hv
        j += 8
    }
    var (s, sh) = (sd.sum(), sdh.sum())
    while j < count {
        let d = rectified ? rectifiedGradient(dy[j], at: g * h[j] + b) : dy[j]
        s += d
        sh += d * h[j]
        j += 1
    }
    return (s, sh)
}

/// Σ g and Σ g·x̂ with g = γ_j·d_j, γ and β one per element (LayerNorm).
@inline(__always)
private func maskedSums(_ dy: UnsafePointer<Float>, _ h: UnsafePointer<Float>, _ count: Int,
                        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, rectified: Bool) -> (g: Float, gh: Float) {
    var (sg, sgh, j) = (Lanes(), Lanes(), 0)
    while j + 8 <= count {
        let hv = load(h + j), gv = load(gamma + j)
        let d = rectified ? rectifiedGradient(load(dy + j), at: gv * hv + load(beta + j)) : load(dy + j)
        sg += gv * d
        sgh += gv * d * hv
        j += 8
    }
    var (s, sh) = (sg.sum(), sgh.sum())
    while j < count {
        let d = rectified ? rectifiedGradient(dy[j], at: gamma[j] * h[j] + beta[j]) : dy[j]
        s += gamma[j] * d
        sh += gamma[j] * d * h[j]
        j += 1
    }
    return (s, sh)
}

/// Σ x in blocks of 1024 eight-lane Float sums added in Double: long rows (LayerNorm's C·H·W) keep
/// the precision of the Double loop this replaces.
@inline(__always)
private func blockedSum(_ x: UnsafePointer<Float>, _ count: Int) -> Double {
    var (s, j) = (0.0, 0)
    while j < count {
        let n = min(1024, count - j)
        s += Double(vectorSum(x + j, n))
        j += n
    }
    return s
}

/// Σ (x − mean)², blocked as `blockedSum`.
@inline(__always)
private func blockedSquaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, mean: Float) -> Double {
    var (s, j) = (0.0, 0)
    while j < count {
        let n = min(1024, count - j)
        s += Double(vectorSumOfSquaredDeviations(x + j, n, mean: mean))
        j += n
    }
    return s
}
