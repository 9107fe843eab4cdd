/// Eight Floats in one SIMD value: the vector width of the hand-vectorised loops.
typealias Lanes = SIMD8<Float>

/// Eight consecutive Floats at `p` (any alignment).
@inline(__always) func load(_ p: UnsafePointer<Float>) -> Lanes {
    UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

/// Writes eight Floats at `p` (any alignment).
@inline(__always) func store(_ v: Lanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
}

// MARK: - ReLU's rule
//
// As torch: max(0, v) keeps NaN (a NaN is not < 0), and the gradient is blocked where the output
// is ≤ 0, so it passes at NaN too. Scalar and eight-lane forms give the same bits.

/// max(0, v), NaN kept.
@inline(__always) func rectify(_ v: Float) -> Float { v < 0 ? 0 : v }

/// max(0, v) lane by lane, NaN kept (a select in a loop stays scalar in Swift; this does not).
@inline(__always) func rectify(_ v: Lanes) -> Lanes { v.replacing(with: 0, where: v .< 0) }

/// The gradient `g` where the value `v` before a ReLU is > 0 (or NaN), else 0.
@inline(__always) func rectifiedGradient(_ g: Float, at v: Float) -> Float { v <= 0 ? 0 : g }

/// `rectifiedGradient` lane by lane.
@inline(__always) func rectifiedGradient(_ g: Lanes, at v: Lanes) -> Lanes { g.replacing(with: 0, where: v .<= 0) }

// MARK: - Reductions over contiguous Floats, eight lanes at a time
//
// Swift does not reorder a Float sum on its own (it is not associative), so a plain loop adds one
// element at a time. These keep eight partial sums in a SIMD register instead.

/// Σ x[j] over `count` elements.
@inline(__always)
func vectorSum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
    var acc = SIMD8<Float>(), j = 0
    let raw = UnsafeRawPointer(x)
    while j + 8 <= count {
        acc += raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
        j += 8
    }
    var s = acc.sum()
    while j < count { s += x[j]; j += 1 }
    return s
}

/// Σ (x[j] − mean)² over `count` elements.
@inline(__always)
func vectorSumOfSquaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, mean: Float) -> Float {
    var acc = SIMD8<Float>(), j = 0
    let raw = UnsafeRawPointer(x), m = SIMD8<Float>(repeating: mean)
    while j + 8 <= count {
        let d = raw.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) - m
        acc += d * d
        j += 8
    }
    var s = acc.sum()
    while j < count { let d = x[j] - mean; s += d * d; j += 1 }
    return s
}

/// Σ x[j] · (y[j] − mean) over `count` elements.
@inline(__always)
func vectorDot(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ count: Int, centredAt mean: Float) -> Float {
    var acc = SIMD8<Float>(), j = 0
    let rx = UnsafeRawPointer(x), ry = UnsafeRawPointer(y), m = SIMD8<Float>(repeating: mean)
    while j + 8 <= count {
        acc += rx.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
            * (ry.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self) - m)
        j += 8
    }
    var s = acc.sum()
    while j < count { s += x[j] * (y[j] - mean); j += 1 }
    return s
}

/// `vectorSum` and `vectorDot` (centred at `mean`) of the gradient that passes a ReLU after a
/// BatchNorm: g[j] where γ·(x[j] − mean)·invstd + β > 0 (or NaN), else 0. Summed in the same
/// order as the two functions over the masked gradient, so the fused pair is bit-identical.
@inline(__always)
func rectifiedSums(_ g: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int, mean: Float,
                   invstd: Float, gamma: Float, beta: Float) -> (dy: Float, dyCentred: Float) {
    var (sum, dot, j) = (Lanes(), Lanes(), 0)
    let (m, s, gm, b) = (Lanes(repeating: mean), Lanes(repeating: invstd), Lanes(repeating: gamma), Lanes(repeating: beta))
    while j + 8 <= count {
        let xv = load(x + j)
        let d = rectifiedGradient(load(g + j), at: gm * ((xv - m) * s) + b)
        sum += d
        dot += d * (xv - m)
        j += 8
    }
    var (sd, sdc) = (sum.sum(), dot.sum())
    while j < count {
        let d = rectifiedGradient(g[j], at: gamma * ((x[j] - mean) * invstd) + beta)
        sd += d
        sdc += d * (x[j] - mean)
        j += 1
    }
    return (sd, sdc)
}

/// d[j] += Σ_r g[r·columns + j]: a bias gradient from a row-major `[rows, columns]` gradient,
/// row after row, so each d[j] adds its rows in order (the same sums as the loop over r then j).
@inline(__always)
func addColumnSums(_ g: UnsafePointer<Float>, rows: Int, columns: Int, into d: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = g + r * columns
        for j in 0..<columns { d[j] += row[j] }
    }
}
