/// The per-channel affine map y = γ_c · x̂ + β_c on `[N, C, L]` data and its backward, shared by
/// `GroupNorm` and `InstanceNorm2d`.
enum ChannelAffine {
    // xhat: [N, C, L]; gamma, beta: [C]; returns y: [N, C, L]
    static func forward(_ xhat: [Float], gamma: [Float], beta: [Float], n: Int, c: Int, l: Int) -> [Float] {
        var y = xhat
        y.withUnsafeMutableBufferPointer { yp in
            for i in 0..<n {
                for ch in 0..<c {
                    let base = (i * c + ch) * l, g = gamma[ch], b = beta[ch]
                    for j in 0..<l { yp[base + j] = g * yp[base + j] + b }
                }
            }
        }
        return y
    }

    /// Adds Σ dy·x̂ into `weight.grad` and Σ dy into `bias.grad`; returns dL/dx̂ = dy · γ.
    // dy, xhat: [N, C, L]; returns [N, C, L]
    static func backward(_ dy: [Float], xhat: [Float], weight: Parameter, bias: Parameter,
                         n: Int, c: Int, l: Int) -> [Float] {
        var g = dy
        dy.withUnsafeBufferPointer { gp in
            xhat.withUnsafeBufferPointer { hp in
                g.withUnsafeMutableBufferPointer { op in
                    for i in 0..<n {
                        for ch in 0..<c {
                            let base = (i * c + ch) * l
                            var s = 0.0, sh = 0.0
                            for j in 0..<l {
                                s += Double(gp[base + j])
                                sh += Double(gp[base + j]) * Double(hp[base + j])
                            }
                            if weight.requiresGrad { weight.grad.data[ch] += Float(sh) }
                            if bias.requiresGrad { bias.grad.data[ch] += Float(s) }
                            let w = weight.value.data[ch]
                            for j in 0..<l { op[base + j] *= w }
                        }
                    }
                }
            }
        }
        return g
    }
}
