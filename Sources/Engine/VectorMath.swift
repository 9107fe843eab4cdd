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
