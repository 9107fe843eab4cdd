import Testing
@testable import Engine

/// Finite-difference gradient check shared by every layer's tests.
///
/// The loss is `L = Σ r ⊙ layer(x)` for a fixed random `r`, so `dL/dy = r`. Analytic gradients
/// from `backward` are compared with central differences `(L(x+h) − L(x−h)) / 2h`, the loss
/// summed in Double. A gradient passes when `|analytic − numeric| ≤ atol + rtol · max(|a|, |n|)`.
/// `reset` runs before every forward pass so stochastic layers (dropout) can replay their mask.
struct GradientCheck {
    var h: Float = 1e-2
    var atol: Double = 2e-3
    var rtol: Double = 2e-2
    /// At most this many coordinates per tensor are probed (chosen with the generator).
    var maxProbes = 40

    /// Checks dL/dx and dL/dθ for every parameter of `layer`; records an issue per mismatch.
    func check(_ layer: some Layer, input x: Tensor, rng: inout SeededGenerator,
               reset: () -> Void = {}, sourceLocation: SourceLocation = #_sourceLocation) {
        reset()
        let y = layer.forward(x)
        let r = Tensor(shape: y.shape, data: (0..<y.count).map { _ in rng.normal() })
        for (_, p) in layer.namedParameters() { p.grad.zero() }
        let dx = layer.backward(r)
        #expect(dx.shape == x.shape, "dx shape", sourceLocation: sourceLocation)

        func loss(_ input: Tensor) -> Double {
            reset()
            let out = layer.forward(input)
            var s = 0.0
            for i in 0..<out.count { s += Double(out.data[i]) * Double(r.data[i]) }
            return s
        }

        // MARK: input gradient
        var xp = x
        for i in probes(x.count, &rng) {
            let saved = xp.data[i]
            xp.data[i] = saved + h; let lp = loss(xp)
            xp.data[i] = saved - h; let lm = loss(xp)
            xp.data[i] = saved
            compare(Double(dx.data[i]), (lp - lm) / Double(2 * h), "input[\(i)]", sourceLocation)
        }

        // MARK: parameter gradients
        for (name, p) in layer.namedParameters() {
            let analytic = p.grad
            for i in probes(p.value.count, &rng) {
                let saved = p.value.data[i]
                p.value.data[i] = saved + h; let lp = loss(x)
                p.value.data[i] = saved - h; let lm = loss(x)
                p.value.data[i] = saved
                compare(Double(analytic.data[i]), (lp - lm) / Double(2 * h), "\(name)[\(i)]", sourceLocation)
            }
        }
    }

    private func probes(_ n: Int, _ rng: inout SeededGenerator) -> [Int] {
        if n <= maxProbes { return Array(0..<n) }
        return (0..<maxProbes).map { _ in Int(rng.next() % UInt64(n)) }
    }

    private func compare(_ a: Double, _ n: Double, _ what: String, _ loc: SourceLocation) {
        let ok = abs(a - n) <= atol + rtol * max(abs(a), abs(n))
        #expect(ok, "gradient of \(what): analytic \(a) vs numeric \(n)", sourceLocation: loc)
    }
}

/// A tensor of standard normal samples.
func randomTensor(_ shape: [Int], _ rng: inout SeededGenerator, scale: Float = 1) -> Tensor {
    Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in scale * rng.normal() })
}
