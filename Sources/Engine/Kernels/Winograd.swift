/// 3×3 convolutions with stride 1 and padding 1 by Winograd's minimal filtering F(4×4, 3×3)
/// (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016): `Conv2d`'s fast
/// path for the 16- and 32-channel layers every model here is built from.
///
/// Each output plane is cut into 4×4 tiles. For tile t with 6×6 input window d, filter g and
/// output block Y,
///
///     Y = Aᵀ [ Σ_c (G g G^T) ⊙ (Bᵀ d B) ] A,
///
/// so the 36 positions ξ of the 6×6 transformed domain become 36 independent GEMMs over channels,
/// `M[ξ] = V[ξ] · U[ξ]ᵀ` with V the transformed input tiles `[tiles, C]` and U the transformed
/// filters `[O, C]`: 36 multiplications per 16 outputs instead of 144 (a 7×7 plane still needs
/// 2×2 tiles, so 3× fewer there). Backward is the exact adjoint of the same computation:
///
///     dM[ξ] = A dY Aᵀ,  dU[ξ] = dM[ξ]ᵀ · V[ξ],  dW = Gᵀ dU G,
///     dV[ξ] = dM[ξ] · U[ξ],  dx += B dV Bᵀ  over the overlapping 6×6 windows.
///
/// Layouts: eight channels are the SIMD lanes. Each image is copied into a zero-padded
/// channels-last layout `[rows, cols, C]`, so a window of 8 channels is 36 vector loads;
/// transformed tiles are stored `[36, tiles, C]` (V) and `[36, tiles, O]` (M), each ξ one
/// row-major GEMM operand. Images are processed in groups of about `groupTiles` tiles, so the
/// 36 operands of a group stay in cache; groups are split over `Threads.count` threads.
final class WinogradConvolution {
    let inChannels: Int
    let outChannels: Int
    /// Tiles per group: the row count of each of a group's 36 GEMMs.
    static let groupTiles = 128

    /// Whether a convolution of this shape can take the Winograd path.
    static func applies(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int, padding: Int) -> Bool {
        kernelSize == 3 && stride == 1 && padding == 1 && inChannels % 8 == 0 && outChannels % 8 == 0
    }

    /// Floats between the ξ rows of a `[36, tiles, channels]` operand: tiles·channels, plus one
    /// cache line so that a tile's 36 rows land in different cache sets.
    static func operandStride(_ tiles: Int, _ channels: Int) -> Int { tiles * channels + 16 }

    init(inChannels: Int, outChannels: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
    }

    // MARK: - Scratch
    private let filters = ScratchBuffer()              // U: [36, O, C], this call's transformed weights
    private var inputTiles: [ScratchBuffer] = []       // per thread: V [36, tiles, C]; dV in backward
    private var productTiles: [ScratchBuffer] = []     // per thread: M [36, tiles, O]; dM in backward
    private var images: [ScratchBuffer] = []           // per thread: one channels-last image (x, y, dy or dx)
    private var filterGrads: [ScratchBuffer] = []      // per thread: its share of dU [36, O, C]
    /// The input shape and thread count whose U and V (every group's) forward left for backward.
    private var kept: (shape: [Int], chunks: Int)?

    /// The tiling of an H×W plane: rows × cols tiles of 4×4 outputs, read from a plane padded
    /// to (4·rows + 2) × (4·cols + 2).
    private struct Tiling {
        let h, w, rows, cols: Int
        init(_ h: Int, _ w: Int) { (self.h, self.w, rows, cols) = (h, w, (h + 3) / 4, (w + 3) / 4) }
        var count: Int { rows * cols }
        var paddedRows: Int { 4 * rows + 2 }
        var paddedCols: Int { 4 * cols + 2 }
    }

    // MARK: - Forward

    // x: [N, C, H, W], weight: [O, C, 3, 3], bias: [O] -> y: [N, O, H, W]
    /// With `keepTiles`, U and every group's V stay for `backward` (training); without, one
    /// group's V is reused (evaluation, where memory matters more).
    func forward(_ x: Tensor, weight: Tensor, bias: Tensor?, rectified: Bool, keepTiles: Bool) -> Tensor {
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (c, o, tiling) = (inChannels, outChannels, Tiling(h, w))
        let chunks = chunkCount(n), group = max(1, Self.groupTiles / tiling.count)
        let vs = ScratchBuffer.perThread(&inputTiles, chunks), ms = ScratchBuffer.perThread(&productTiles, chunks)
        let ims = ScratchBuffer.perThread(&images, chunks)
        let u = filters.reserve(36 * o * c)
        weight.data.withUnsafeBufferPointer { transformFilters($0.baseAddress!, into: u) }
        let zeros = [Float](repeating: 0, count: o)
        kept = keepTiles ? (x.shape, chunks) : nil
        let groupSize = 36 * Self.operandStride(group * tiling.count, c)   // floats of one group's V

        return Tensor.filled(shape: [n, o, h, w]) { y in
            x.data.withUnsafeBufferPointer { xb in
            (bias?.data ?? zeros).withUnsafeBufferPointer { bb in
                let (x, bias) = (xb.baseAddress!, bb.baseAddress!)
                parallelChunks(n) { chunk, range in
                    let groups = keepTiles ? (range.count + group - 1) / group : 1
                    let vs = vs[chunk].reserve(groups * groupSize)
                    let m = ms[chunk].reserve(36 * Self.operandStride(group * tiling.count, o))
                    let image = ims[chunk].reserve(max(c * tiling.paddedRows * tiling.paddedCols, o * 16 * tiling.count))
                    withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 36 + 24 + 16) { work in
                        let work = work.baseAddress!
                        for first in Swift.stride(from: range.lowerBound, to: range.upperBound, by: group) {
                            let tiles = min(group, range.upperBound - first) * tiling.count
                            let (vStride, mStride) = (Self.operandStride(tiles, c), Self.operandStride(tiles, o))
                            let v = vs + (keepTiles ? (first - range.lowerBound) / group * groupSize : 0)
                            // V[ξ] = Bᵀ d B of every window of the group's images
                            for j in 0..<(tiles / tiling.count) {
                                interleave(x + (first + j) * c * h * w, channels: c, h, w, into: image,
                                           rows: tiling.paddedRows, cols: tiling.paddedCols, at: 1)
                                transformInput(image, tiling, into: v, tile: j * tiling.count, stride: vStride, work)
                            }
                            // M[ξ][tiles, O] = V[ξ][tiles, C] · U[ξ][O, C]ᵀ
                            for xi in 0..<36 {
                                BLAS.sgemm(transB: true, m: tiles, n: o, k: c, a: v + xi * vStride, lda: c,
                                           b: u + xi * o * c, ldb: c, c: m + xi * mStride, ldc: o)
                            }
                            // y = Aᵀ M A per tile, cropped to H×W, plus the bias
                            for j in 0..<(tiles / tiling.count) {
                                transformOutput(m, tiling, tile: j * tiling.count, stride: mStride, into: image, work)
                                deinterleave(image, channels: o, rows: 4 * tiling.rows, cols: 4 * tiling.cols, at: 0,
                                             into: y + (first + j) * o * h * w, h, w, adding: bias, rectified: rectified)
                            }
                        }
                    }
                }
            }
            }
        }
    }

    // MARK: - Backward

    // dy: [N, O, H, W], x: the forward input -> dx: [N, C, H, W] (nil: not computed);
    // adds dLoss/dweight into weightGrad [O, C, 3, 3] unless `weightGradient` is false (a frozen weight)
    func backward(_ dy: Tensor, input x: Tensor, weight: Tensor, weightGrad: inout Tensor,
                  weightGradient: Bool = true, inputGradient: Bool) -> Tensor? {
        let (n, h, w) = (x.shape[0], x.shape[2], x.shape[3])
        let (c, o, tiling) = (inChannels, outChannels, Tiling(h, w))
        let chunks = chunkCount(n), group = max(1, Self.groupTiles / tiling.count)
        let vs = ScratchBuffer.perThread(&inputTiles, chunks), ms = ScratchBuffer.perThread(&productTiles, chunks)
        let ims = ScratchBuffer.perThread(&images, chunks)
        let dus = ScratchBuffer.perThread(&filterGrads, chunks)
        // forward's U and V, unless the shape or thread count changed, or backward already ran
        let reuse = kept.map { $0.shape == x.shape && $0.chunks == chunks } ?? false
        kept = nil
        let u = filters.reserve(36 * o * c)
        if !reuse { weight.data.withUnsafeBufferPointer { transformFilters($0.baseAddress!, into: u) } }
        let groupSize = 36 * Self.operandStride(group * tiling.count, c)

        let body = { (dx: UnsafeMutablePointer<Float>?) in
            dy.data.withUnsafeBufferPointer { gb in
            x.data.withUnsafeBufferPointer { xb in
                let (dy, x) = (gb.baseAddress!, xb.baseAddress!)
                parallelChunks(n) { chunk, range in
                    let vs = vs[chunk].reserve(reuse ? (range.count + group - 1) / group * groupSize : groupSize)
                    let m = ms[chunk].reserve(36 * Self.operandStride(group * tiling.count, o))
                    let image = ims[chunk].reserve(max(c * tiling.paddedRows * tiling.paddedCols, o * 16 * tiling.count))
                    let du = dus[chunk].reserve(36 * o * c)
                    du.update(repeating: 0, count: 36 * o * c)
                    withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 36 + 24 + 16) { work in
                        let work = work.baseAddress!
                        for first in Swift.stride(from: range.lowerBound, to: range.upperBound, by: group) {
                            let tiles = min(group, range.upperBound - first) * tiling.count
                            let (vStride, mStride) = (Self.operandStride(tiles, c), Self.operandStride(tiles, o))
                            let v = vs + (reuse ? (first - range.lowerBound) / group * groupSize : 0)
                            // V[ξ] as in forward (unless kept), and dM[ξ] = A dY Aᵀ of every output tile
                            for j in 0..<(tiles / tiling.count) {
                                if !reuse && weightGradient {
                                    interleave(x + (first + j) * c * h * w, channels: c, h, w, into: image,
                                               rows: tiling.paddedRows, cols: tiling.paddedCols, at: 1)
                                    self.transformInput(image, tiling, into: v, tile: j * tiling.count, stride: vStride, work)
                                }
                                interleave(dy + (first + j) * o * h * w, channels: o, h, w, into: image,
                                           rows: 4 * tiling.rows, cols: 4 * tiling.cols, at: 0)
                                self.transformOutputGradient(image, tiling, into: m, tile: j * tiling.count, stride: mStride, work)
                            }
                            // dU[ξ][O, C] += dM[ξ][tiles, O]ᵀ · V[ξ][tiles, C]
                            for xi in 0..<36 where weightGradient {
                                BLAS.sgemm(transA: true, m: o, n: c, k: tiles, a: m + xi * mStride, lda: o,
                                           b: v + xi * vStride, ldb: c, beta: 1, c: du + xi * o * c, ldc: c)
                            }
                            guard let dx else { continue }
                            // dV[ξ][tiles, C] = dM[ξ][tiles, O] · U[ξ][O, C], into V's storage (V is spent)
                            for xi in 0..<36 {
                                BLAS.sgemm(m: tiles, n: c, k: o, a: m + xi * mStride, lda: o,
                                           b: u + xi * o * c, ldb: c, c: v + xi * vStride, ldc: c)
                            }
                            // dx = Σ over windows of B dV Bᵀ, cropped to the image
                            for j in 0..<(tiles / tiling.count) {
                                self.transformInputGradient(v, tiling, tile: j * tiling.count, stride: vStride, into: image, work)
                                deinterleave(image, channels: c, rows: tiling.paddedRows, cols: tiling.paddedCols, at: 1,
                                             into: dx + (first + j) * c * h * w, h, w, adding: nil, rectified: false)
                            }
                        }
                    }
                }
            }
            }
        }
        var dx: Tensor?
        if inputGradient {
            dx = Tensor.filled(shape: x.shape) { body($0) }
        } else {
            body(nil)
        }
        guard weightGradient else { return dx }
        // dW += Gᵀ dU G, the threads' shares of dU added in chunk order
        let du = dus[0].pointer
        for chunk in 1..<chunks {
            let part = dus[chunk].pointer
            for j in 0..<(36 * o * c) { du[j] += part[j] }
        }
        weightGrad.data.withUnsafeMutableBufferPointer { addFilterGradient(du, into: $0.baseAddress!) }
        return dx
    }

    // MARK: - Filters: U = G g Gᵀ and its adjoint dW = Gᵀ dU G

    /// U[ξ][o][c] from the 3×3 filters `[O, C, 3, 3]`, eight (o, c) pairs at a time as the lanes
    /// (O·C is a multiple of 8 here): the same arithmetic per filter as one at a time, so the same
    /// bits, with U's rows written eight contiguous values at once. It runs every step, which
    /// matters at tiny batches (9% of a batch-2 step's instructions before).
    private func transformFilters(_ weight: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>) {
        let pairs = outChannels * inChannels
        precondition(pairs % 8 == 0)
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 9 + 18 + 6) { work in
            let (taps, columns, row) = (work.baseAddress!, work.baseAddress! + 9, work.baseAddress! + 27)
            for first in Swift.stride(from: 0, to: pairs, by: 8) {
                // tap t of the eight filters
                for t in 0..<9 { for lane in 0..<8 { taps[t][lane] = weight[(first + lane) * 9 + t] } }
                // G g, one column of g at a time: columns[6k + i] = (G g)[i][k]
                for k in 0..<3 { kernelTransform(taps[k], taps[k + 3], taps[k + 6], into: columns + 6 * k) }
                for i in 0..<6 {
                    kernelTransform(columns[i], columns[6 + i], columns[12 + i], into: row)   // (G g Gᵀ)[i][·]
                    for j in 0..<6 { store(row[j], u + (i * 6 + j) * pairs + first) }
                }
            }
        }
    }

    /// weightGrad[o][c] += Gᵀ dU[·][o][c] G, for eight (o, c) pairs at a time (lane k: pair k).
    private func addFilterGradient(_ du: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        let pairs = outChannels * inChannels
        precondition(pairs % 8 == 0)
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 18 + 9) { work in
            let (columns, taps) = (work.baseAddress!, work.baseAddress! + 18)
            for first in Swift.stride(from: 0, to: pairs, by: 8) {
                // Gᵀ dU, one column of dU at a time: columns[3j + i] = (Gᵀ dU)[i][j]
                for j in 0..<6 {
                    let u = { (i: Int) in load(du + (i * 6 + j) * pairs + first) }
                    (columns[3 * j], columns[3 * j + 1], columns[3 * j + 2]) = kernelTransformAdjoint(u(0), u(1), u(2), u(3), u(4), u(5))
                }
                // (Gᵀ dU G)[i][·], along each row
                for i in 0..<3 {
                    let c = { (j: Int) in columns[3 * j + i] }
                    (taps[3 * i], taps[3 * i + 1], taps[3 * i + 2]) = kernelTransformAdjoint(c(0), c(1), c(2), c(3), c(4), c(5))
                }
                for lane in 0..<8 {
                    for t in 0..<9 { dw[(first + lane) * 9 + t] += taps[t][lane] }
                }
            }
        }
    }

    // MARK: - Tiles
    //
    // Images here are channels-last, `[rows, cols, C]`: a window's pixels are runs of C floats.
    // A transformed operand is `[36, tiles, C]` with ξ `stride` floats apart (a little more than
    // tiles·C, so the 36 rows a tile touches do not all fall in one cache set).

    /// V[ξ][first + t][·] = Bᵀ d B for the windows of one padded channels-last image.
    private func transformInput(_ image: UnsafePointer<Float>, _ tiling: Tiling, into v: UnsafeMutablePointer<Float>,
                                tile first: Int, stride: Int, _ work: UnsafeMutablePointer<Lanes>) {
        let (c, cols) = (inChannels, tiling.paddedCols)
        let step = cols * c                                        // floats from one image row to the next
        for ty in 0..<tiling.rows {
            for tx in 0..<tiling.cols {
                let t = first + ty * tiling.cols + tx
                for block in Swift.stride(from: 0, to: c, by: 8) {
                    // Bᵀ d, down each column of the window, into work [6, 6]
                    var p = image + (4 * ty * cols + 4 * tx) * c + block
                    for j in 0..<6 {
                        let r = inputTransform(load(p), load(p + step), load(p + 2 * step), load(p + 3 * step),
                                               load(p + 4 * step), load(p + 5 * step))
                        (work[j], work[6 + j], work[12 + j], work[18 + j], work[24 + j], work[30 + j]) = r
                        p += c
                    }
                    // (Bᵀ d) B, along each row, into V
                    let out = v + t * c + block
                    for i in 0..<6 {
                        let r = inputTransform(work[6 * i], work[6 * i + 1], work[6 * i + 2], work[6 * i + 3],
                                               work[6 * i + 4], work[6 * i + 5])
                        let q = out + 6 * i * stride
                        store(r.0, q); store(r.1, q + stride); store(r.2, q + 2 * stride)
                        store(r.3, q + 3 * stride); store(r.4, q + 4 * stride); store(r.5, q + 5 * stride)
                    }
                }
            }
        }
    }

    /// Writes Aᵀ M A of one image's tiles into a channels-last `[4·rows, 4·cols, O]` image.
    private func transformOutput(_ m: UnsafePointer<Float>, _ tiling: Tiling, tile first: Int, stride: Int,
                                 into image: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Lanes>) {
        let (o, cols) = (outChannels, 4 * tiling.cols)
        let step = cols * o
        for ty in 0..<tiling.rows {
            for tx in 0..<tiling.cols {
                let t = first + ty * tiling.cols + tx
                for block in Swift.stride(from: 0, to: o, by: 8) {
                    // Aᵀ M, down each column, into work [4, 6]
                    let p = m + t * o + block
                    for j in 0..<6 {
                        let q = p + j * stride
                        let r = outputTransform(load(q), load(q + 6 * stride), load(q + 12 * stride),
                                                load(q + 18 * stride), load(q + 24 * stride), load(q + 30 * stride))
                        (work[j], work[6 + j], work[12 + j], work[18 + j]) = r
                    }
                    // (Aᵀ M) A, along each row, into the image
                    let corner = image + (4 * ty * cols + 4 * tx) * o + block
                    for i in 0..<4 {
                        let r = outputTransform(work[6 * i], work[6 * i + 1], work[6 * i + 2], work[6 * i + 3],
                                                work[6 * i + 4], work[6 * i + 5])
                        let q = corner + i * step
                        store(r.0, q); store(r.1, q + o); store(r.2, q + 2 * o); store(r.3, q + 3 * o)
                    }
                }
            }
        }
    }

    /// dM[ξ][first + t][·] = A dY Aᵀ for one image's tiles, from its channels-last
    /// `[4·rows, 4·cols, O]` gradient (zero beyond H×W).
    private func transformOutputGradient(_ image: UnsafePointer<Float>, _ tiling: Tiling, into m: UnsafeMutablePointer<Float>,
                                         tile first: Int, stride: Int, _ work: UnsafeMutablePointer<Lanes>) {
        let (o, cols) = (outChannels, 4 * tiling.cols)
        let step = cols * o
        for ty in 0..<tiling.rows {
            for tx in 0..<tiling.cols {
                let t = first + ty * tiling.cols + tx
                for block in Swift.stride(from: 0, to: o, by: 8) {
                    // A dY, down each column of the 4×4 block, into work [6, 4]
                    var p = image + (4 * ty * cols + 4 * tx) * o + block
                    for j in 0..<4 {
                        let r = outputTransformAdjoint(load(p), load(p + step), load(p + 2 * step), load(p + 3 * step))
                        (work[j], work[4 + j], work[8 + j], work[12 + j], work[16 + j], work[20 + j]) = r
                        p += o
                    }
                    // (A dY) Aᵀ, along each row, into dM
                    let out = m + t * o + block
                    for i in 0..<6 {
                        let r = outputTransformAdjoint(work[4 * i], work[4 * i + 1], work[4 * i + 2], work[4 * i + 3])
                        let q = out + 6 * i * stride
                        store(r.0, q); store(r.1, q + stride); store(r.2, q + 2 * stride)
                        store(r.3, q + 3 * stride); store(r.4, q + 4 * stride); store(r.5, q + 5 * stride)
                    }
                }
            }
        }
    }

    /// Sums B dV Bᵀ of one image's tiles over their overlapping windows into a padded
    /// channels-last `[4·rows + 2, 4·cols + 2, C]` image.
    private func transformInputGradient(_ dv: UnsafePointer<Float>, _ tiling: Tiling, tile first: Int, stride: Int,
                                        into image: UnsafeMutablePointer<Float>, _ work: UnsafeMutablePointer<Lanes>) {
        let (c, cols) = (inChannels, tiling.paddedCols)
        let step = cols * c
        image.update(repeating: 0, count: c * tiling.paddedRows * cols)
        for ty in 0..<tiling.rows {
            for tx in 0..<tiling.cols {
                let t = first + ty * tiling.cols + tx
                for block in Swift.stride(from: 0, to: c, by: 8) {
                    // B dV, down each column, into work [6, 6]
                    let p = dv + t * c + block
                    for j in 0..<6 {
                        let q = p + j * stride
                        let r = inputTransformAdjoint(load(q), load(q + 6 * stride), load(q + 12 * stride),
                                                      load(q + 18 * stride), load(q + 24 * stride), load(q + 30 * stride))
                        (work[j], work[6 + j], work[12 + j], work[18 + j], work[24 + j], work[30 + j]) = r
                    }
                    // (B dV) Bᵀ, along each row, added into the window
                    let window = image + (4 * ty * cols + 4 * tx) * c + block
                    for i in 0..<6 {
                        let r = inputTransformAdjoint(work[6 * i], work[6 * i + 1], work[6 * i + 2], work[6 * i + 3],
                                                      work[6 * i + 4], work[6 * i + 5])
                        let q = window + i * step
                        store(load(q) + r.0, q); store(load(q + c) + r.1, q + c); store(load(q + 2 * c) + r.2, q + 2 * c)
                        store(load(q + 3 * c) + r.3, q + 3 * c); store(load(q + 4 * c) + r.4, q + 4 * c)
                        store(load(q + 5 * c) + r.5, q + 5 * c)
                    }
                }
            }
        }
    }
}

// MARK: - Channels-last images

/// Copies planes `[C, h, w]` into channels-last `[rows, cols, C]` with pixel (0, 0) at
/// (`at`, `at`), zero everywhere else. (Plane by plane: the planes stream in order, the small
/// channels-last image stays in L1 for the strided writes.)
private func interleave(_ src: UnsafePointer<Float>, channels: Int, _ h: Int, _ w: Int,
                        into dst: UnsafeMutablePointer<Float>, rows: Int, cols: Int, at offset: Int) {
    dst.update(repeating: 0, count: channels * rows * cols)
    for c in 0..<channels {
        let plane = src + c * h * w
        for i in 0..<h {
            let row = dst + ((i + offset) * cols + offset) * channels + c
            for j in 0..<w { row[j * channels] = plane[i * w + j] }
        }
    }
}

/// Copies the h×w window at (`at`, `at`) of channels-last `[rows, cols, C]` into planes
/// `[C, h, w]`, adding `bias[c]` to channel c when given, then taking max(0, ·) when `rectified`.
private func deinterleave(_ src: UnsafePointer<Float>, channels: Int, rows: Int, cols: Int, at offset: Int,
                          into dst: UnsafeMutablePointer<Float>, _ h: Int, _ w: Int, adding bias: UnsafePointer<Float>?,
                          rectified: Bool) {
    for c in 0..<channels {
        let (plane, b) = (dst + c * h * w, bias?[c] ?? 0)
        for i in 0..<h {
            let row = src + ((i + offset) * cols + offset) * channels + c
            if rectified {
                for j in 0..<w { plane[i * w + j] = rectify(row[j * channels] + b) }
            } else {
                for j in 0..<w { plane[i * w + j] = row[j * channels] + b }
            }
        }
    }
}

// MARK: - The F(4×4, 3×3) matrices, one dimension at a time
//
//      ⎡4  0 −5  0  1  0⎤        ⎡ 1/4     0    0 ⎤       ⎡1  1  1  1  1  0⎤
//      ⎢0 −4 −4  1  1  0⎥        ⎢−1/6 −1/6 −1/6 ⎥  Aᵀ = ⎢0  1 −1  2 −2  0⎥
// Bᵀ = ⎢0  4 −4 −1  1  0⎥   G =  ⎢−1/6  1/6 −1/6 ⎥       ⎢0  1  1  4  4  0⎥
//      ⎢0 −2 −1  2  1  0⎥        ⎢1/24 1/12  1/6 ⎥       ⎣0  1 −1  8 −8  1⎦
//      ⎢0  2 −1 −2  1  0⎥        ⎢1/24 −1/12 1/6 ⎥
//      ⎣0  4  0 −5  0  1⎦        ⎣   0    0    1 ⎦
//
// A 2-D transform X ↦ Bᵀ X B applies the 1-D one down every column, then along every row.

private typealias Six = (Lanes, Lanes, Lanes, Lanes, Lanes, Lanes)

/// d ↦ Bᵀ d.
@inline(__always) private func inputTransform(_ d0: Lanes, _ d1: Lanes, _ d2: Lanes,
                                              _ d3: Lanes, _ d4: Lanes, _ d5: Lanes) -> Six {
    (4 * d0 - 5 * d2 + d4,
     d3 + d4 - 4 * (d1 + d2),
     d4 - d3 + 4 * (d1 - d2),
     d4 - d2 + 2 * (d3 - d1),
     d4 - d2 + 2 * (d1 - d3),
     4 * d1 - 5 * d3 + d5)
}

/// The adjoint: v ↦ B v.
@inline(__always) private func inputTransformAdjoint(_ v0: Lanes, _ v1: Lanes, _ v2: Lanes,
                                                     _ v3: Lanes, _ v4: Lanes, _ v5: Lanes) -> Six {
    (4 * v0,
     4 * (v2 - v1 + v5) + 2 * (v4 - v3),
     -5 * v0 - 4 * (v1 + v2) - v3 - v4,
     v1 - v2 + 2 * (v3 - v4) - 5 * v5,
     v0 + v1 + v2 + v3 + v4,
     v5)
}

/// m ↦ Aᵀ m.
@inline(__always) private func outputTransform(_ m0: Lanes, _ m1: Lanes, _ m2: Lanes,
                                               _ m3: Lanes, _ m4: Lanes, _ m5: Lanes) -> (Lanes, Lanes, Lanes, Lanes) {
    let (a, b, c, d) = (m1 + m2, m1 - m2, m3 + m4, m3 - m4)
    return (m0 + a + c, b + 2 * d, a + 4 * c, b + 8 * d + m5)
}

/// The adjoint: y ↦ A y.
@inline(__always) private func outputTransformAdjoint(_ y0: Lanes, _ y1: Lanes, _ y2: Lanes, _ y3: Lanes) -> Six {
    let (even, odd) = (y0 + y2, y1 + y3)
    let (even4, odd2) = (y0 + 4 * y2, 2 * y1 + 8 * y3)
    return (y0, even + odd, even - odd, even4 + odd2, even4 - odd2, y3)
}

/// Three filter taps to six, g ↦ G g, for eight filters at once (lane k: filter k).
@inline(__always) private func kernelTransform(_ g0: Lanes, _ g1: Lanes, _ g2: Lanes, into out: UnsafeMutablePointer<Lanes>) {
    out[0] = g0 / 4
    out[1] = -(g0 + g1 + g2) / 6
    out[2] = -(g0 - g1 + g2) / 6
    out[3] = g0 / 24 + g1 / 12 + g2 / 6
    out[4] = g0 / 24 - g1 / 12 + g2 / 6
    out[5] = g2
}

/// Six to three, the adjoint: u ↦ Gᵀ u, for eight filters at once (lane k: filter k).
@inline(__always) private func kernelTransformAdjoint(_ u0: Lanes, _ u1: Lanes, _ u2: Lanes, _ u3: Lanes,
                                                      _ u4: Lanes, _ u5: Lanes) -> (Lanes, Lanes, Lanes) {
    (u0 / 4 - (u1 + u2) / 6 + (u3 + u4) / 24,
     (u2 - u1) / 6 + (u3 - u4) / 12,
     (u3 + u4 - u1 - u2) / 6 + u5)
}
