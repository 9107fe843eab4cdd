/// Standardisation of each row of a `[rows, length]` buffer, x̂ = (x − μ_row) / √(σ²_row + ε),
/// shared by `LayerNorm`, `GroupNorm` and `InstanceNorm2d` (each adds its own affine map).
enum RowStandardization {
    /// The per-row statistics a forward pass used.
    struct Statistics {
        var mean: [Float]       // [rows]
        var variance: [Float]   // [rows], biased (divides by length)
        var invstd: [Float]     // [rows]
    }

    /// Standardises every row with its own mean and biased variance (computed in Double),
    /// or with the given per-row `fixed` mean and variance (InstanceNorm's running statistics).
    // x: [rows, length]; returns x̂: [rows, length] and the statistics
    static func forward(_ x: [Float], rows: Int, length: Int, eps: Float,
                        fixed: (mean: [Float], variance: [Float])? = nil) -> ([Float], Statistics) {
        precondition(x.count == rows * length)
        var stats = Statistics(mean: [Float](repeating: 0, count: rows),
                               variance: [Float](repeating: 0, count: rows),
                               invstd: [Float](repeating: 0, count: rows))
        var xhat = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in
            xhat.withUnsafeMutableBufferPointer { hp in
                for r in 0..<rows {
                    let base = r * length
                    if let fixed {
                        stats.mean[r] = fixed.mean[r]
                        stats.variance[r] = fixed.variance[r]
                    } else {
                        var s = 0.0
                        for j in 0..<length { s += Double(xp[base + j]) }
                        let mu = s / Double(length)
                        var ss = 0.0
                        for j in 0..<length { let d = Double(xp[base + j]) - mu; ss += d * d }
                        stats.mean[r] = Float(mu)
                        stats.variance[r] = Float(ss / Double(length))
                    }
                    let mu = stats.mean[r]
                    let s = 1 / (stats.variance[r] + eps).squareRoot()
                    stats.invstd[r] = s
                    for j in 0..<length { hp[base + j] = (xp[base + j] - mu) * s }
                }
            }
        }
        return (xhat, stats)
    }

    /// dL/dx from g = dL/dx̂. With batch statistics, per row of length M:
    /// dx = invstd/M · (M·g − Σg − x̂·Σ(g·x̂)); with `fixed` statistics, dx = invstd · g.
    // g, xhat: [rows, length]; invstd: [rows]; returns dx: [rows, length]
    static func backward(_ g: [Float], xhat: [Float], invstd: [Float], rows: Int, length: Int,
                         fixed: Bool = false) -> [Float] {
        var dx = [Float](repeating: 0, count: g.count)
        let m = Float(length)
        g.withUnsafeBufferPointer { gp in
            xhat.withUnsafeBufferPointer { hp in
                dx.withUnsafeMutableBufferPointer { dp in
                    for r in 0..<rows {
                        let base = r * length, s = invstd[r]
                        if fixed {
                            for j in 0..<length { dp[base + j] = s * gp[base + j] }
                            continue
                        }
                        var sg = 0.0, sgh = 0.0
                        for j in 0..<length {
                            sg += Double(gp[base + j])
                            sgh += Double(gp[base + j]) * Double(hp[base + j])
                        }
                        let a = s / m, fsg = Float(sg), fsgh = Float(sgh)
                        for j in 0..<length {
                            dp[base + j] = a * (m * gp[base + j] - fsg - hp[base + j] * fsgh)
                        }
                    }
                }
            }
        }
        return dx
    }
}
