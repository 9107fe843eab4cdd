/// Which normalisation a model uses after each convolution.
public enum NormKind: String, Codable, Sendable, CaseIterable {
    case none, batch, layer, group, instance
}

/// A model architecture by name and parameters: enough to rebuild it and to describe a checkpoint.
///
/// Command-line names: `convnet-bn` (the seed's ConvNetWithBN), `convnet` (its twin without BN),
/// `convnet-bn-dropout`, and `deep` (a plain CNN whose depth and normalisation are parameters).
public struct ModelSpec: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The model family.
    public enum Family: String, Codable, Sendable, CaseIterable {
        case convnetBN = "convnet-bn"
        case convnet = "convnet"
        case convnetBNDropout = "convnet-bn-dropout"
        case deep = "deep"
    }

    public var family: Family
    /// Input shape without the batch dimension: `[C, H, W]`, e.g. `[1, 28, 28]` or `[3, 32, 32]`.
    public var inputShape: [Int]
    /// Number of convolutions (`deep` only; the convnets have 2).
    public var depth: Int
    /// Normalisation after each convolution (`deep` only; fixed by the family otherwise).
    public var norm: NormKind
    /// Dropout probability before the classifier (`convnet-bn-dropout` only).
    public var dropout: Float
    /// Number of classes.
    public var classes: Int

    public init(family: Family, inputShape: [Int] = [1, 28, 28], depth: Int = 2, norm: NormKind? = nil,
                dropout: Float = 0.5, classes: Int = 10) {
        self.family = family
        self.inputShape = inputShape
        self.depth = family == .deep ? depth : 2
        switch family {
        case .convnetBN, .convnetBNDropout: self.norm = .batch
        case .convnet: self.norm = .none
        case .deep: self.norm = norm ?? .none
        }
        self.dropout = family == .convnetBNDropout ? dropout : 0
        self.classes = classes
    }

    /// The same architecture with another normalisation: the "twin" used for BN/no-BN comparisons.
    public func withNorm(_ kind: NormKind) -> ModelSpec {
        switch family {
        case .deep:
            var copy = self; copy.norm = kind; return copy
        case .convnet, .convnetBN:
            return ModelSpec(family: kind == .batch ? .convnetBN : .convnet, inputShape: inputShape, classes: classes)
        case .convnetBNDropout:
            var copy = self; copy.norm = kind; return copy
        }
    }

    /// A short human-readable name, e.g. `deep-6-batch`.
    public var description: String {
        family == .deep ? "deep-\(depth)-\(norm.rawValue)" : family.rawValue
    }

    /// Checks the parameters, naming what is wrong.
    public func validate() throws(ModelError) {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw .invalid("input shape must be [C, H, W] with positive sizes, got \(inputShape)")
        }
        guard inputShape[1] >= 4, inputShape[2] >= 4 else {
            throw .invalid("input must be at least 4×4 (two 2×2 poolings), got \(inputShape[1])×\(inputShape[2])")
        }
        guard depth >= 2 else { throw .invalid("depth must be at least 2, got \(depth)") }
        guard depth <= 64 else { throw .invalid("depth must be at most 64, got \(depth)") }
        guard (0..<1).contains(dropout) else { throw .invalid("dropout must be in [0, 1), got \(dropout)") }
        guard classes >= 2 else { throw .invalid("classes must be at least 2, got \(classes)") }
        // Bounds checked before anything is allocated: a checkpoint's metadata is input.
        guard inputShape[0] <= 64, inputShape[1] <= 1024, inputShape[2] <= 1024 else {
            throw .invalid("input must be at most 64 channels of 1024×1024, got \(inputShape)")
        }
        guard classes <= 100_000 else { throw .invalid("classes must be at most 100,000, got \(classes)") }
    }
}

/// A model description that cannot be built.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let why): return "invalid model: \(why)" }
    }
}
