import Training

extension DropoutStudy {
    /// The network, the dropout rate and the training budget of the dropout study.
    public struct Config: StudyConfig {
        /// Depth of the deep CNN with BatchNorm (widths 16, then 32); before-norm places a dropout before each convolution but the first.
        public var depth = 4
        /// The probability of zeroing a unit.
        public var p: Float = 0.3
        public var seeds = 2
        public var epochs = 1
        /// The first N training images.
        public var trainLimit = 3840
        /// The first N test images; also the number of training images whose eval-mode accuracy gives the generalisation gap.
        public var testLimit = 2000
        public var batchSize = 64
        public var learningRate: Float = 0.05
        public var momentum: Float = 0.9
        /// Training images over which the BatchNorm inputs' variances are measured in both modes.
        public var varianceImages = 1024

        /// quick: 3,840 images, one epoch, 2 seeds; full: 20,000 images, 2 epochs, 3 seeds, all 10,000 test images.
        public init(profile: Profile) {
            if profile == .full {
                trainLimit = 20_000
                testLimit = 10_000
                epochs = 2
                seeds = 3
                varianceImages = 4096
            }
        }

        public func validate() throws(ConfigError) {
            guard (2...32).contains(depth) else { throw ConfigError(key: "depth", message: "must be in 2…32 (a dropout needs a BatchNorm after it), got \(depth)") }
            guard p > 0, p < 1 else { throw ConfigError(key: "p", message: "must be in (0, 1), got \(p)") }
            guard (1...100).contains(seeds) else { throw ConfigError(key: "seeds", message: "must be in 1…100, got \(seeds)") }
            guard (1...100).contains(epochs) else { throw ConfigError(key: "epochs", message: "must be in 1…100, got \(epochs)") }
            guard (2...4096).contains(batchSize) else { throw ConfigError(key: "batchSize", message: "must be in 2…4096, got \(batchSize)") }
            guard (batchSize...1_000_000).contains(trainLimit) else {
                throw ConfigError(key: "trainLimit", message: "must be between the batch size (\(batchSize)) and 1,000,000, got \(trainLimit)")
            }
            guard (1...1_000_000).contains(testLimit) else { throw ConfigError(key: "testLimit", message: "must be in 1…1,000,000, got \(testLimit)") }
            guard learningRate > 0, learningRate <= 100 else { throw ConfigError(key: "learningRate", message: "must be in (0, 100], got \(learningRate)") }
            guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
            guard (2...100_000).contains(varianceImages) else { throw ConfigError(key: "varianceImages", message: "must be in 2…100,000, got \(varianceImages)") }
        }
    }
}
