/// Max pooling over `[N, C, H, W]`, as `torch.nn.MaxPool2d` with padding 0, dilation 1 and
/// floor mode.
///
/// Backward routes each output's gradient to the first maximum of its window in row-major
/// scan order, which is what PyTorch's CPU kernel does with ties.
public final class MaxPool2d: Layer {
    public var isTraining = true
    public let kernelSize: Int
    public let stride: Int

    private var inputShape: [Int] = []
    /// Backward's cache: a flat index into the input plane per output element (empty without gradients).
    private(set) var argmax: [Int32] = []

    /// Creates a pooling layer; `stride` defaults to `kernelSize`, as in PyTorch.
    public init(kernelSize: Int, stride: Int? = nil) throws(LayerError) {
        try requirePositive("kernel_size", kernelSize)
        try requirePositive("stride", stride ?? kernelSize)
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// The output extent for an input extent (floor mode).
    public func outputSize(_ inputSize: Int) -> Int { (inputSize - kernelSize) / stride + 1 }

    // x: [N, C, H, W] -> y: [N, C, Ho, Wo]
    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.rank == 4 && x.shape[2] >= kernelSize && x.shape[3] >= kernelSize,
                     "MaxPool2d(\(kernelSize)) expects [N, C, H ≥ k, W ≥ k], got \(x.shape)")
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (ho, wo, k, s) = (outputSize(h), outputSize(w), kernelSize, stride)
        // the argmax is backward's cache: without gradients it is neither kept nor written
        let recording = GradientMode.isEnabled
        inputShape = x.shape
        if !recording {
            argmax = []
        } else if argmax.count != n * c * ho * wo {
            argmax = [Int32](repeating: 0, count: n * c * ho * wo)
        }
        return Tensor.filled(shape: [n, c, ho, wo]) { y in
            x.data.withUnsafeBufferPointer { xb in
            argmax.withUnsafeMutableBufferPointer { amb in
                let (x, am) = (xb.baseAddress!, recording ? amb.baseAddress : nil)
                parallelChunks(n) { _, images in
                    for plane in images.lowerBound * c ..< images.upperBound * c {
                        let (src, out) = (x + plane * h * w, plane * ho * wo)
                        if k == 2 && s == 2 {
                            pool2x2(src, w, ho, wo, y + out, am.map { $0 + out })
                            continue
                        }
                        for oh in 0..<ho {
                            for ow in 0..<wo {
                                // torch's CPU kernel: start at −∞, take `v > max || isnan(v)` in
                                // row-major order (the first maximum wins, the last NaN wins); a
                                // select, not a branch (random data mispredicts)
                                let corner = (oh * s) * w + ow * s
                                var best = corner, bestValue = -Float.infinity
                                for ki in 0..<k {
                                    for kj in 0..<k {
                                        let at = corner + ki * w + kj, v = src[at]
                                        let take = v > bestValue || v.isNaN
                                        best = take ? at : best
                                        bestValue = take ? v : bestValue
                                    }
                                }
                                y[out + oh * wo + ow] = bestValue
                                am?[out + oh * wo + ow] = Int32(truncatingIfNeeded: best)
                            }
                        }
                    }
                }
            }
            }
        }
    }

    /// The 2×2, stride-2 case of one plane (the models' only pooling), four outputs at a time.
    ///
    /// The same rule as the general loop, on lanes and as a tree: the top pair, the bottom pair,
    /// then the winning pairs, each time the later value replacing the earlier one if it is greater
    /// or NaN. That is the row-major scan's result (the first maximum, or the last NaN), with a
    /// shorter chain of dependent selects. The last block of a row overlaps the one before it, so
    /// odd widths such as 7 stay on lanes; a row narrower than 4 outputs runs on the scalar helper.
    /// `am == nil` skips the argmax.
    @inline(__always)
    private func pool2x2(_ src: UnsafePointer<Float>, _ w: Int, _ ho: Int, _ wo: Int,
                         _ y: UnsafeMutablePointer<Float>, _ am: UnsafeMutablePointer<Int32>?) {
        let lanes = SIMD4<Int32>(0, 2, 4, 6)
        // a window's offsets: 0 or 1 in its top row, w or w + 1 in its bottom row
        let (left, right) = (SIMD4<Int32>(repeating: 0), SIMD4<Int32>(repeating: 1))
        let (belowLeft, belowRight) = (SIMD4<Int32>(repeating: Int32(w)), SIMD4<Int32>(repeating: Int32(w + 1)))
        func takes(_ later: SIMD4<Float>, over earlier: SIMD4<Float>) -> SIMDMask<SIMD4<Int32>> {
            (later .> earlier) .| (later .!= later)
        }
        for oh in 0..<ho {
            let top = src + 2 * oh * w, (yRow, amRow) = (y + oh * wo, am.map { $0 + oh * wo })
            guard wo >= 4 else {
                for ow in 0..<wo { pool2x2Scalar(top, w, ow, 2 * oh * w, yRow, amRow) }
                continue
            }
            var ow = 0
            while ow < wo {
                ow = min(ow, wo - 4)
                // a b  (row 2·oh)     the four corners of 4 windows, deinterleaved
                // c d  (row 2·oh + 1)
                let upper = UnsafeRawPointer(top + 2 * ow).loadUnaligned(as: SIMD8<Float>.self)
                let lower = UnsafeRawPointer(top + w + 2 * ow).loadUnaligned(as: SIMD8<Float>.self)
                let (a, b, c, d) = (upper.evenHalf, upper.oddHalf, lower.evenHalf, lower.oddHalf)
                let (takeB, takeD) = (takes(b, over: a), takes(d, over: c))
                let (ab, cd) = (a.replacing(with: b, where: takeB), c.replacing(with: d, where: takeD))
                let takeBottom = takes(cd, over: ab)
                UnsafeMutableRawPointer(yRow + ow).storeBytes(of: ab.replacing(with: cd, where: takeBottom),
                                                              as: SIMD4<Float>.self)
                guard let amRow else { ow += 4; continue }
                let upperAt = left.replacing(with: right, where: takeB)
                let lowerAt = belowLeft.replacing(with: belowRight, where: takeD)
                let at = SIMD4<Int32>(repeating: Int32(2 * oh * w + 2 * ow)) &+ lanes
                    &+ upperAt.replacing(with: lowerAt, where: takeBottom)
                UnsafeMutableRawPointer(amRow + ow).storeBytes(of: at, as: SIMD4<Int32>.self)
                ow += 4
            }
        }
    }

    /// One 2×2 window at output column `ow`, for rows narrower than 4 outputs.
    @inline(__always)
    private func pool2x2Scalar(_ top: UnsafePointer<Float>, _ w: Int, _ ow: Int, _ rowStart: Int,
                               _ yRow: UnsafeMutablePointer<Float>, _ amRow: UnsafeMutablePointer<Int32>?) {
        let corner = 2 * ow
        var m = top[corner], i = corner
        func visit(_ at: Int) {
            let take = top[at] > m || top[at].isNaN
            m = take ? top[at] : m
            i = take ? at : i
        }
        visit(corner + 1)
        visit(corner + w)
        visit(corner + w + 1)
        yRow[ow] = m
        amRow?[ow] = Int32(truncatingIfNeeded: rowStart + i)
    }

    // dy: [N, C, Ho, Wo] -> dx: [N, C, H, W], each gradient added at its window's argmax
    public func backward(_ dy: Tensor) -> Tensor {
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        let p = outputSize(h) * outputSize(w)
        precondition(dy.count == n * c * p, "MaxPool2d.backward: dy \(dy.shape)")
        return Tensor.filled(shape: inputShape) { g in
            dy.data.withUnsafeBufferPointer { d in
            argmax.withUnsafeBufferPointer { am in
                let (d, am) = (d.baseAddress!, am.baseAddress!)
                parallelChunks(n) { _, images in
                    let planes = images.lowerBound * c ..< images.upperBound * c
                    (g + planes.lowerBound * h * w).update(repeating: 0, count: planes.count * h * w)
                    for plane in planes {
                        for j in 0..<p { g[plane * h * w + Int(am[plane * p + j])] += d[plane * p + j] }
                    }
                }
            }
            }
        }
    }
}
