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
/// The kernels are apart from the layer: im2col, col2im and the moves between GEMM columns and
/// output planes are `PatchGeometry`'s (`Kernels/Im2col.swift`, where stride 1 takes a shortcut on
/// zero-padded rows: P = Ho·(W + gap), the gap columns thrown away), the Winograd path is
/// `WinogradConvolution`'s (`Kernels/Winograd.swift`).
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

    /// The patch matrix of an H×W input and where its outputs sit among the columns.
    private func geometry(_ h: Int, _ w: Int) -> PatchGeometry {
        PatchGeometry(channels: inChannels, height: h, width: w, kernelSize: kernelSize, stride: stride, padding: padding)
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
        PatchGeometry.outputSize(inputSize, kernelSize: kernelSize, stride: stride, padding: padding)
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
        let (o, kk, p, chw, ohw) = (outChannels, geo.rows, geo.p, inChannels * h * w, geo.ho * geo.wo)
        let chunks = chunkCount(n), group = groupSize(p)
        let cols = ScratchBuffer.perThread(&columns, chunks), outs = ScratchBuffer.perThread(&blocks, chunks)
        let pads = ScratchBuffer.perThread(&paddedImages, chunks)
        let bias = self.bias?.value.data ?? [Float](repeating: 0, count: o)

        return Tensor.filled(shape: [n, o, geo.ho, geo.wo]) { y in
            x.data.withUnsafeBufferPointer { xb in
            weight.value.data.withUnsafeBufferPointer { wb in
                let x = xb.baseAddress!, wt = wb.baseAddress!
                parallelChunks(n) { chunk, images in
                    let col = cols[chunk].reserve(kk * group * p), out = outs[chunk].reserve(o * group * p)
                    let pad = pads[chunk].reserve(geo.paddedCount)
                    for first in Swift.stride(from: images.lowerBound, to: images.upperBound, by: group) {
                        let g = min(group, images.upperBound - first), gp = g * p
                        // cols[K, G·P] = patches of images first ..< first + g, image j in columns j·P ..< (j+1)·P
                        for j in 0..<g {
                            geo.patches(x + (first + j) * chw, into: col + j * p, rowStride: gp, padded: pad)
                        }
                        // out[O, G·P] = W[O, K] · cols
                        BLAS.sgemm(m: o, n: gp, k: kk, a: wt, lda: kk, b: col, ldb: gp, c: out, ldc: gp)
                        // y = out's columns of each image + b (then max(0, ·))
                        for j in 0..<g {
                            geo.outputs(from: out + j * p, rowStride: gp, channels: o, into: y + (first + j) * o * ohw,
                                        bias: bias, rectified: rectified)
                        }
                    }
                }
            }
            }
        }
    }

    // MARK: - Backward

    // dy: [N, O, Ho, Wo] -> dx: [N, C, H, W]; adds into weight.grad and bias.grad (those that require it)
    public func backward(_ dy: Tensor) -> Tensor {
        // through the fused ReLU first: dy where the rectified output was positive
        let dy = rectified ? ReLU.gradient(dy, output: output) : dy
        let (n, h, w) = (input.shape[0], input.shape[2], input.shape[3])
        let geo = geometry(h, w)
        let ohw = geo.ho * geo.wo
        precondition(dy.shape == [n, outChannels, geo.ho, geo.wo], "Conv2d.backward: dy \(dy.shape)")
        let (o, kk, p, chw) = (outChannels, geo.rows, geo.p, inChannels * h * w)
        let chunks = chunkCount(n), group = groupSize(p)
        let cols = ScratchBuffer.perThread(&columns, chunks), dcols = ScratchBuffer.perThread(&columnGrads, chunks)
        let dys = ScratchBuffer.perThread(&blocks, chunks), pads = ScratchBuffer.perThread(&paddedImages, chunks)
        let partials = ScratchBuffer.perThread(&partialGrads, chunks)

        // db = Σ_{n,p} dy: per-plane sums, added in image order (the same for any thread count)
        if let bias, bias.requiresGrad {
            var planeSums = [Float](repeating: 0, count: n * o)
            dy.data.withUnsafeBufferPointer { g in
                planeSums.withUnsafeMutableBufferPointer { s in
                    let (g, s) = (g.baseAddress!, s.baseAddress!)
                    parallelChunks(n) { _, images in
                        for plane in images.lowerBound * o ..< images.upperBound * o {
                            s[plane] = vectorSum(g + plane * ohw, ohw)
                        }
                    }
                }
            }
            bias.grad.data.withUnsafeMutableBufferPointer { db in
                planeSums.withUnsafeBufferPointer { addColumnSums($0.baseAddress!, rows: n, columns: o, into: db.baseAddress!) }
            }
        }

        // a frozen weight needs no dW, and with no dx either there is nothing left to do
        let weightGradient = weight.requiresGrad
        guard weightGradient || computesInputGradient else { return Tensor(zeros: input.shape) }
        if usesWinograd {
            let dx = winograd.backward(dy, input: input, weight: weight.value, weightGrad: &weight.grad,
                                       weightGradient: weightGradient, inputGradient: computesInputGradient)
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
                    let dw = chunk == 0 || !weightGradient ? dwb.baseAddress! : partials[chunk].reserve(o * kk)
                    if chunk > 0 && weightGradient { dw.update(repeating: 0, count: o * kk) }
                    let col = cols[chunk].reserve(kk * group * p), dcol = dcols[chunk].reserve(kk * group * p)
                    let g = dys[chunk].reserve(o * group * p)
                    let pad = pads[chunk].reserve(geo.paddedCount)
                    for first in Swift.stride(from: images.lowerBound, to: images.upperBound, by: group) {
                        let count = min(group, images.upperBound - first), gp = count * p
                        // cols[K, G·P] as in forward; g[O, G·P] = dy of the group in the same
                        // layout, zero in the thrown-away columns
                        for j in 0..<count {
                            if weightGradient { geo.patches(x + (first + j) * chw, into: col + j * p, rowStride: gp, padded: pad) }
                            geo.outputGradient(dy + (first + j) * o * ohw, channels: o, into: g + j * p, rowStride: gp)
                        }
                        // dW[O, K] += g[O, G·P] · colsᵀ
                        if weightGradient {
                            BLAS.sgemm(transB: true, m: o, n: kk, k: gp, a: g, lda: gp, b: col, ldb: gp,
                                       beta: 1, c: dw, ldc: kk)
                        }
                        // dcols[K, G·P] = Wᵀ · g, scattered back into each image's dx
                        guard let dx else { continue }
                        BLAS.sgemm(transA: true, m: kk, n: gp, k: o, a: wt, lda: kk, b: g, ldb: gp,
                                   c: dcol, ldc: gp)
                        for j in 0..<count {
                            geo.patchGradient(dcol + j * p, rowStride: gp, into: dx + (first + j) * chw, padded: pad)
                        }
                    }
                }
                // the other threads' shares of dW, in chunk order
                for chunk in 1..<chunks where weightGradient {
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
}
