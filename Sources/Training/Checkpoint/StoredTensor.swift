import Engine
/// One tensor of a safetensors file: floating-point values or exact 64-bit integers.
///
/// Reading converts F64, F16 and BF16 to `.float` (Float32) and I32 to `.int64`; writing stores
/// `.float` as F32 and `.int64` as I64.
public enum StoredTensor: Equatable, Sendable {
    case float(Tensor)
    case int64(shape: [Int], values: [Int64])

    /// The dimensions, outermost first.
    public var shape: [Int] {
        switch self {
        case .float(let t): t.shape
        case .int64(let shape, _): shape
        }
    }

    /// The safetensors dtype this tensor is written as (`F32` or `I64`).
    public var dtype: String {
        switch self {
        case .float: "F32"
        case .int64: "I64"
        }
    }

    /// The values as a Float tensor (integers converted, exact up to 2²⁴).
    public var floatTensor: Tensor {
        switch self {
        case .float(let t): t
        case .int64(let shape, let values): Tensor(shape: shape, data: values.map { Float($0) })
        }
    }

    /// An int64 tensor from an integer-valued Float tensor (a `Buffer` with `isInteger`),
    /// rounded; NaN becomes 0 and values beyond the Int64 range saturate.
    public static func integers(_ t: Tensor) -> StoredTensor {
        .int64(shape: t.shape, values: t.data.map { v in
            let r = v.rounded()
            if r.isNaN { return 0 }
            if r >= 0x1p63 { return .max }
            if r < -0x1p63 { return .min }
            return Int64(r)
        })
    }
}
