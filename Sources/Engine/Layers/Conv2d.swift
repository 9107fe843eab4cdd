/// A 2-D convolution over `[N, C, H, W]` images, as `torch.nn.Conv2d` with square kernels,
/// zero padding, dilation 1 and groups 1.
///
/// Forward lowers a group of G images to one patch matrix (im2col, `[C·k·k, G·P]`, image g in
/// columns `g·P ..< (g+1)·P`) and multiplies the weight by it with one SGEMM; G is chosen so the
/// GEMM is about `groupColumns` wide (per-image GEMMs this small run far below OpenBLAS's peak).
/// Backward rebuilds the group's patch matrix (cheaper than keeping the whole batch's: it stays
/// in cache), gathers dy into the same column layout, and runs two SGEMMs per group, dW and the
/// patch gradient, which col2im scatters back. Groups of images are split over `Threads.count`
/// threads, each with its own scratch and, in backward, its own partial dW (added in thread order).
///
/// Stride 1 (every model here) takes a shortcut: each channel plane is copied into a zero-padded
/// layout whose rows share one gap (`Geometry`), and outputs are computed on that row length,
/// `P = Ho·(W + gap)`, with the gap columns thrown away. Each patch row is then one contiguous
/// slice of the padded plane, copied in one go, instead of Ho short rows with edge cases; the GEMM
/// does (W + 1)/W more work for 3×3 kernels with padding 1 (1.07× at 14×14, 1.14× at 7×7).
///
/// Memory: the layer keeps its last input (shared storage, not a copy) and, per thread, a patch
/// matrix, its gradient, an output block and a padded image (K·G·P, K·G·P, O·G·P and C planes).
public final class Conv2d: Layer, ReLUFusable {
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
    /// zeros and saves a GEMM and a col2im per group.
    public var computesInputGradient = true
    /// The GEMM width (G·P columns) a group of images aims for.
    static let groupColumns = 1536

    /// How a convolution is computed.
    public enum Algorithm: Sendable {
        /// Winograd F(4×4, 3×3) where it applies (3×3, stride 1, padding 1, channel counts that
        /// are multiples of 8), im2col + GEMM elsewhere.
        case automatic
        /// Always im2col + GEMM: the direct sum, as PyTorch's reference path computes it.
        case im2col
    }
    /// How this layer computes; `.automatic` unless a test or benchmark compares the two.
    public var algorithm = Algorithm.automatic
    /// Whether forward and backward take the Winograd path (see `WinogradConvolution`).
    public var usesWinograd: Bool {
        algorithm == .automatic && WinogradConvolution.applies(
            inChannels: inChannels, outChannels: outChannels, kernelSize: kernelSize, stride: stride, padding: padding)
    }
    private lazy var winograd = WinogradConvolution(inChannels: inChannels, outChannels: outChannels)

    public var localParameters: [(String, Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    // MARK: - Cache and scratch
    private var input = Tensor(zeros: [0])          // the last input, for dW
    private var rectified = false                   // whether the last forward applied a ReLU (fused)
    private var output = Tensor(zeros: [0])         // then its output, whose sign masks dy
    private var columns: [ScratchBuffer] = []       // per thread: a group's im2col [K, G·P]
    private var columnGrads: [ScratchBuffer] = []   // per thread: dLoss/dcolumns [K, G·P]
    private var blocks: [ScratchBuffer] = []        // per thread: y or dy of a group [O, G·P]
    private var paddedImages: [ScratchBuffer] = []  // per thread: one padded image or its gradient
    private var partialGrads: [ScratchBuffer] = []  // per thread after the first: its share of dW

    /// Where an image's outputs sit among the patch matrix's columns.
    ///
    /// On the stride-1 path each channel plane is laid out with rows `rowLength = W + gap` apart, the
    /// `gap` zeros serving as the right padding of one row and the left padding of the next, with
    /// zero rows above and below. An output row is then computed on all `rowLength` columns.
    private struct Geometry {
        let h, w, ho, wo: Int
        /// Columns per output row: Wo, or W + gap on the stride-1 path.
        let rowLength: Int
        /// Floats per padded channel plane, and the offset of pixel (0, 0) inside one (stride 1).
        let planeStride, origin: Int
        /// Columns per image.
        var p: Int { ho * rowLength }
    }

    private func geometry(_ h: Int, _ w: Int) -> Geometry {
        let (ho, wo, k, pad) = (outputSize(h), outputSize(w), kernelSize, padding)
        guard stride == 1 else { return Geometry(h: h, w: w, ho: ho, wo: wo, rowLength: wo, planeStride: 0, origin: 0) }
        // reads reach `pad` columns left and k − 1 − pad right of a row; outputs need Wo ≤ rowLength
        let rowLength = w + max(pad, k - 1 - pad, 2 * pad - k + 1)
        return Geometry(h: h, w: w, ho: ho, wo: wo, rowLength: rowLength,
                        planeStride: (h + 2 * pad) * rowLength + k, origin: pad * rowLength + pad)
    }

    /// Images per GEMM for `p` columns per image.
    private func groupSize(_ p: Int) -> Int { max(1, (Self.groupColumns + p / 2) / p) }

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
    public func forward(_ x: Tensor) -> Tensor { forward(x, rectified: false) }

    /// `forward`, followed by `max(0, ·)` as each output is written when `rectified`: a convolution
    /// and the ReLU after it in one pass (`Sequential` fuses the pair), bit-identical to the two
    /// layers; `backward` then takes the gradient with respect to the rectified output.
    func forward(_ x: Tensor, rectified: Bool) -> Tensor {
        let y = convolve(x, rectified: rectified)
        self.rectified = rectified
        output = rectified && GradientMode.isEnabled ? y : Tensor(zeros: [0])
        return y
    }

    func forward(consuming x: consuming Tensor, rectified: Bool) -> Tensor { forward(x, rectified: rectified) }

    private func convolve(_ x: Tensor, rectified: Bool) -> Tensor {
        precondition(x.rank == 4 && x.shape[1] == inChannels,
                     "Conv2d expects [N, \(inChannels), H, W], got \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let geo = geometry(h, w)
        precondition(geo.ho > 0 && geo.wo > 0, "Conv2d: input \(x.shape) smaller than kernel \(kernelSize)")
        input = GradientMode.isEnabled ? x : Tensor(zeros: [0])   // no_grad: keep nothing for dW
        if usesWinograd {
            return winograd.forward(x, weight: weight.value, bias: bias?.value, rectified: rectified,
                                    keepTiles: GradientMode.isEnabled)
        }
        let (o, kk, p, chw) = (outChannels, inChannels * kernelSize * kernelSize, geo.p, inChannels * h * w)
        let (ho, wo, rowLength) = (geo.ho, geo.wo, geo.rowLength)
        let chunks = chunkCount(n), group = groupSize(p)
        let cols = ScratchBuffer.perThread(&columns, chunks), outs = ScratchBuffer.perThread(&blocks, chunks)
        let pads = ScratchBuffer.perThread(&paddedImages, chunks)
        let bias = self.bias?.value.data ?? [Float](repeating: 0, count: o)

        return Tensor.filled(shape: [n, o, ho, wo]) { y in
            x.data.withUnsafeBufferPointer { xb in
            weight.value.data.withUnsafeBufferPointer { wb in
                let x = xb.baseAddress!, wt = wb.baseAddress!
                parallelChunks(n) { chunk, images in
                    let col = cols[chunk].reserve(kk * group * p), out = outs[chunk].reserve(o * group * p)
                    let pad = pads[chunk].reserve(inChannels * geo.planeStride)
                    for first in Swift.stride(from: images.lowerBound, to: images.upperBound, by: group) {
                        let g = min(group, images.upperBound - first), gp = g * p
                        // cols[K, G·P] = patches of images first ..< first + g
                        for j in 0..<g {
                            patches(x + (first + j) * chw, geo, col + j * p, rowStride: gp, padded: pad)
                        }
                        // out[O, G·P] = W[O, K] · cols
                        BLAS.sgemm(m: o, n: gp, k: kk, a: wt, lda: kk, b: col, ldb: gp, c: out, ldc: gp)
                        // y[i, c, oh, :] = out[c, j·P + oh·rowLength ..< + Wo] + b[c] (then max(0, ·))
                        for j in 0..<g {
                            for c in 0..<o {
                                let (src, dst, b) = (out + c * gp + j * p, y + ((first + j) * o + c) * ho * wo, bias[c])
                                for oh in 0..<ho {
                                    if rectified {
                                        // eight lanes at a time, where the select vectorises
                                        let (from, to, b8) = (src + oh * rowLength, dst + oh * wo, Lanes(repeating: b))
                                        var ow = 0
                                        while ow + 8 <= wo {
                                            store(rectify(load(from + ow) + b8), to + ow)
                                            ow += 8
                                        }
                                        for ow in ow..<wo { to[ow] = rectify(from[ow] + b) }
                                    } else {
                                        for ow in 0..<wo { dst[oh * wo + ow] = src[oh * rowLength + ow] + b }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            }
        }
    }

    // MARK: - Backward

    // dy: [N, O, Ho, Wo] -> dx: [N, C, H, W]; adds into weight.grad and bias.grad
    public func backward(_ dy: Tensor) -> Tensor {
        // through the fused ReLU first: dy where the rectified output was positive
        let dy = rectified ? ReLU.gradient(dy, output: output) : dy
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let geo = geometry(h, w)
        let (ho, wo, rowLength) = (geo.ho, geo.wo, geo.rowLength)
        precondition(dy.shape == [n, outChannels, ho, wo], "Conv2d.backward: dy \(dy.shape)")
        let (o, kk, p, chw) = (outChannels, inChannels * kernelSize * kernelSize, geo.p, inChannels * h * w)
        let chunks = chunkCount(n), group = groupSize(p)
        let cols = ScratchBuffer.perThread(&columns, chunks), dcols = ScratchBuffer.perThread(&columnGrads, chunks)
        let dys = ScratchBuffer.perThread(&blocks, chunks), pads = ScratchBuffer.perThread(&paddedImages, chunks)
        let partials = ScratchBuffer.perThread(&partialGrads, chunks)

        // db = Σ_{n,p} dy: per-plane sums, added in image order (the same for any thread count)
        if let bias {
            var planeSums = [Float](repeating: 0, count: n * o)
            dy.data.withUnsafeBufferPointer { g in
                planeSums.withUnsafeMutableBufferPointer { s in
                    let (g, s) = (g.baseAddress!, s.baseAddress!)
                    parallelChunks(n) { _, images in
                        for plane in images.lowerBound * o ..< images.upperBound * o {
                            s[plane] = vectorSum(g + plane * ho * wo, ho * wo)
                        }
                    }
                }
            }
            bias.grad.data.withUnsafeMutableBufferPointer { db in
                for i in 0..<n { for c in 0..<o { db[c] += planeSums[i * o + c] } }
            }
        }

        if usesWinograd {
            let dx = winograd.backward(dy, input: input, weight: weight.value, weightGrad: &weight.grad,
                                       inputGradient: computesInputGradient)
            return dx ?? Tensor(zeros: input.shape)
        }

        let body = { (dx: UnsafeMutablePointer<Float>?) -> Void in
            dy.data.withUnsafeBufferPointer { gb in
            self.input.data.withUnsafeBufferPointer { xb in
            self.weight.value.data.withUnsafeBufferPointer { wb in
            self.weight.grad.data.withUnsafeMutableBufferPointer { dwb in
                let (dy, x, wt) = (gb.baseAddress!, xb.baseAddress!, wb.baseAddress!)
                parallelChunks(n) { chunk, images in
                    // the first chunk adds into weight.grad, the others into zeroed partials
                    let dw = chunk == 0 ? dwb.baseAddress! : partials[chunk].reserve(o * kk)
                    if chunk > 0 { dw.update(repeating: 0, count: o * kk) }
                    let col = cols[chunk].reserve(kk * group * p), dcol = dcols[chunk].reserve(kk * group * p)
                    let g = dys[chunk].reserve(o * group * p)
                    let pad = pads[chunk].reserve(self.inChannels * geo.planeStride)
                    for first in Swift.stride(from: images.lowerBound, to: images.upperBound, by: group) {
                        let count = min(group, images.upperBound - first), gp = count * p
                        // cols[K, G·P] as in forward; g[O, G·P] = dy of the group in the same
                        // layout, zero in the thrown-away columns
                        for j in 0..<count {
                            self.patches(x + (first + j) * chw, geo, col + j * p, rowStride: gp, padded: pad)
                            for c in 0..<o {
                                let (src, dst) = (dy + ((first + j) * o + c) * ho * wo, g + c * gp + j * p)
                                for oh in 0..<ho {
                                    for ow in 0..<wo { dst[oh * rowLength + ow] = src[oh * wo + ow] }
                                    for ow in wo..<rowLength { dst[oh * rowLength + ow] = 0 }
                                }
                            }
                        }
                        // dW[O, K] += g[O, G·P] · colsᵀ
                        BLAS.sgemm(transB: true, m: o, n: kk, k: gp, a: g, lda: gp, b: col, ldb: gp,
                                   beta: 1, c: dw, ldc: kk)
                        // dcols[K, G·P] = Wᵀ · g, scattered back into each image's dx
                        guard let dx else { continue }
                        BLAS.sgemm(transA: true, m: kk, n: gp, k: o, a: wt, lda: kk, b: g, ldb: gp,
                                   c: dcol, ldc: gp)
                        for j in 0..<count {
                            self.patchGradient(dcol + j * p, rowStride: gp, geo, dx + (first + j) * chw, padded: pad)
                        }
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

    // MARK: - Patches (im2col) and their adjoint (col2im)

    /// Writes one image's patch matrix `[C·k·k, P]` (row `(c, ki, kj)`, rows `rowStride` apart).
    private func patches(_ x: UnsafePointer<Float>, _ geo: Geometry, _ col: UnsafeMutablePointer<Float>,
                         rowStride: Int, padded: UnsafeMutablePointer<Float>) {
        guard stride == 1 else { return im2col(x, geo.h, geo.w, geo.ho, geo.wo, col, rowStride: rowStride) }
        // padded: C planes of rows `rowLength` apart with zero gaps; patch row (c, ki, kj) is the
        // slice of plane c shifted by (ki − pad, kj − pad), P long
        let (h, w, n, k, pad) = (geo.h, geo.w, geo.rowLength, kernelSize, padding)
        padded.update(repeating: 0, count: inChannels * geo.planeStride)
        for c in 0..<inChannels {
            for ih in 0..<h {
                (padded + c * geo.planeStride + geo.origin + ih * n).update(from: x + (c * h + ih) * w, count: w)
            }
        }
        var row = 0
        for c in 0..<inChannels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let src = padded + c * geo.planeStride + geo.origin + (ki - pad) * n + (kj - pad)
                    (col + row * rowStride).update(from: src, count: geo.p)
                    row += 1
                }
            }
        }
    }

    /// Sets one image's dx `[C, H, W]` from its patch-matrix gradient (the adjoint of `patches`).
    private func patchGradient(_ dcol: UnsafePointer<Float>, rowStride: Int, _ geo: Geometry,
                               _ dx: UnsafeMutablePointer<Float>, padded: UnsafeMutablePointer<Float>) {
        guard stride == 1 else {
            dx.update(repeating: 0, count: inChannels * geo.h * geo.w)
            return col2im(dcol, rowStride: rowStride, geo.h, geo.w, geo.ho, geo.wo, dx)
        }
        // dpadded[plane c shifted by (ki − pad, kj − pad)] += dcol row (c, ki, kj); dx = its pixels
        let (h, w, n, k, pad, p) = (geo.h, geo.w, geo.rowLength, kernelSize, padding, geo.p)
        padded.update(repeating: 0, count: inChannels * geo.planeStride)
        var row = 0
        for c in 0..<inChannels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let (src, dst) = (dcol + row * rowStride, padded + c * geo.planeStride + geo.origin + (ki - pad) * n + (kj - pad))
                    for q in 0..<p { dst[q] += src[q] }
                    row += 1
                }
            }
        }
        for c in 0..<inChannels {
            for ih in 0..<h {
                (dx + (c * h + ih) * w).update(from: padded + c * geo.planeStride + geo.origin + ih * n, count: w)
            }
        }
    }

    // MARK: - General stride

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
                        for ow in lo..<hi { d[ow] = src[ow * s] }
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
