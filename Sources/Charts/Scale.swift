import Foundation

/// How data values map onto an axis.
public enum Scale: Sendable, Equatable {
    case linear
    /// Base-10 logarithmic; non-positive values are skipped like NaN.
    case log
    /// Base-2 logarithmic, ticks at powers of two (batch sizes); non-positive values are skipped like NaN.
    case log2

    /// Whether the scale is logarithmic (either base).
    public var isLogarithmic: Bool { self != .linear }

    /// The value in the space where the axis is linear.
    @inline(__always) func forward(_ v: Double) -> Double {
        switch self {
        case .linear: v
        case .log: log10(v)
        case .log2: Foundation.log2(v)
        }
    }
    @inline(__always) func inverse(_ u: Double) -> Double {
        switch self {
        case .linear: u
        case .log: pow(10, u)
        case .log2: pow(2, u)
        }
    }
    /// Whether `v` can be drawn on this scale.
    @inline(__always) func accepts(_ v: Double) -> Bool { v.isFinite && (self == .linear || v > 0) }
}

/// A data → points map for one axis: view limits `lower...upper` onto `start...end` points.
public struct AxisMap: Sendable, Equatable {
    public let scale: Scale
    public let lower: Double
    public let upper: Double
    public let start: Double
    public let end: Double
    private let u0: Double
    private let k: Double

    public init(scale: Scale, lower: Double, upper: Double, start: Double, end: Double) {
        self.scale = scale; self.lower = lower; self.upper = upper; self.start = start; self.end = end
        u0 = scale.forward(lower)
        let du = scale.forward(upper) - u0
        k = du == 0 ? 0 : (end - start) / du
    }

    /// The position in points of data value `v`.
    @inline(__always) public func callAsFunction(_ v: Double) -> Double {
        start + (scale.forward(v) - u0) * k
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
