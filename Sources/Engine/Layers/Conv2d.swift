/// A 2-D convolution over `[N, C, H, W]` images, as `torch.nn.Conv2d` with square kernels,
/// zero padding, dilation 1 and groups 1.
///
/// Forward lowers each image to a patch matrix (im2col, `[C·k·k, Ho·Wo]`) and multiplies the
/// weight by it with one SGEMM per image, into an output pre-filled with the bias (so the GEMM
/// adds instead of zeroing first). Backward rebuilds the image's patch matrix (cheaper than
/// keeping the whole batch's: it stays in cache) and runs two more SGEMMs per image, dW and the
/// patch gradient, which col2im scatters back. Images are split over `Threads.count` threads,
/// each with its own patch scratch and, in backward, its own partial dW.
///
/// Memory: the layer keeps its last input (shared storage, not a copy) and one patch matrix and
/// one patch gradient per thread (C·k·k·Ho·Wo floats each, 113 KB for 16→32 channels at 14×14).
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
    private var input = Tensor(zeros: [0])       // the last input, for dW
    private var columns: [ScratchBuffer] = []    // per thread: one image's im2col
    private var columnGrads: [ScratchBuffer] = [] // per thread: dLoss/dcolumns of one image
    private var partialGrads: [ScratchBuffer] = [] // per thread after the first: its share of dW

    /// Per-thread scratch for `chunks` threads, grown before a parallel region.
    private func scratch(_ list: inout [ScratchBuffer], _ chunks: Int) -> [ScratchBuffer] {
        while list.count < chunks { list.append(ScratchBuffer()) }
        return list
    }

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
        input = x
        let (o, kk, p, chw) = (outChannels, inChannels * kernelSize * kernelSize, ho * wo, inChannels * h * w)
        let cols = scratch(&columns, chunkCount(n))
        let bias = self.bias?.value.data

        return Tensor.filled(shape: [n, o, ho, wo]) { y in
            x.data.withUnsafeBufferPointer { xb in
            weight.value.data.withUnsafeBufferPointer { wb in
                let x = xb.baseAddress!, wt = wb.baseAddress!
                parallelChunks(n) { chunk, images in
                    let col = cols[chunk].reserve(kk * p)
                    for i in images {
                        // y[i] = b (broadcast over pixels), then y[i][O, P] += W[O, K] · cols[K, P]
                        let yi = y + i * o * p
                        if let bias { for c in 0..<o { (yi + c * p).update(repeating: bias[c], count: p) } }
                        im2col(x + i * chw, h, w, ho, wo, col)
                        BLAS.sgemm(m: o, n: p, k: kk, a: wt, lda: kk, b: col, ldb: p,
                                   beta: bias == nil ? 0 : 1, c: yi, ldc: p)
                    }
                }
            }
            }
        }
    }

    // MARK: - Backward

    // dy: [N, O, Ho, Wo] -> dx: [N, C, H, W]; adds into weight.grad and bias.grad
    public func backward(_ dy: Tensor) -> Tensor {
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let (ho, wo) = (outputSize(h), outputSize(w))
        precondition(dy.shape == [n, outChannels, ho, wo], "Conv2d.backward: dy \(dy.shape)")
        let (o, kk, p, chw) = (outChannels, inChannels * kernelSize * kernelSize, ho * wo, inChannels * h * w)
        let chunks = chunkCount(n)
        let (cols, dcols, partials) = (scratch(&columns, chunks), scratch(&columnGrads, chunks),
                                       scratch(&partialGrads, chunks))

        // db = Σ_{n,p} dy: per-plane sums, added in image order (the same for any thread count)
        if let bias {
            var planeSums = [Float](repeating: 0, count: n * o)
            dy.data.withUnsafeBufferPointer { g in
                planeSums.withUnsafeMutableBufferPointer { s in
                    let (g, s) = (g.baseAddress!, s.baseAddress!)
                    parallelChunks(n) { _, images in
                        for plane in images.lowerBound * o ..< images.upperBound * o {
                            s[plane] = vectorSum(g + plane * p, p)
                        }
                    }
                }
            }
            bias.grad.data.withUnsafeMutableBufferPointer { db in
                for i in 0..<n { for c in 0..<o { db[c] += planeSums[i * o + c] } }
            }
        }

        let computesInputGradient = self.computesInputGradient
        let body = { (dx: UnsafeMutablePointer<Float>?) in
            dy.data.withUnsafeBufferPointer { gb in
            self.input.data.withUnsafeBufferPointer { xb in
            self.weight.value.data.withUnsafeBufferPointer { wb in
            self.weight.grad.data.withUnsafeMutableBufferPointer { dwb in
                let (g, x, wt) = (gb.baseAddress!, xb.baseAddress!, wb.baseAddress!)
                parallelChunks(n) { chunk, images in
                    // the first chunk adds into weight.grad, the others into zeroed partials
                    let dw = chunk == 0 ? dwb.baseAddress! : partials[chunk].reserve(o * kk)
                    if chunk > 0 { dw.update(repeating: 0, count: o * kk) }
                    let col = cols[chunk].reserve(kk * p), dcol = dcols[chunk].reserve(kk * p)
                    for i in images {
                        let gi = g + i * o * p
                        // dW[O, K] += dy[i][O, P] · cols[i]ᵀ
                        self.im2col(x + i * chw, h, w, ho, wo, col)
                        BLAS.sgemm(transB: true, m: o, n: kk, k: p, a: gi, lda: p, b: col, ldb: p,
                                   beta: 1, c: dw, ldc: kk)
                        // dcols[K, P] = Wᵀ · dy[i], scattered back into dx[i]
                        guard let dx else { continue }
                        BLAS.sgemm(transA: true, m: kk, n: p, k: o, a: wt, lda: kk, b: gi, ldb: p,
                                   c: dcol, ldc: p)
                        let dxi = dx + i * chw
                        dxi.update(repeating: 0, count: chw)
                        self.col2im(dcol, h, w, ho, wo, dxi)
                    }
                }
                // the other threads' shares of dW, in chunk order
                for chunk in 1..<chunks {
                    let part = partials[chunk].pointer
                    for j in 0..<(o * kk) { dwb[j] += part[j] }
                }
            }
            }
            }
            }
        }
        guard computesInputGradient else {
            body(nil)
            return Tensor(zeros: input.shape)
        }
        return Tensor.filled(shape: input.shape) { dx in body(dx) }
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
    func im2col(_ x: UnsafePointer<Float>, _ h: Int, _ w: Int, _ ho: Int, _ wo: Int,
                        _ col: UnsafeMutablePointer<Float>) {
        let (k, s) = (kernelSize, stride)
        var row = 0
        for c in 0..<inChannels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let dst = col + row * ho * wo
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
    func col2im(_ col: UnsafePointer<Float>, _ h: Int, _ w: Int,
                        _ ho: Int, _ wo: Int, _ dx: UnsafeMutablePointer<Float>) {
        let (k, s) = (kernelSize, stride)
        var row = 0
        for c in 0..<inChannels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let src = col + row * ho * wo
                    let (lo, hi) = validRange(kj, w, wo)
                    for oh in 0..<ho {
                        let ih = oh * s - padding + ki
                        if ih < 0 || ih >= h { continue }
                        let g = src + oh * wo
                        let d = dx + (c * h + ih) * w - padding + kj
                        if s == 1 {
                            for ow in lo..<hi { d[ow] += g[ow] }   // contiguous: vectorizes
                        } else {
                            for ow in lo..<hi { d[ow * s] += g[ow] }
                        }
                    }
                    row += 1
                }
            }
        }
    }
}
