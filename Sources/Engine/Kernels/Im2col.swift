/// The patch matrix of a convolution over one image `[C, H, W]` (im2col), its adjoint (col2im),
/// and the moves between the patch matrix's column layout and output planes: `Conv2d`'s
/// kernels around its SGEMMs.
///
/// The patch matrix is `[C·k·k, P]`: row `(c, ki, kj)` holds, for every output position, the
/// input pixel that filter tap (ki, kj) of channel c meets there (zero outside the image). Its
/// rows are `rowStride` floats apart, so that several images can sit side by side in one matrix.
///
/// Stride 1 (every model here) takes a shortcut: each channel plane is copied into a zero-padded
/// layout whose rows share one gap, and outputs are computed on that row length,
/// `P = Ho·(W + gap)`, with the gap columns thrown away. Each patch row is then one contiguous
/// slice of the padded plane, copied in one go, instead of Ho short rows with edge cases; the GEMM
/// does (W + 1)/W more work for 3×3 kernels with padding 1 (1.07× at 14×14, 1.14× at 7×7).
struct PatchGeometry {
    let channels, kernelSize, stride, padding: Int
    /// Input and output extents.
    let h, w, ho, wo: Int
    /// Columns per output row: Wo, or W + gap on the stride-1 path.
    ///
    /// There each channel plane is laid out with rows `rowLength` apart, the gap's zeros serving
    /// as the right padding of one row and the left padding of the next, with zero rows above
    /// and below.
    let rowLength: Int
    /// Floats per padded channel plane, and the offset of pixel (0, 0) inside one (stride 1).
    let planeStride, origin: Int

    /// Columns per image, P.
    var p: Int { ho * rowLength }
    /// Rows of the patch matrix, C·k·k.
    var rows: Int { channels * kernelSize * kernelSize }
    /// Floats of the padded image `patches` and `patchGradient` work in (none off the stride-1 path).
    var paddedCount: Int { channels * planeStride }

    init(channels: Int, height h: Int, width w: Int, kernelSize k: Int, stride: Int, padding pad: Int) {
        (self.channels, kernelSize, self.stride, padding) = (channels, k, stride, pad)
        (self.h, self.w) = (h, w)
        ho = Self.outputSize(h, kernelSize: k, stride: stride, padding: pad)
        wo = Self.outputSize(w, kernelSize: k, stride: stride, padding: pad)
        guard stride == 1 else {
            (rowLength, planeStride, origin) = (wo, 0, 0)
            return
        }
        // reads reach `pad` columns left and k − 1 − pad right of a row; outputs need Wo ≤ rowLength
        rowLength = w + max(pad, k - 1 - pad, 2 * pad - k + 1)
        (planeStride, origin) = ((h + 2 * pad) * rowLength + k, pad * rowLength + pad)
    }

    /// The output height or width for an input extent (floor division, as PyTorch).
    static func outputSize(_ extent: Int, kernelSize: Int, stride: Int, padding: Int) -> Int {
        (extent + 2 * padding - kernelSize) / stride + 1
    }

    // MARK: - Patches (im2col) and their adjoint (col2im)

    /// Writes one image's patch matrix `[C·k·k, P]` (rows `rowStride` apart); `padded` is scratch
    /// of `paddedCount` floats.
    func patches(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>, rowStride: Int,
                 padded: UnsafeMutablePointer<Float>) {
        guard stride == 1 else { return im2col(x, into: col, rowStride: rowStride) }
        // padded: C planes of rows `rowLength` apart with zero gaps; patch row (c, ki, kj) is the
        // slice of plane c shifted by (ki − pad, kj − pad), P long
        let (n, k, pad) = (rowLength, kernelSize, padding)
        padded.update(repeating: 0, count: paddedCount)
        for c in 0..<channels {
            for ih in 0..<h {
                (padded + c * planeStride + origin + ih * n).update(from: x + (c * h + ih) * w, count: w)
            }
        }
        var row = 0
        for c in 0..<channels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let src = padded + c * planeStride + origin + (ki - pad) * n + (kj - pad)
                    (col + row * rowStride).update(from: src, count: p)
                    row += 1
                }
            }
        }
    }

    /// Sets one image's dx `[C, H, W]` from its patch-matrix gradient (the adjoint of `patches`);
    /// `padded` is scratch of `paddedCount` floats.
    func patchGradient(_ dcol: UnsafePointer<Float>, rowStride: Int, into dx: UnsafeMutablePointer<Float>,
                       padded: UnsafeMutablePointer<Float>) {
        guard stride == 1 else {
            dx.update(repeating: 0, count: channels * h * w)
            return col2im(dcol, rowStride: rowStride, into: dx)
        }
        // dpadded[plane c shifted by (ki − pad, kj − pad)] += dcol row (c, ki, kj); dx = its pixels
        let (n, k, pad, p) = (rowLength, kernelSize, padding, self.p)
        padded.update(repeating: 0, count: paddedCount)
        var row = 0
        for c in 0..<channels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let (src, dst) = (dcol + row * rowStride, padded + c * planeStride + origin + (ki - pad) * n + (kj - pad))
                    for q in 0..<p { dst[q] += src[q] }
                    row += 1
                }
            }
        }
        for c in 0..<channels {
            for ih in 0..<h {
                (dx + (c * h + ih) * w).update(from: padded + c * planeStride + origin + ih * n, count: w)
            }
        }
    }

    // MARK: - General stride

    /// The output columns `[lo, hi)` whose input column `ow·stride − padding + kj` is inside `0..<w`.
    @inline(__always)
    private func validRange(_ kj: Int) -> (Int, Int) {
        // ow·s ≥ padding − kj  and  ow·s ≤ w − 1 + padding − kj
        let lo = min(wo, max(0, (padding - kj + stride - 1) / stride))   // wide padding: lo may pass wo
        let hiNum = w - 1 + padding - kj
        let hi = hiNum < 0 ? 0 : min(wo, hiNum / stride + 1)
        return (lo, max(lo, hi))
    }

    /// Writes the patch matrix of one image `[C, H, W]`: row `(c, ki, kj)`, column `(oh, ow)`.
    private func im2col(_ x: UnsafePointer<Float>, into col: UnsafeMutablePointer<Float>, rowStride: Int) {
        let (k, s) = (kernelSize, stride)
        var row = 0
        for c in 0..<channels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let dst = col + row * rowStride
                    let (lo, hi) = validRange(kj)
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
    private func col2im(_ col: UnsafePointer<Float>, rowStride: Int, into dx: UnsafeMutablePointer<Float>) {
        let (k, s) = (kernelSize, stride)
        var row = 0
        for c in 0..<channels {
            for ki in 0..<k {
                for kj in 0..<k {
                    let src = col + row * rowStride
                    let (lo, hi) = validRange(kj)
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

    // MARK: - GEMM columns and output planes

    /// Writes one image's outputs `[O, Ho, Wo]` from its columns of a GEMM result `[O, ·]` (rows
    /// `rowStride` apart), adding `bias[c]` to channel c and, when `rectified`, taking max(0, ·) as
    /// it writes.
    func outputs(from block: UnsafePointer<Float>, rowStride: Int, channels o: Int,
                 into y: UnsafeMutablePointer<Float>, bias: [Float], rectified: Bool) {
        for c in 0..<o {
            let (src, dst, b) = (block + c * rowStride, y + c * ho * wo, bias[c])
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

    /// Writes one image's output gradient `[O, Ho, Wo]` into its columns of a GEMM operand
    /// `[O, ·]` (rows `rowStride` apart), zero in the thrown-away columns: `outputs`' layout.
    func outputGradient(_ dy: UnsafePointer<Float>, channels o: Int, into block: UnsafeMutablePointer<Float>,
                        rowStride: Int) {
        for c in 0..<o {
            let (src, dst) = (dy + c * ho * wo, block + c * rowStride)
            for oh in 0..<ho {
                for ow in 0..<wo { dst[oh * rowLength + ow] = src[oh * wo + ow] }
                for ow in wo..<rowLength { dst[oh * rowLength + ow] = 0 }
            }
        }
    }
}
