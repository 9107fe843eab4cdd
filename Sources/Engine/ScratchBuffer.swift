/// A growable Float workspace that a layer keeps between calls, so a training step with
/// unchanged shapes allocates nothing for its intermediates.
final class ScratchBuffer {
    private(set) var pointer: UnsafeMutablePointer<Float>
    private(set) var capacity: Int

    init() {
        capacity = 0
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: 1)
    }

    deinit { pointer.deallocate() }

    /// Returns storage for at least `count` Floats; contents are undefined after growing.
    func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            pointer = UnsafeMutablePointer<Float>.allocate(capacity: count)
            capacity = count
        }
        return pointer
    }
}

extension Tensor {
    /// A tensor of `shape` whose elements are written by `body` (no zero-fill first).
    static func filled(shape: [Int], _ body: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let n = shape.reduce(1, *)
        if n == 0 { return Tensor(zeros: shape) }
        let data = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
            body(buffer.baseAddress!)
            initialized = n
        }
        return Tensor(shape: shape, data: data)
    }
}
