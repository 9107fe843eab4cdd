import Training

extension GradientsStudy {
    /// Gradients at initialisation of one network, arm and seed, over `initBatches` batches.
    public struct InitialGradients: Codable, Sendable, Equatable {
        public var depth: Int
        public var batchNorm: Bool
        public var seed: UInt64
        /// Mean over the batches of ‖∇W‖ of each weight layer (convolutions, then the linear layer).
        public var layerNorms: [Double]
        /// The weight layer whose gradient entries are summarised below (the middle convolution).
        public var middleLayer: Int
        /// Counts of that layer's gradient entries divided by their root mean square, in the bins of
        /// `GradientsStudy.histogramEdges` (values beyond the ends count in the end bins).
        public var histogram: [Int]
        /// Median and 99th percentile of |g| / rms(g): heavy tails push p99 up.
        public var medianAbs: Double
        public var p99Abs: Double
        /// Excess kurtosis of the entries, averaged over the batches (0 for a Gaussian).
        public var kurtosis: Double
    }

    /// One probe of a training run at one step.
    public struct Probe: Codable, Sendable, Equatable {
        /// The 1-based training step whose gradients were probed (before its update).
        public var step: Int
        /// ‖G − G′‖ / ‖G‖ and cos(G, G′) per weight layer (Santurkar's ICS).
        public var icsRelative: [Double]
        public var icsCosine: [Double]
        /// Per step size: the loss at x − s·g, and ‖∇L(x) − ∇L(x − s·g)‖.
        public var landscapeLoss: [Double]
        public var gradientDistance: [Double]
        /// max ‖Δ∇L‖ / ‖s·g‖ over the step sizes.
        public var beta: Double
    }

    /// One training run: its result, its per-layer gradient norms at every step and its probes.
    public struct Run: Codable, Sendable, Equatable {
        public var depth: Int
        public var batchNorm: Bool
        public var learningRate: Float
        public var seed: UInt64
        public var result: TrainingResult
        public var failed: Bool
        public var failureReason: String?
        /// ‖∇W‖ per weight layer (outer) and step (inner).
        public var gradientNorms: [[Float]]
        public var probes: [Probe]
    }

    /// What one unit measured: its training run, and the initial gradients if it measured them.
    public struct UnitOutput: Codable, Sendable {
        public var initial: InitialGradients?
        public var run: Run
    }

    /// The bin edges of the gradient-entry histograms, in units of the entries' RMS.
    public static let histogramEdges: [Double] = stride(from: -12.0, through: 12.0, by: 0.5).map { $0 }
}
