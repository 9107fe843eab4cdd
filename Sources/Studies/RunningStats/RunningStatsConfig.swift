import Engine
import Training

extension RunningStatsStudy {
    /// The momenta, the training budget and the measurements of the running-statistics study.
    public struct Config: StudyConfig {
        /// BatchNorm momenta to train with: numbers in (0, 1], or "cumulative" (PyTorch's `momentum=None`).
        public var momenta: [BatchNormOptions.Momentum] = [.exponential(0.1), .exponential(0.05), .exponential(0.01), .cumulative]
        /// Also train with `track_running_stats=False` (batch statistics in evaluation too).
        public var untracked = true
        public var seeds = 2
        public var epochs = 1
        /// The first N training images: the training set of every run and of the population statistics.
        public var trainLimit = 3200
        /// The first N test images (accuracies are measured on them).
        public var testLimit = 1500
        public var batchSize = 64
        public var learningRate: Float = 0.05
        public var momentum: Float = 0.9
        /// Training steps at which running and population statistics are compared, spread evenly from the first to the last.
        public var checkpoints = 5
        /// Test images whose logits are computed alone (a batch of one) and inside a batch of up to 1,000.
        public var singleImages = 32

        /// quick: 3,200 images (50 steps), one epoch, 2 seeds, 1,500 test images, 5 checkpoints; full: 60,000 images, 2 epochs, 3 seeds, all 10,000 test images, 8 checkpoints.
        public init(profile: Profile) {
            if profile == .full {
                trainLimit = 60_000
                testLimit = 10_000
                epochs = 2
                seeds = 3
                batchSize = 128
                checkpoints = 8
                singleImages = 200
            }
        }

        public func validate() throws(ConfigError) {
            guard !momenta.isEmpty || untracked else { throw ConfigError(key: "momenta", message: "no arm to train: the list is empty and untracked is false") }
            for (i, m) in momenta.enumerated() {
                if case .exponential(let v) = m, !(v > 0 && v <= 1) {
                    throw ConfigError(key: "momenta[\(i)]", message: "must be in (0, 1] or \"cumulative\", got \(v)")
                }
            }
            guard Set(momenta.map(\.description)).count == momenta.count else { throw ConfigError(key: "momenta", message: "has duplicates") }
            guard (1...100).contains(seeds) else { throw ConfigError(key: "seeds", message: "must be in 1…100, got \(seeds)") }
            guard (1...100).contains(epochs) else { throw ConfigError(key: "epochs", message: "must be in 1…100, got \(epochs)") }
            guard (2...4096).contains(batchSize) else { throw ConfigError(key: "batchSize", message: "must be in 2…4096, got \(batchSize)") }
            guard (batchSize...1_000_000).contains(trainLimit) else {
                throw ConfigError(key: "trainLimit", message: "must be between the batch size (\(batchSize)) and 1,000,000, got \(trainLimit)")
            }
            guard (2...1_000_000).contains(testLimit) else { throw ConfigError(key: "testLimit", message: "must be in 2…1,000,000, got \(testLimit)") }
            guard learningRate > 0, learningRate <= 100 else { throw ConfigError(key: "learningRate", message: "must be in (0, 100], got \(learningRate)") }
            guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
            guard (1...1000).contains(checkpoints) else { throw ConfigError(key: "checkpoints", message: "must be in 1…1000, got \(checkpoints)") }
            guard (1...10_000).contains(singleImages) else { throw ConfigError(key: "singleImages", message: "must be in 1…10,000, got \(singleImages)") }
        }
    }
}
