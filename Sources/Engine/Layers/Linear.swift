/// A fully connected layer `y = x · Wᵀ + b`, as `torch.nn.Linear`.
public final class Linear: Layer {
    public var isTraining = true
    /// `[outFeatures, inFeatures]`.
    public let weight: Parameter
    /// `[outFeatures]`; `nil` when built with `bias: false`.
    public let bias: Parameter?
    public let inFeatures: Int
    public let outFeatures: Int

    public var localParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    private var input = Tensor(zeros: [0])
    /// Whether `backward` computes dLoss/dx. Off for a network's first trainable layer (the MLPs'
    /// first Linear after Flatten), whose input gradient nobody reads; `backward` then returns
    /// zeros and saves the GEMM (a quarter of an MLP step's).
    public var computesInputGradient = true

    /// Creates a linear layer with PyTorch's parameter names and default initialisation.
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true,
                initialization: Initialization = .pytorchDefault,
                rng: inout SeededGenerator) throws(LayerError) {
        try requirePositive("in_features", inFeatures)
        try requirePositive("out_features", outFeatures)
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        weight = Parameter(initialization.weight(shape: [outFeatures, inFeatures], fanIn: inFeatures, rng: &rng))
        self.bias = bias ? Parameter(initialization.bias(count: outFeatures, fanIn: inFeatures, rng: &rng)) : nil
    }

    // x: [N, in] -> y: [N, out]
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 2 && x.shape[1] == inFeatures, "Linear expects [N, \(inFeatures)], got \(x.shape)")
        input = GradientMode.isEnabled ? x : Tensor(zeros: [0])   // no_grad: keep nothing for dW
        let (n, i, o) = (x.shape[0], inFeatures, outFeatures)
        return Tensor.filled(shape: [n, o]) { y in
            // y[N, O] = b (broadcast), then y += x[N, I] · W[O, I]ᵀ
            if let b = bias?.value.data {
                for r in 0..<n { for c in 0..<o { y[r * o + c] = b[c] } }
            }
            x.data.withUnsafeBufferPointer { xb in
                weight.value.data.withUnsafeBufferPointer { wb in
                    BLAS.sgemm(transB: true, m: n, n: o, k: i, a: xb.baseAddress!, lda: i,
                               b: wb.baseAddress!, ldb: i, beta: bias == nil ? 0 : 1, c: y, ldc: o)
                }
            }
        }
    }

    // dy: [N, out] -> dx: [N, in]; adds into weight.grad and bias.grad (those that require it)
    public func backward(_ dy: Tensor) -> Tensor {
        let (n, i, o) = (input.shape[0], inFeatures, outFeatures)
        precondition(dy.shape == [n, o], "Linear.backward: dy \(dy.shape), expected \([n, o])")
        if let bias, bias.requiresGrad {
            bias.grad.data.withUnsafeMutableBufferPointer { db in
                dy.data.withUnsafeBufferPointer { g in
                    addColumnSums(g.baseAddress!, rows: n, columns: o, into: db.baseAddress!)
                }
            }
        }
        return dy.data.withUnsafeBufferPointer { gb in
            let g = gb.baseAddress!
            // dW[O, I] += dyᵀ[O, N] · x[N, I] (not for a frozen weight)
            if weight.requiresGrad {
                input.data.withUnsafeBufferPointer { xb in
                    weight.grad.data.withUnsafeMutableBufferPointer { dw in
                        BLAS.sgemm(transA: true, m: o, n: i, k: n, a: g, lda: o, b: xb.baseAddress!, ldb: i,
                                   beta: 1, c: dw.baseAddress!, ldc: i)
                    }
                }
            }
            guard computesInputGradient else { return Tensor(zeros: [n, i]) }
            // dx[N, I] = dy[N, O] · W[O, I]
            return Tensor.filled(shape: [n, i]) { dx in
                weight.value.data.withUnsafeBufferPointer { wb in
                    BLAS.sgemm(m: n, n: i, k: o, a: g, lda: o, b: wb.baseAddress!, ldb: i, c: dx, ldc: i)
                }
            }
        }
    }
}
