/// Which normalisation a model uses after each convolution.
public enum NormKind: String, Codable, Sendable, CaseIterable {
    case none, batch, layer, group, instance
}

/// How a model's BatchNorm layers keep running statistics (PyTorch's `momentum` and
/// `track_running_stats`).
public struct BatchNormOptions: Codable, Sendable, Equatable {
    /// The running-average factor.
    public enum Momentum: Codable, Sendable, Equatable, CustomStringConvertible {
        /// `running = (1 − m)·running + m·batch`.
        case exponential(Float)
        /// PyTorch's `momentum=None`: the cumulative average, factor 1 / `num_batches_tracked`.
        case cumulative

        /// The layer's `momentum` (nil for the cumulative average).
        public var value: Float? { if case .exponential(let m) = self { m } else { nil } }

        public var description: String {
            switch self {
            case .exponential(let m): "\(m)"
            case .cumulative: "None"
            }
        }

        /// A number, or the string "cumulative".
        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let m = try? c.decode(Float.self) { self = .exponential(m); return }
            guard try c.decode(String.self) == "cumulative" else {
                throw DecodingError.dataCorruptedError(in: c, debugDescription: "momentum must be a number in (0, 1] or \"cumulative\"")
            }
            self = .cumulative
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.singleValueContainer()
            switch self {
            case .exponential(let m): try c.encode(m)
            case .cumulative: try c.encode("cumulative")
            }
        }
    }

    public var momentum: Momentum
    /// false: no running statistics; batch statistics in evaluation mode too.
    public var trackRunningStats: Bool

    /// PyTorch's defaults: momentum 0.1, tracked.
    public init(momentum: Momentum = .exponential(0.1), trackRunningStats: Bool = true) {
        self.momentum = momentum
        self.trackRunningStats = trackRunningStats
    }
}

/// Where a `deep` network's dropout layers go (Li et al. 2019's two arrangements).
public enum DropoutPlacement: String, Codable, Sendable, CaseIterable {
    /// Before every convolution but the first, so each dropout feeds a BatchNorm (after a conv).
    case beforeNorm = "before-norm"
    /// Once, before the classifier: after every BatchNorm.
    case afterNorm = "after-norm"
}

/// A model architecture by name and parameters: enough to rebuild it and to describe a checkpoint.
///
/// Command-line names: `convnet-bn` (the seed's ConvNetWithBN), `convnet` (its twin without BN),
/// `convnet-bn-dropout`, `deep` (a plain CNN whose depth and normalisation are parameters),
/// `mlp-sigmoid` / `mlp-sigmoid-bn` (Ioffe & Szegedy's Figure 1 network: three hidden layers of 100
/// sigmoid units, BatchNorm1d before each sigmoid in the `-bn` twin), and the recurrent networks that
/// read an image row by row (`rnn`, `rnn-bn-shared`, `rnn-bn-step`, `rnn-ln`; see `ModelSpec+Recurrent.swift`).
public struct ModelSpec: Codable, Sendable, Equatable, CustomStringConvertible {
    /// The model family.
    public enum Family: String, Codable, Sendable, CaseIterable {
        case convnetBN = "convnet-bn"
        case convnet = "convnet"
        case convnetBNDropout = "convnet-bn-dropout"
        case deep = "deep"
        case mlpSigmoid = "mlp-sigmoid"
        case mlpSigmoidBN = "mlp-sigmoid-bn"

        /// The fully connected sigmoid networks.
        public var isMLP: Bool { self == .mlpSigmoid || self == .mlpSigmoidBN }
        /// A tanh RNN over the image's rows, a linear head on the last hidden state.
        case rnn = "rnn"
        /// The deck's `BatchNormRNN`: one BatchNorm1d on the hidden state, shared by every step.
        case rnnBNShared = "rnn-bn-shared"
        /// Cooijmans et al.'s recurrent BN: both terms normalised, statistics per time step.
        case rnnBNStep = "rnn-bn-step"
        /// Ba et al.'s LayerNorm on both terms.
        case rnnLN = "rnn-ln"

        /// Whether the family is one of the recurrent networks.
        public var isRecurrent: Bool { [.rnn, .rnnBNShared, .rnnBNStep, .rnnLN].contains(self) }
    }

    public var family: Family
    /// Input shape without the batch dimension: `[C, H, W]`, e.g. `[1, 28, 28]` or `[3, 32, 32]`.
    public var inputShape: [Int]
    /// Number of convolutions (`deep` only; the convnets have 2), or of hidden layers (the MLPs: 3).
    public var depth: Int
    /// Normalisation after each convolution (`deep` only; fixed by the family otherwise).
    public var norm: NormKind
    /// Dropout probability before the classifier (`convnet-bn-dropout` only).
    public var dropout: Float
    /// Number of classes.
    public var classes: Int
    /// BatchNorm's running statistics; nil: PyTorch's defaults (momentum 0.1, tracked).
    public var batchNorm: BatchNormOptions?
    /// GroupNorm's number of groups (`deep` with `norm: group`); nil: 8.
    public var groups: Int?
    /// Where dropout goes in a `deep` network (with probability `dropout`); nil: no dropout.
    public var dropoutPlacement: DropoutPlacement?
    /// Initial weights drawn from N(0, std²) with zero biases (the MLPs only: Ioffe & Szegedy's
    /// "small random Gaussian values"); nil: PyTorch's default initialisation.
    public var weightStd: Float?

    /// Hidden units of a recurrent network; nil: `defaultHiddenSize`.
    public var hiddenSize: Int?
    /// A recurrent network reads the pixels in the fixed random order drawn from this seed
    /// (permuted sequential Fashion-MNIST); nil: row by row.
    public var permutationSeed: UInt64?
    /// γ's initial value of `rnn-bn-step`'s normalisations; nil: 0.1 (Cooijmans et al.).
    public var recurrentGamma: Float?

    /// GroupNorm's groups when `groups` is nil: 2 channels per group at width 16, 4 at width 32.
    public static let defaultGroups = 8
    /// The MLPs' hidden layers and their width (Ioffe & Szegedy's 784-100-100-100-10).
    public static let mlpHiddenLayers = 3
    public static let mlpWidth = 100

    public init(family: Family, inputShape: [Int] = [1, 28, 28], depth: Int = 2, norm: NormKind? = nil,
                dropout: Float = 0.5, classes: Int = 10, batchNorm: BatchNormOptions? = nil,
                groups: Int? = nil, dropoutPlacement: DropoutPlacement? = nil, weightStd: Float? = nil,
                hiddenSize: Int? = nil, permutationSeed: UInt64? = nil, recurrentGamma: Float? = nil) {
        self.family = family
        self.inputShape = inputShape
        self.depth = family == .deep ? depth : family.isMLP ? Self.mlpHiddenLayers : 2
        switch family {
        case .convnetBN, .convnetBNDropout, .mlpSigmoidBN: self.norm = .batch
        case .convnet, .mlpSigmoid: self.norm = .none
        case .deep: self.norm = norm ?? .none
        case .rnn: self.norm = .none
        case .rnnBNShared, .rnnBNStep: self.norm = .batch
        case .rnnLN: self.norm = .layer
        }
        self.weightStd = family.isMLP ? weightStd : nil
        self.dropoutPlacement = family == .deep ? dropoutPlacement : nil
        self.dropout = family == .convnetBNDropout || self.dropoutPlacement != nil ? dropout : 0
        self.classes = classes
        self.batchNorm = batchNorm
        self.groups = family == .deep && self.norm == .group ? groups : nil
        self.hiddenSize = family.isRecurrent ? hiddenSize : nil
        self.permutationSeed = family.isRecurrent ? permutationSeed : nil
        self.recurrentGamma = family == .rnnBNStep ? recurrentGamma : nil
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
        case .mlpSigmoid, .mlpSigmoidBN:
            var copy = self
            copy.family = kind == .batch ? .mlpSigmoidBN : .mlpSigmoid
            copy.norm = kind == .batch ? .batch : .none
            return copy
        case .rnn, .rnnBNShared, .rnnBNStep, .rnnLN:
            let family: Family = switch kind {
            case .none: .rnn
            case .batch: self.family == .rnnBNShared ? .rnnBNShared : .rnnBNStep
            default: .rnnLN
            }
            return ModelSpec(family: family, inputShape: inputShape, classes: classes, hiddenSize: hiddenSize,
                             permutationSeed: permutationSeed, recurrentGamma: recurrentGamma)
        }
    }

    /// A short human-readable name, e.g. `deep-6-batch`.
    public var description: String {
        var name = family == .deep ? "deep-\(depth)-\(norm.rawValue)" : family.rawValue
        if let hiddenSize { name += "-h\(hiddenSize)" }
        if let recurrentGamma { name += "-gamma\(recurrentGamma)" }
        if let permutationSeed { name += "-permuted\(permutationSeed)" }
        if let groups { name += "-g\(groups)" }
        if let weightStd { name += "-std\(weightStd)" }
        if let p = dropoutPlacement { name += "-dropout-\(p.rawValue)" }
        if let o = batchNorm, o != BatchNormOptions() {
            name += o.trackRunningStats ? "-momentum-\(o.momentum)" : "-untracked"
        }
        return name
    }

    /// Checks the parameters, naming what is wrong.
    public func validate() throws(ModelError) {
        guard inputShape.count == 3, inputShape.allSatisfy({ $0 > 0 }) else {
            throw .invalid("input shape must be [C, H, W] with positive sizes, got \(inputShape)")
        }
        guard family.isRecurrent || (inputShape[1] >= 4 && inputShape[2] >= 4) else {
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
        if let groups, ![1, 2, 4, 8, 16].contains(groups) {
            throw .invalid("groups must divide the widths 16 and 32: 1, 2, 4, 8 or 16, got \(groups)")
        }
        if let h = hiddenSize, !(1...4096).contains(h) {
            throw .invalid("hidden size must be in 1…4096, got \(h)")
        }
        if let g = recurrentGamma, !(g > 0 && g <= 100) {
            throw .invalid("the recurrent BN's initial γ must be in (0, 100], got \(g)")
        }
        if let weightStd, !(weightStd > 0 && weightStd <= 10) {
            throw .invalid("the initial weights' standard deviation must be in (0, 10], got \(weightStd)")
        }
        if family.isMLP, inputShape.reduce(1, *) > 1 << 22 {
            throw .invalid("an MLP input must have at most \(1 << 22) values, got \(inputShape)")
        }
        if case .exponential(let m)? = batchNorm?.momentum, !(m > 0 && m <= 1) {
            throw .invalid("BatchNorm momentum must be in (0, 1] or cumulative, got \(m)")
        }
    }
}

/// A model description that cannot be built.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let why): return "invalid model: \(why)" }
    }
}
