// MARK: - BatchNorm1d on [N, C]: one value per channel in each row
//
// The plane loops of `BatchNorm` visit x[i, ch, :] as one contiguous plane; on `[N, C]` input a
// plane is a single value, so they make N·C tiny calls and read each channel with stride C.
// These loops walk the rows instead, channels contiguous (they vectorise across channels), and
// compute the same sums in the same order as the plane loops would: each channel adds its rows
// in order, in Double, so the two paths give the same bits.

extension BatchNorm {
    /// Per-channel batch mean, biased and unbiased variance of row-major `x: [n, c]`, as the plane
    /// path computes them for L = 1 (Chan's combination with every plane's M2 = 0).
    static func rowStatistics(_ x: UnsafePointer<Float>, n: Int, c: Int)
        -> (mean: [Float], variance: [Float], unbiased: [Float]) {
        var sum = [Double](repeating: 0, count: c), m2 = [Double](repeating: 0, count: c)
        sum.withUnsafeMutableBufferPointer { s in
            for i in 0..<n { let row = x + i * c; for ch in 0..<c { s[ch] += Double(row[ch]) } }
            for ch in 0..<c { s[ch] /= Double(n) }
        }
        m2.withUnsafeMutableBufferPointer { q in
            sum.withUnsafeBufferPointer { mu in
                for i in 0..<n {
                    let row = x + i * c
                    for ch in 0..<c { let d = Double(row[ch]) - mu[ch]; q[ch] += d * d }
                }
            }
        }
        return (sum.map { Float($0) }, m2.map { Float($0 / Double(n)) }, m2.map { Float($0 / Double(n - 1)) })
    }

    /// y = γ·(x − mean)·invstd + β row by row, then max(0, y) when `rectified`; `y` may be `x`.
    static func normalizeRows(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, n: Int, c: Int,
                              mean: [Float], invstd: [Float], gamma: [Float], beta: [Float], rectified: Bool) {
        mean.withUnsafeBufferPointer { mu in invstd.withUnsafeBufferPointer { s in
        gamma.withUnsafeBufferPointer { g in beta.withUnsafeBufferPointer { b in
            for i in 0..<n {
                let (xr, yr) = (x + i * c, y + i * c)
                if rectified {
                    for ch in 0..<c { yr[ch] = rectify(g[ch] * ((xr[ch] - mu[ch]) * s[ch]) + b[ch]) }
                } else {
                    for ch in 0..<c { yr[ch] = g[ch] * ((xr[ch] - mu[ch]) * s[ch]) + b[ch] }
                }
            }
        } } } }
    }

    /// Per-channel Σdy and Σdy·x̂ in Double (dy blocked where a fused ReLU's output was ≤ 0), each
    /// term rounded to Float first as the plane path rounds each plane's sum.
    static func rowGradientSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, n: Int, c: Int,
                                mean: [Float], invstd: [Float], gamma: [Float], beta: [Float], rectified: Bool)
        -> (dy: [Double], dyXhat: [Double]) {
        var sumDy = [Double](repeating: 0, count: c), sumDyXhat = [Double](repeating: 0, count: c)
        mean.withUnsafeBufferPointer { mu in invstd.withUnsafeBufferPointer { s in
        gamma.withUnsafeBufferPointer { gm in beta.withUnsafeBufferPointer { b in
        sumDy.withUnsafeMutableBufferPointer { sd in sumDyXhat.withUnsafeMutableBufferPointer { sh in
            for i in 0..<n {
                let (gr, xr) = (g + i * c, x + i * c)
                for ch in 0..<c {
                    let d = rectified ? rectifiedGradient(gr[ch], at: gm[ch] * ((xr[ch] - mu[ch]) * s[ch]) + b[ch]) : gr[ch]
                    sd[ch] += Double(d)
                    sh[ch] += Double(d * (xr[ch] - mu[ch]) * s[ch])
                }
            }
        } } } } } }
        return (sumDy, sumDyXhat)
    }

    /// dx row by row: with batch statistics a·(m·d − Σd − x̂·Σ(d·x̂)) with a = γ·invstd/m, with
    /// running statistics γ·invstd·d (d = dy, blocked where a fused ReLU's output was ≤ 0).
    static func rowInputGradient(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
                                 n: Int, c: Int, mean: [Float], invstd: [Float], gamma: [Float], beta: [Float],
                                 sumDy: [Double], sumDyXhat: [Double], batch: Bool, rectified: Bool) {
        let m = Float(n)
        let k = (0..<c).map { gamma[$0] * invstd[$0] }
        let a = batch ? k.map { $0 / m } : k
        let sd = sumDy.map { Float($0) }, sdh = sumDyXhat.map { Float($0) }
        mean.withUnsafeBufferPointer { mu in invstd.withUnsafeBufferPointer { s in
        gamma.withUnsafeBufferPointer { gm in beta.withUnsafeBufferPointer { b in
        a.withUnsafeBufferPointer { a in sd.withUnsafeBufferPointer { sd in sdh.withUnsafeBufferPointer { sdh in
            for i in 0..<n {
                let (gr, xr, dr) = (g + i * c, x + i * c, dx + i * c)
                for ch in 0..<c {
                    let d = rectified ? rectifiedGradient(gr[ch], at: gm[ch] * ((xr[ch] - mu[ch]) * s[ch]) + b[ch]) : gr[ch]
                    dr[ch] = batch ? a[ch] * (m * d - sd[ch] - (xr[ch] - mu[ch]) * s[ch] * sdh[ch]) : a[ch] * d
                }
            }
        } } } } } } }
    }
}
