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
    var (sum, dot, j) = (SIMD8<Float>(), SIMD8<Float>(), 0)
    let rg = UnsafeRawPointer(g), rx = UnsafeRawPointer(x)
    let (m, s, gm, b) = (SIMD8<Float>(repeating: mean), SIMD8<Float>(repeating: invstd),
                         SIMD8<Float>(repeating: gamma), SIMD8<Float>(repeating: beta))
    while j + 8 <= count {
        let xv = rx.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self)
        let v = gm * ((xv - m) * s) + b
        let d = rg.loadUnaligned(fromByteOffset: j * 4, as: SIMD8<Float>.self).replacing(with: 0, where: v .<= 0)
        sum += d
        dot += d * (xv - m)
        j += 8
    }
    var (sd, sdc) = (sum.sum(), dot.sum())
    while j < count {
        let d = gamma * ((x[j] - mean) * invstd) + beta <= 0 ? 0 : g[j]
        sd += d
        sdc += d * (x[j] - mean)
        j += 1
    }
    return (sd, sdc)
}
