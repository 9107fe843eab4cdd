/// Draws wide antialiased polylines straight into 32-bit xRGB pixels.
///
/// Cairo's general stroker costs about 2 µs per segment, so a 500-point loss curve took ~1 ms;
/// here each pixel's coverage is its distance to the nearest segment (a round-capped, round-joined
/// stroke), kept as the maximum over segments in a mask so overlapping segments never blend twice,
/// then the line colour is blended once over the touched spans.
struct PolylineRasterizer {
    let width: Int
    let height: Int
    /// coverage: [height, width], 0…255; zero except at the indices in `touched`
    private var mask: [UInt8]
    private var touched: [Int32] = []

    init(width: Int, height: Int) {
        self.width = width; self.height = height
        mask = [UInt8](repeating: 0, count: width * height)
    }

    /// Strokes the polylines `runs` (device pixels) `lineWidth` px wide in `color`, clipped to
    /// `clip` (x0, y0, x1, y1 in pixels), blending into `pixels` (rows of `stride` words).
    mutating func stroke(_ runs: [[Point]], lineWidth: Double, color: Color, clip: (Int, Int, Int, Int),
                         pixels: UnsafeMutablePointer<UInt32>, stride: Int) {
        let hw = lineWidth / 2
        let reach = hw + 1
        let far2 = (hw + 0.5) * (hw + 0.5)   // beyond this squared distance a pixel gets nothing
        let cx0 = max(0, clip.0), cy0 = max(0, clip.1), cx1 = min(width, clip.2), cy1 = min(height, clip.3)
        guard cx0 < cx1, cy0 < cy1 else { return }
        touched.removeAll(keepingCapacity: true)

        mask.withUnsafeMutableBufferPointer { m in
            for run in runs where !run.isEmpty {
                for s in 0..<max(1, run.count - 1) {
                    let a = run[s], b = run[min(s + 1, run.count - 1)]
                    let y0 = max(cy0, Int((min(a.y, b.y) - reach).rounded(.down)))
                    let y1 = min(cy1, Int((max(a.y, b.y) + reach).rounded(.up)))
                    guard y0 < y1 else { continue }
                    let dx = b.x - a.x, dy = b.y - a.y
                    let len2 = dx * dx + dy * dy
                    let inv = len2 > 0 ? 1 / len2 : 0
                    let r = hw + 0.5
                    for y in y0..<y1 {
                        let py = Double(y) + 0.5 - a.y
                        // only the part of the segment within r of this row can reach it
                        var tLo = 0.0, tHi = 1.0
                        if abs(dy) > 1e-12 {
                            let t0 = (py - r) / dy, t1 = (py + r) / dy
                            tLo = max(0, min(t0, t1)); tHi = min(1, max(t0, t1))
                            if tLo > tHi { continue }
                        } else if abs(py) >= r { continue }
                        let xa = a.x + tLo * dx, xb = a.x + tHi * dx
                        let x0 = max(cx0, Int((min(xa, xb) - r).rounded(.down)))
                        let x1 = min(cx1, Int((max(xa, xb) + r).rounded(.up)))
                        guard x0 < x1 else { continue }
                        var inside = false
                        for x in x0..<x1 {
                            let px = Double(x) + 0.5 - a.x
                            // distance from the pixel centre to the segment
                            let t = min(1, max(0, (px * dx + py * dy) * inv))
                            let ex = px - t * dx, ey = py - t * dy
                            let d2 = ex * ex + ey * ey
                            // a capsule meets a row in one interval: once out again, the row is done
                            guard d2 < far2 else { if inside { break } else { continue } }
                            inside = true
                            let c = UInt8(min(255, (hw + 0.5 - d2.squareRoot()) * 255))
                            let k = y * width + x
                            if m[k] == 0 { touched.append(Int32(k)) }
                            if c > m[k] { m[k] = c }
                        }
                    }
                }
            }
            // blend each touched pixel once, clearing the mask for the next line
            let (sr, sg, sb) = (color.red * 255, color.green * 255, color.blue * 255)
            for k32 in touched {
                let k = Int(k32)
                let c = m[k]
                m[k] = 0
                guard c > 0 else { continue }
                let a = color.alpha * Double(c) * (1.0 / 255)
                let at = stride == width ? pixels + k : pixels + (k / width) * stride + k % width
                let p = at.pointee
                let r = Double((p >> 16) & 0xff), g = Double((p >> 8) & 0xff), b = Double(p & 0xff)
                let nr = UInt32(r + (sr - r) * a + 0.5), ng = UInt32(g + (sg - g) * a + 0.5), nb = UInt32(b + (sb - b) * a + 0.5)
                at.pointee = 0xff00_0000 | nr << 16 | ng << 8 | nb
            }
        }
    }
}
