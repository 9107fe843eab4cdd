// MARK: - In-place elementwise helpers used by layers and optimizers

extension Tensor {
    /// Adds `other` elementwise into `self` (shapes must hold the same element count).
    @inlinable public mutating func add(_ other: Tensor, scaledBy alpha: Float = 1) {
        precondition(count == other.count, "add: \(shape) vs \(other.shape)")
        data.withUnsafeMutableBufferPointer { y in
            other.data.withUnsafeBufferPointer { x in
                for i in 0..<y.count { y[i] += alpha * x[i] }
            }
        }
    }

    /// Multiplies every element by `alpha`.
    @inlinable public mutating func scale(by alpha: Float) {
        data.withUnsafeMutableBufferPointer { y in
            for i in 0..<y.count { y[i] *= alpha }
        }
    }

    /// Sets every element to zero, keeping the shape and storage.
    @inlinable public mutating func zero() {
        data.withUnsafeMutableBufferPointer { y in
            y.update(repeating: 0)
        }
    }

    /// The sum of all elements, accumulated in Double.
    public func sum() -> Double {
        data.withUnsafeBufferPointer { x in
            var s = 0.0
            for v in x { s += Double(v) }
            return s
        }
    }

    /// Whether every element is finite (no NaN or infinity).
    public var isFinite: Bool {
        data.allSatisfy { $0.isFinite }
    }
}
