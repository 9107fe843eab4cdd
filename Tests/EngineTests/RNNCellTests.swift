import Testing
@testable import Engine

@Suite struct RNNCellTests {
    /// Runs the cell over `x: [T, N, I]` from `h0` and returns every h_t stacked as `[T, N, H]`.
    private func unroll(_ cell: RNNCell, _ x: Tensor, _ h0: Tensor) -> Tensor {
        let (t, n, i) = (x.shape[0], x.shape[1], x.shape[2])
        var h = h0, hs: [Float] = []
        for s in 0..<t {
            h = cell.forward(Tensor(shape: [n, i], data: Array(x.data[s * n * i..<(s + 1) * n * i])), h)
            hs += h.data
        }
        return Tensor(shape: [t, n, cell.hiddenSize], data: hs)
    }

    /// BPTT for L = Σ_t h_t · r_t: returns dL/dx `[T, N, I]` and dL/dh0; parameter grads accumulate.
    private func backprop(_ cell: RNNCell, _ r: Tensor, inputSize i: Int) -> (dx: Tensor, dh0: Tensor) {
        let (t, n, hs) = (r.shape[0], r.shape[1], r.shape[2])
        var dh = Tensor(zeros: [n, hs])
        var dx = Tensor(zeros: [t, n, i])
        for s in (0..<t).reversed() {
            var g = Tensor(shape: [n, hs], data: Array(r.data[s * n * hs..<(s + 1) * n * hs]))
            g.add(dh)
            let (dxs, dhPrev) = cell.backward(g)
            dx.data.replaceSubrange(s * n * i..<(s + 1) * n * i, with: dxs.data)
            dh = dhPrev
        }
        return (dx, dh)
    }

    @Test func initialisationAndNames() {
        var rng = SeededGenerator(seed: 21)
        let cell = RNNCell(inputSize: 3, hiddenSize: 16, rng: &rng)
        #expect(cell.namedParameters().map(\.0) == ["weight_ih", "weight_hh", "bias_ih", "bias_hh"])
        #expect(cell.weightIH.value.shape == [16, 3] && cell.weightHH.value.shape == [16, 16])
        let bound: Float = 0.25
        for (_, p) in cell.namedParameters() {
            #expect(p.value.data.allSatisfy { abs($0) <= bound })
        }
        #expect(cell.weightHH.value.data.contains { abs($0) > 0.2 })   // not squeezed into a narrower range
        #expect(RNNCell(inputSize: 3, hiddenSize: 4, bias: false, rng: &rng).namedParameters().count == 2)
    }

    @Test(arguments: [true, false])
    func backpropagationThroughTimeMatchesFiniteDifferences(bias: Bool) {
        var rng = SeededGenerator(seed: 22)
        let (t, n, i, hs) = (4, 2, 3, 5)
        let cell = RNNCell(inputSize: i, hiddenSize: hs, bias: bias, rng: &rng)
        var x = randomTensor([t, n, i], &rng)
        var h0 = randomTensor([n, hs], &rng, scale: 0.5)
        let r = randomTensor([t, n, hs], &rng)

        func loss() -> Double {
            let hs = unroll(cell, x, h0)
            cell.clearHistory()
            return zip(hs.data, r.data).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }

        _ = unroll(cell, x, h0)
        let (dx, dh0) = backprop(cell, r, inputSize: i)
        #expect(cell.pendingSteps == 0)

        let h: Float = 1e-2
        func numeric(_ bump: (Float) -> Void) -> Double {
            bump(h); let lp = loss()
            bump(-2 * h); let lm = loss()
            bump(h)
            return (lp - lm) / Double(2 * h)
        }
        func check(_ analytic: Float, _ num: Double, _ what: String) {
            #expect(abs(Double(analytic) - num) <= 2e-3 + 2e-2 * abs(num), "\(what): \(analytic) vs \(num)")
        }
        for k in 0..<x.count { check(dx.data[k], numeric { x.data[k] += $0 }, "x[\(k)]") }
        for k in 0..<h0.count { check(dh0.data[k], numeric { h0.data[k] += $0 }, "h0[\(k)]") }
        for (name, p) in cell.namedParameters() {
            for k in 0..<p.value.count {
                check(p.grad.data[k], numeric { p.value.data[k] += $0 }, "\(name)[\(k)]")
            }
        }
    }

    @Test func matchesPyTorch() throws {
        let f = try fixture("rnncell")
        var rng = SeededGenerator(seed: 0)
        let cell = RNNCell(inputSize: 4, hiddenSize: 6, rng: &rng)
        for (name, p) in cell.namedParameters() { p.value = try f.tensor(name) }

        let hs = unroll(cell, try f.tensor("x"), try f.tensor("h0"))
        expectClose(hs, try f.tensor("h"), "h_1..h_T")
        let (dx, dh0) = backprop(cell, try f.tensor("r"), inputSize: 4)
        expectClose(dx, try f.tensor("grad.x"), "grad x")
        expectClose(dh0, try f.tensor("grad.h0"), "grad h0")
        for (name, p) in cell.namedParameters() {
            expectClose(p.grad, try f.tensor("grad.\(name)"), atol: 2e-5, "grad \(name)")
        }
    }

    @Test func evaluationModeCachesNothingAndNilStateIsZero() {
        var rng = SeededGenerator(seed: 23)
        let cell = RNNCell(inputSize: 2, hiddenSize: 3, rng: &rng)
        let x = randomTensor([2, 2], &rng)
        let a = cell.forward(x)
        let b = cell.forward(x, Tensor(zeros: [2, 3]))
        #expect(a == b)
        #expect(cell.pendingSteps == 2)
        cell.clearHistory()
        cell.eval()
        _ = cell.forward(x)
        #expect(cell.pendingSteps == 0)
    }
}
