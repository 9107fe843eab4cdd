/// An Elman RNN cell with tanh, as `torch.nn.RNNCell`:
/// h' = tanh(x · W_ihᵀ + b_ih + h · W_hhᵀ + b_hh).
///
/// Backpropagation through time is driven by the caller's loop: every `forward(x, h)` pushes its
/// cache on a stack, and every `backward(dhNext)` pops the latest one, so call `backward` once per
/// step in reverse order. Not a `Layer` (it takes two inputs), but a `Module` for parameter names.
public final class RNNCell: Module {
    public var isTraining = true
    public let inputSize: Int
    public let hiddenSize: Int
    /// `[H, I]`.
    public let weightIH: Parameter
    /// `[H, H]`.
    public let weightHH: Parameter
    /// `[H]` each; `nil` when `bias` is false.
    public let biasIH: Parameter?
    public let biasHH: Parameter?

    /// One step's cache: the inputs and the new hidden state (tanh' = 1 − h'²).
    private struct Step { var x: Tensor; var h: Tensor; var hNew: Tensor }
    private var stack: [Step] = []

    /// The number of forward steps whose caches await `backward`.
    public var pendingSteps: Int { stack.count }

    /// Creates the cell with every parameter drawn from U(−1/√H, 1/√H), as PyTorch.
    public init(inputSize: Int, hiddenSize: Int, bias: Bool = true, rng: inout SeededGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0, "RNNCell: sizes must be positive")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let k = 1 / Float(hiddenSize).squareRoot()
        func uniform(_ shape: [Int]) -> Parameter {
            Parameter(Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.uniform(-k, k) }))
        }
        weightIH = uniform([hiddenSize, inputSize])
        weightHH = uniform([hiddenSize, hiddenSize])
        biasIH = bias ? uniform([hiddenSize]) : nil
        biasHH = bias ? uniform([hiddenSize]) : nil
    }

    public var localParameters: [(String, Parameter)] {
        var out = [("weight_ih", weightIH), ("weight_hh", weightHH)]
        if let biasIH, let biasHH { out += [("bias_ih", biasIH), ("bias_hh", biasHH)] }
        return out
    }

    /// Drops every cached step (after an aborted sequence, or before an evaluation run).
    public func clearHistory() { stack.removeAll() }

    // MARK: - Forward

    /// One time step; `h == nil` means a zero initial state. In training mode caches the step
    /// (unless gradient recording is off).
    // x: [N, I]; h: [N, H]; returns h': [N, H]
    public func forward(_ x: Tensor, _ h: Tensor? = nil) -> Tensor {
        precondition(x.rank == 2 && x.shape[0] > 0 && x.shape[1] == inputSize, "RNNCell: x \(x.shape), inputSize \(inputSize)")
        let n = x.shape[0], hs = hiddenSize, i = inputSize
        let h = h ?? Tensor(zeros: [n, hs])
        precondition(h.shape == [n, hs], "RNNCell: h \(h.shape), expected \([n, hs])")

        // z = b_ih + b_hh (broadcast over rows), then z += x·W_ihᵀ + h·W_hhᵀ, h' = tanh(z)
        var z = Tensor(zeros: [n, hs])
        z.data.withUnsafeMutableBufferPointer { zp in
            if let biasIH, let biasHH {
                biasIH.value.data.withUnsafeBufferPointer { bi in
                    biasHH.value.data.withUnsafeBufferPointer { bh in
                        for j in 0..<hs { zp[j] = bi[j] + bh[j] }
                    }
                }
                for r in 1..<n { (zp.baseAddress! + r * hs).update(from: zp.baseAddress!, count: hs) }
            }
            x.data.withUnsafeBufferPointer { xp in
                weightIH.value.data.withUnsafeBufferPointer { w in
                    BLAS.sgemmSplittingRows(transB: true, m: n, n: hs, k: i, a: xp.baseAddress!, lda: i,
                                            b: w.baseAddress!, ldb: i, beta: 1, c: zp.baseAddress!, ldc: hs)
                }
            }
            h.data.withUnsafeBufferPointer { hp in
                weightHH.value.data.withUnsafeBufferPointer { w in
                    BLAS.sgemmSplittingRows(transB: true, m: n, n: hs, k: hs, a: hp.baseAddress!, lda: hs,
                                            b: w.baseAddress!, ldb: hs, beta: 1, c: zp.baseAddress!, ldc: hs)
                }
            }
            vectorTanh(zp.baseAddress!, zp.baseAddress!, zp.count)
        }
        if isTraining && GradientMode.isEnabled { stack.append(Step(x: x, h: h, hNew: z)) }
        return z
    }

    // MARK: - Backward

    /// Pops the latest step, adds its parameter gradients, and returns dL/dx (nil when
    /// `inputGradient` is false: a first layer's input needs none) and dL/dh for it. `dhNext` is
    /// the total gradient reaching h' (from the loss at this step and from step t+1).
    // dhNext: [N, H]; returns dx: [N, I], dhPrev: [N, H]
    public func backward(_ dhNext: Tensor, inputGradient: Bool) -> (dx: Tensor?, dhPrev: Tensor) {
        precondition(!stack.isEmpty, "RNNCell.backward without a cached forward step")
        let step = stack.removeLast()
        let n = step.x.shape[0], hs = hiddenSize, i = inputSize
        precondition(dhNext.shape == [n, hs], "RNNCell.backward: dh \(dhNext.shape), expected \([n, hs])")

        // dz = dh' ⊙ (1 − h'²); db_ih = db_hh = Σ_rows dz
        var dz = dhNext
        dz.data.withUnsafeMutableBufferPointer { g in
            step.hNew.data.withUnsafeBufferPointer { y in
                for k in 0..<g.count { g[k] *= 1 - y[k] * y[k] }
            }
            for bias in [biasIH, biasHH].compactMap({ $0 }) {
                bias.grad.data.withUnsafeMutableBufferPointer { db in
                    addColumnSums(g.baseAddress!, rows: n, columns: hs, into: db.baseAddress!)
                }
            }
        }

        var dx: Tensor? = inputGradient ? Tensor(zeros: [n, i]) : nil
        var dh = Tensor(zeros: [n, hs])
        dz.data.withUnsafeBufferPointer { g in
            let g = g.baseAddress!
            // dW_ih += dzᵀ · x,  dW_hh += dzᵀ · h
            step.x.data.withUnsafeBufferPointer { xp in
                weightIH.grad.data.withUnsafeMutableBufferPointer { dw in
                    BLAS.sgemm(transA: true, m: hs, n: i, k: n, a: g, lda: hs,
                               b: xp.baseAddress!, ldb: i, beta: 1, c: dw.baseAddress!, ldc: i)
                }
            }
            step.h.data.withUnsafeBufferPointer { hp in
                weightHH.grad.data.withUnsafeMutableBufferPointer { dw in
                    BLAS.sgemm(transA: true, m: hs, n: hs, k: n, a: g, lda: hs,
                               b: hp.baseAddress!, ldb: hs, beta: 1, c: dw.baseAddress!, ldc: hs)
                }
            }
            // dx = dz · W_ih,  dh = dz · W_hh
            if dx != nil {
                weightIH.value.data.withUnsafeBufferPointer { w in
                    dx!.data.withUnsafeMutableBufferPointer { d in
                        BLAS.sgemmSplittingRows(m: n, n: i, k: hs, a: g, lda: hs, b: w.baseAddress!, ldb: i,
                                                c: d.baseAddress!, ldc: i)
                    }
                }
            }
            weightHH.value.data.withUnsafeBufferPointer { w in
                dh.data.withUnsafeMutableBufferPointer { d in
                    BLAS.sgemmSplittingRows(m: n, n: hs, k: hs, a: g, lda: hs, b: w.baseAddress!, ldb: hs,
                                            c: d.baseAddress!, ldc: hs)
                }
            }
        }
        return (dx, dh)
    }

    /// `backward(_:inputGradient:)` with dL/dx.
    // dhNext: [N, H]; returns dx: [N, I], dhPrev: [N, H]
    public func backward(_ dhNext: Tensor) -> (dx: Tensor, dhPrev: Tensor) {
        let (dx, dh) = backward(dhNext, inputGradient: true)
        return (dx!, dh)
    }
}
