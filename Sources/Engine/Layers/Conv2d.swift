/// A 2-D convolution over `[N, C, H, W]` images, as `torch.nn.Conv2d` with square kernels,
/// zero padding, dilation 1 and groups 1.
///
/// Forward lowers each image to a patch matrix (im2col, `[C·k·k, Ho·Wo]`) and multiplies the
/// weight by it with one SGEMM per image; backward runs two more SGEMMs per image (dW and the
/// patch gradient) and scatters the patch gradient back with col2im. Per-image GEMMs measured
/// as fast as one GEMM over the whole batch and leave room to spread images over threads.
///
/// The patch matrices of the whole batch are kept from forward for dW (N·C·k·k·Ho·Wo floats,
/// 14 MB for 16→32 channels at 14×14, batch 128) in scratch buffers owned by the layer, so
/// steps with unchanged shapes allocate nothing but the output and dx.
public final class Conv2d: Layer {
    public var isTraining = true
    /// Filters, `[outChannels, inChannels, kernelSize, kernelSize]`.
    public let weight: Parameter
    /// One offset per output channel, `[outChannels]`; `nil` when built with `bias: false`.
    public let bias: Parameter?
    public let inChannels: Int
    public let outChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    /// Whether `backward` computes dLoss/dInput. Set it to `false` on a network's first layer,
    /// whose input gradient nobody reads (PyTorch skips it there too); `backward` then returns
    /// zeros and saves a GEMM and a col2im per image.
    public var computesInputGradient = true

    public var localParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    // MARK: - Cache and scratch
    private var inputShape: [Int] = []
    private let columns = ScratchBuffer()       // im2col of the last input
    private let columnGrad = ScratchBuffer()    // dLoss/dcolumns

    /// Creates a convolution with PyTorch's parameter names and default initialisation.
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1,
                padding: Int = 0, bias: Bool = true,
                initialization: Initialization = .pytorchDefault,
                rng: inout SeededGenerator) throws(LayerError) {
        try requirePositive("in_channels", inChannels)
        try requirePositive("out_channels", outChannels)
        try requirePositive("kernel_size", kernelSize)
        try requirePositive("stride", stride)
        guard padding >= 0 else {
            throw .invalidArgument(name: "padding", value: "\(padding)", requirement: "≥ 0")
        }
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernelSize = kernelSize
        self.stride = stride
        self.padding = padding
        let fanIn = inChannels * kernelSize * kernelSize
        weight = Parameter(initialization.weight(
            shape: [outChannels, inChannels, kernelSize, kernelSize], fanIn: fanIn, rng: &rng))
        self.bias = bias ? Parameter(initialization.bias(count: outChannels, fanIn: fanIn, rng: &rng)) : nil
    }

    /// The output height or width for an input extent (floor division, as PyTorch).
    public func outputSize(_ inputSize: Int) -> Int {
        (inputSize + 2 * padding - kernelSize) / stride + 1
    }

    // MARK: - Forward

    // x: [N, C, H, W] -> y: [N, O, Ho, Wo]
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels,
                     "Conv2d expects [N, \(inChannels), H, W], got \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (ho, wo) = (outputSize(h), outputSize(w))
        precondition(ho > 0 && wo > 0, "Conv2d: input \(x.shape) smaller than kernel \(kernelSize)")
        inputShape = x.shape
        let (o, kk, p) = (outChannels, inChannels * kernelSize * kernelSize, ho * wo)
        let cols = columns.reserve(n * kk * p)
        let bias = self.bias?.value.data

        return Tensor.filled(shape: [n, o, ho, wo]) { y in
            x.data.withUnsafeBufferPointer { xb in
            weight.value.data.withUnsafeBufferPointer { wb in
                let x = xb.baseAddress!, wt = wb.baseAddress!
                // cols[i]: [K, P]; y[i] = W[O, K] · cols[i]
                for i in 0..<n {
                    let col = cols + i * kk * p
                    im2col(x + i * inChannels * h * w, h, w, ho, wo, col, rowStride: p)
                    BLAS.sgemm(m: o, n: p, k: kk, a: wt, lda: kk, b: col, ldb: p,
                               c: y + i * o * p, ldc: p)
                }
                if let bias { addBias(bias, to: y, n: n, p: p) }
            }
            }
        }
    }

    private func addBias(_ bias: [Float], to y: UnsafeMutablePointer<Float>, n: Int, p: Int) {
        for i in 0..<n {
            for c in 0..<outChannels {
                let b = bias[c], row = y + (i * outChannels + c) * p
                for j in 0..<p { row[j] += b }
            }
        }
    }

    // MARK: - Backward

    // dy: [N, O, Ho, Wo] -> dx: [N, C, H, W]; adds into weight.grad and bias.grad
    public func backward(_ dy: Tensor) -> Tensor {
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        let (ho, wo) = (outputSize(h), outputSize(w))
        precondition(dy.shape == [n, outChannels, ho, wo], "Conv2d.backward: dy \(dy.shape)")
        let (o, kk, p) = (outChannels, inChannels * kernelSize * kernelSize, ho * wo)
        let cols = columns.pointer

        // db = Σ_{n,p} dy
        if let bias {
            dy.data.withUnsafeBufferPointer { g in
                bias.grad.data.withUnsafeMutableBufferPointer { db in
                    for i in 0..<n {
                        for c in 0..<o {
                            let row = g.baseAddress! + (i * o + c) * p
                            var s: Float = 0
                            for j in 0..<p { s += row[j] }
                            db[c] += s
                        }
                    }
                }
            }
        }

        var dx = Tensor(zeros: inputShape)
        dy.data.withUnsafeBufferPointer { gb in
        weight.value.data.withUnsafeBufferPointer { wb in
        weight.grad.data.withUnsafeMutableBufferPointer { dwb in
        dx.data.withUnsafeMutableBufferPointer { dxb in
            let g = gb.baseAddress!, wt = wb.baseAddress!, dw = dwb.baseAddress!, dx = dxb.baseAddress!
            let dcol = columnGrad.reserve(kk * p)
            for i in 0..<n {
                let gi = g + i * o * p, col = cols + i * kk * p
                // dW[O, K] += dy[i][O, P] · cols[i]ᵀ
                BLAS.sgemm(transB: true, m: o, n: kk, k: p, a: gi, lda: p, b: col, ldb: p,
                           beta: 1, c: dw, ldc: kk)
                // dcols[K, P] = Wᵀ · dy[i], scattered back into dx[i]
                guard computesInputGradient else { continue }
                BLAS.sgemm(transA: true, m: kk, n: p, k: o, a: wt, lda: kk, b: gi, ldb: p,
                           c: dcol, ldc: p)
                col2im(dcol, rowStride: p, h, w, ho, wo, dx + i * inChannels * h * w)
            }
        }
        }
        }
        }
        return dx
    }

    // MARK: - im2col / col2im

    /// The output columns `[lo, hi)` whose input column `ow·stride − padding + kj` is inside `0..<w`.
    @inline(__always)
    private func validRange(_ kj: Int, _ w: Int, _ wo: Int) -> (Int, Int) {
        // ow·s ≥ padding − kj  and  ow·s ≤ w − 1 + padding − kj
        let lo = min(wo, max(0, (padding - kj + stride - 1) / stride))   // wide padding: lo may pass wo
        let hiNum = w - 1 + padding - kj
        let hi = hiNum < 0 ? 0 : min(wo, hiNum / stride + 1)
        return (lo, max(lo, hi))
    }

    /// Writes the patch matrix of one image `[C, H, W]`: row `(c, ki, kj)`, column `(oh, ow)`.
    private func im2col(_ x: UnsafePointer<Float>, _ h: Int, _ w: Int, _ ho: Int, _ wo: Int,
                        _ col: UnsafeMutablePointer<Float>, rowStride: Int) {
        let (k, s) = (kernelSize, stride)
        var row = 0
        for c in 0..<inChannels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let dst = col + row * rowStride
                    let (lo, hi) = validRange(kj, w, wo)
                    for oh in 0..<ho {
                        let d = dst + oh * wo
                        let ih = oh * s - padding + ki
                        if ih < 0 || ih >= h {
                            d.update(repeating: 0, count: wo)
                            continue
                        }
                        let src = x + (c * h + ih) * w - padding + kj
                        for ow in 0..<lo { d[ow] = 0 }
                        if s == 1 {
                            (d + lo).update(from: src + lo, count: hi - lo)
                        } else {
                            for ow in lo..<hi { d[ow] = src[ow * s] }
                        }
                        for ow in hi..<wo { d[ow] = 0 }
                    }
                    row += 1
                }
            }
        }
    }

    /// Adds a patch-matrix gradient back into one image's gradient `[C, H, W]` (im2col's adjoint).
    private func col2im(_ col: UnsafePointer<Float>, rowStride: Int, _ h: Int, _ w: Int,
                        _ ho: Int, _ wo: Int, _ dx: UnsafeMutablePointer<Float>) {
        let (k, s) = (kernelSize, stride)
        var row = 0
        for c in 0..<inChannels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let src = col + row * rowStride
                    let (lo, hi) = validRange(kj, w, wo)
                    for oh in 0..<ho {
                        let ih = oh * s - padding + ki
                        if ih < 0 || ih >= h { continue }
                        let g = src + oh * wo
                        let d = dx + (c * h + ih) * w - padding + kj
                        for ow in lo..<hi { d[ow * s] += g[ow] }
                    }
                    row += 1
                }
            }
        }
    }
}
