// MARK: - Building outputs without a zero-fill pass

extension Tensor {
    /// A tensor of `shape` whose elements are all written by `body` (no zero-fill first).
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
