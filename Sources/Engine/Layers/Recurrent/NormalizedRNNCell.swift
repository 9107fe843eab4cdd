/// A tanh RNN step that normalises its input-to-hidden and hidden-to-hidden terms separately:
/// h' = tanh(N_hh(h · W_hhᵀ) + N_ih(x · W_ihᵀ) + b).
///
/// With `RecurrentBatchNorm1d` per time step (γ = 0.1, no β) this is Cooijmans et al.'s recurrent
/// BN (2016, arXiv:1603.09025, eq. 6, for a tanh RNN instead of an LSTM); with
/// `RecurrentLayerNorm` it is Ba et al.'s layer-normalised RNN (2016, arXiv:1607.06450, §3.1, with
/// the two terms normalised apart as in their LSTM). W_ih and W_hh are drawn as `RNNCell` draws
/// them (U(−1/√H, 1/√H), in that order), so the same seed gives the plain cell's weights; b
/// starts at zero.
public final class NormalizedRNNCell: Module, RecurrentCell {
    public var isTraining = true
    public let inputSize: Int
    public let hiddenSize: Int
    /// `[H, I]`.
    public let weightIH: Parameter
    /// `[H, H]`.
    public let weightHH: Parameter
    /// `[H]`, zeros.
    public let bias: Parameter
    /// The normalisations of the two terms and their child names (`bn_ih`, `bn_hh` or `ln_ih`, `ln_hh`).
    public let normIH: any StepNormalization
    public let normHH: any StepNormalization
    private let normNames: (ih: String, hh: String)

    /// One step's cache: the inputs and the new hidden state (tanh' = 1 − h'²).
    private struct Step { var x: Tensor; var h: Tensor; var hNew: [Float] }
    private var stack: [Step] = []

    /// The number of forward steps whose caches await `backward`.
    public var pendingSteps: Int { stack.count }

    public init(inputSize: Int, hiddenSize: Int, normIH: any StepNormalization, normHH: any StepNormalization,
                names: (ih: String, hh: String), rng: inout SeededGenerator) {
        precondition(inputSize > 0 && hiddenSize > 0, "NormalizedRNNCell: sizes must be positive")
        self.inputSize = inputSize
        self.hiddenSize = hiddenSize
        let k = 1 / Float(hiddenSize).squareRoot()
        func uniform(_ shape: [Int]) -> Parameter {
            Parameter(Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in rng.uniform(-k, k) }))
        }
        weightIH = uniform([hiddenSize, inputSize])
        weightHH = uniform([hiddenSize, hiddenSize])
        bias = Parameter(Tensor(zeros: [hiddenSize]))
        self.normIH = normIH
        self.normHH = normHH
        normNames = names
    }

    /// Cooijmans et al.'s cell: BN per time step on both terms, γ = `gamma`, no β.
    public static func batchNormalized(inputSize: Int, hiddenSize: Int, timeSteps: Int, gamma: Float = 0.1,
                                       rng: inout SeededGenerator) -> NormalizedRNNCell {
        NormalizedRNNCell(inputSize: inputSize, hiddenSize: hiddenSize,
                          normIH: RecurrentBatchNorm1d(numFeatures: hiddenSize, timeSteps: timeSteps, gamma: gamma),
                          normHH: RecurrentBatchNorm1d(numFeatures: hiddenSize, timeSteps: timeSteps, gamma: gamma),
                          names: ("bn_ih", "bn_hh"), rng: &rng)
    }

    /// Ba et al.'s cell: LayerNorm (γ = 1, β = 0) on both terms.
    public static func layerNormalized(inputSize: Int, hiddenSize: Int, rng: inout SeededGenerator) -> NormalizedRNNCell {
        NormalizedRNNCell(inputSize: inputSize, hiddenSize: hiddenSize,
                          normIH: RecurrentLayerNorm(numFeatures: hiddenSize), normHH: RecurrentLayerNorm(numFeatures: hiddenSize),
                          names: ("ln_ih", "ln_hh"), rng: &rng)
    }

    public var localParameters: [(String, Parameter)] { [("weight_ih", weightIH), ("weight_hh", weightHH), ("bias", bias)] }
    public var children: [(String, any Module)] { [(normNames.ih, normIH), (normNames.hh, normHH)] }

    public func clearHistory() {
        stack.removeAll()
        normIH.clearHistory()
        normHH.clearHistory()
    }

    /// a = x · Wᵀ for a row-major `[N, K]` x and `[H, K]` W.
    private func project(_ x: Tensor, _ w: Parameter) -> Tensor {
        let (n, k, hs) = (x.shape[0], x.shape[1], hiddenSize)
        return Tensor.filled(shape: [n, hs]) { a in
            x.data.withUnsafeBufferPointer { xp in
                w.value.data.withUnsafeBufferPointer { wp in
                    BLAS.sgemmSplittingRows(transB: true, m: n, n: hs, k: k, a: xp.baseAddress!, lda: k,
                                            b: wp.baseAddress!, ldb: k, c: a, ldc: hs)
                }
            }
        }
    }

    // MARK: - Forward

    // x: [N, I]; h: [N, H]; returns h': [N, H]
    public func forward(_ x: Tensor, _ h: Tensor?, step t: Int) -> Tensor {
        precondition(x.rank == 2 && x.shape[0] > 0 && x.shape[1] == inputSize, "NormalizedRNNCell: x \(x.shape), inputSize \(inputSize)")
        let (n, hs) = (x.shape[0], hiddenSize)
        let h = h ?? Tensor(zeros: [n, hs])
        precondition(h.shape == [n, hs], "NormalizedRNNCell: h \(h.shape), expected \([n, hs])")
        // z = N_hh(h·W_hhᵀ) + N_ih(x·W_ihᵀ) + b, h' = tanh(z)
        var z = normHH.forward(project(h, weightHH), step: t)
        let zi = normIH.forward(project(x, weightIH), step: t)
        let b = bias.value.data
        z.data.withUnsafeMutableBufferPointer { zp in
            zi.data.withUnsafeBufferPointer { ip in
                for r in 0..<n {
                    for j in 0..<hs { let k = r * hs + j; zp[k] = zp[k] + ip[k] + b[j] }
                }
            }
            vectorTanh(zp.baseAddress!, zp.baseAddress!, zp.count)
        }
        if isTraining && GradientMode.isEnabled { stack.append(Step(x: x, h: h, hNew: z.data)) }
        return z
    }

    // MARK: - Backward

    // dhNext: [N, H]; returns dx: [N, I], dhPrev: [N, H]
    public func backward(_ dhNext: Tensor, inputGradient: Bool) -> (dx: Tensor?, dhPrev: Tensor) {
        precondition(!stack.isEmpty, "NormalizedRNNCell.backward without a cached forward step")
        let step = stack.removeLast()
        let (n, hs, i) = (step.x.shape[0], hiddenSize, inputSize)
        precondition(dhNext.shape == [n, hs], "NormalizedRNNCell.backward: dh \(dhNext.shape), expected \([n, hs])")
        // dz = dh' ⊙ (1 − h'²); db = Σ_rows dz; the terms' gradients through their normalisations
        var dz = dhNext
        dz.data.withUnsafeMutableBufferPointer { g in
            step.hNew.withUnsafeBufferPointer { y in
                for k in 0..<g.count { g[k] *= 1 - y[k] * y[k] }
            }
            bias.grad.data.withUnsafeMutableBufferPointer { db in
                addColumnSums(g.baseAddress!, rows: n, columns: hs, into: db.baseAddress!)
            }
        }
        // the normalisations pop in the reverse of the order forward pushed them
        let da = normIH.backward(dz)
        let dc = normHH.backward(dz)
        var dx: Tensor? = nil, dh = Tensor(zeros: [n, hs])
        // dW_ih += daᵀ·x, dx = da·W_ih; dW_hh += dcᵀ·h, dh = dc·W_hh
        for (g, input, w, width, out) in [(da, step.x, weightIH, i, 0), (dc, step.h, weightHH, hs, 1)] {
            let wanted = out == 1 || inputGradient
            var d = Tensor(zeros: wanted ? [n, width] : [0])
            g.data.withUnsafeBufferPointer { gp in
                input.data.withUnsafeBufferPointer { xp in
                    w.grad.data.withUnsafeMutableBufferPointer { dw in
                        BLAS.sgemm(transA: true, m: hs, n: width, k: n, a: gp.baseAddress!, lda: hs,
                                   b: xp.baseAddress!, ldb: width, beta: 1, c: dw.baseAddress!, ldc: width)
                    }
                }
                guard wanted else { return }
                w.value.data.withUnsafeBufferPointer { wp in
                    d.data.withUnsafeMutableBufferPointer { dp in
                        BLAS.sgemmSplittingRows(m: n, n: width, k: hs, a: gp.baseAddress!, lda: hs, b: wp.baseAddress!,
                                                ldb: width, c: dp.baseAddress!, ldc: width)
                    }
                }
            }
            if out == 1 { dh = d } else if wanted { dx = d }
        }
        return (dx, dh)
    }
}
