/// How a `Conv2d` or `Linear` layer draws its initial weights and bias.
public enum Initialization: Sendable, Equatable {
    /// PyTorch's default `reset_parameters`: `kaiming_uniform_(weight, a: √5)`, which is
    /// U(−1/√fan_in, 1/√fan_in), and bias U(−1/√fan_in, 1/√fan_in).
    case pytorchDefault
    /// `kaiming_normal_(weight, mode: "fan_in", nonlinearity: "relu")`, i.e. N(0, 2/fan_in),
    /// with the bias set to zero (the usual pairing, as in torchvision's ResNet).
    case kaimingNormal
    /// `normal_(weight, 0, std)` with the bias set to zero: Ioffe & Szegedy's "small random
    /// Gaussian values" for their Figure 1 network.
    case normal(std: Float)

    // MARK: - Bounds, computed exactly as torch.nn.init does (in Double, like Python floats)

    /// The `kaiming_uniform_` bound: gain = √(2/(1+a²)), std = gain/√fan_in, bound = √3·std.
    public static func kaimingUniformBound(fanIn: Int, a: Double = 5.0.squareRoot()) -> Float {
        let gain = (2.0 / (1.0 + a * a)).squareRoot()
        let std = gain / Double(fanIn).squareRoot()
        return Float(3.0.squareRoot() * std)
    }

    /// The default bias bound 1/√fan_in (0 when fan_in is 0, as PyTorch).
    public static func biasBound(fanIn: Int) -> Float {
        fanIn > 0 ? Float(1.0 / Double(fanIn).squareRoot()) : 0
    }

    /// The `kaiming_normal_` standard deviation with ReLU gain √2 and mode fan_in.
    public static func kaimingNormalStd(fanIn: Int) -> Float {
        Float(2.0.squareRoot() / Double(fanIn).squareRoot())
    }

    // MARK: - Sampling

    /// Draws a weight tensor of `shape` whose fan_in is `fanIn`.
    public func weight(shape: [Int], fanIn: Int, rng: inout SeededGenerator) -> Tensor {
        var w = Tensor(zeros: shape)
        switch self {
        case .pytorchDefault:
            let bound = Self.kaimingUniformBound(fanIn: fanIn)
            for i in 0..<w.count { w.data[i] = rng.uniform(-bound, bound) }
        case .kaimingNormal:
            let std = Self.kaimingNormalStd(fanIn: fanIn)
            for i in 0..<w.count { w.data[i] = std * rng.normal() }
        case .normal(let std):
            for i in 0..<w.count { w.data[i] = std * rng.normal() }
        }
        return w
    }

    /// Draws a bias tensor of `count` elements for a layer whose fan_in is `fanIn`.
    public func bias(count: Int, fanIn: Int, rng: inout SeededGenerator) -> Tensor {
        var b = Tensor(zeros: [count])
        if self == .pytorchDefault {
            let bound = Self.biasBound(fanIn: fanIn)
            for i in 0..<count { b.data[i] = rng.uniform(-bound, bound) }
        }
        return b
    }
}
