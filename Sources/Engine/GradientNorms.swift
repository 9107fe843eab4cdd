/// L2 norms of parameter gradients, for monitoring training.
public enum GradientNorms {
    /// The L2 norm over all gradients together: what `clip_grad_norm_(parameters, max_norm,
    /// norm_type=2)` returns (the norm of the per-parameter norms).
    public static func total(_ parameters: [Parameter]) -> Float {
        let squares = parameters.reduce(0.0) { $0 + squaredNorm($1.grad) }
        return Float(squares.squareRoot())
    }

    /// The L2 norm of each parameter's gradient, by name (`conv1.weight`).
    public static func perParameter(_ named: [(String, Parameter)]) -> [(String, Float)] {
        named.map { ($0.0, Float(squaredNorm($0.1.grad).squareRoot())) }
    }

    /// Σ g², accumulated in Double.
    private static func squaredNorm(_ g: Tensor) -> Double {
        g.data.withUnsafeBufferPointer { v in
            var s = 0.0
            for x in v { s += Double(x) * Double(x) }
            return s
        }
    }
}
