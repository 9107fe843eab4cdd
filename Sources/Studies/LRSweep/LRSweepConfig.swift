import Training

extension LRSweepStudy {
    /// The grid and the training budget of each run.
    public struct Config: StudyConfig {
        /// Network depths, 2…64 (2 is the seed's ConvNet), at most 16 of them.
        public var depths: [Int] = [2, 6]
        /// The grid: 1…64 learning rates in (0, 1000].
        public var learningRates: [Float] = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3]
        /// Seeds per grid point (the base seed and the ones after it), 1…100.
        public var seeds: Int = 1
        /// Epochs per run, 1…1000.
        public var epochs: Int = 1
        /// The first N training images (nil: all), from the batch size to 10,000,000.
        public var trainLimit: Int? = 10_000
        /// 2…4096.
        public var batchSize: Int = 128
        /// SGD momentum in [0, 1).
        public var momentum: Float = 0.9

        /// quick: one epoch on 10,000 images, one seed; full: all 60,000 images, two epochs, three seeds.
        public init(profile: Profile) {
            if profile == .full {
                trainLimit = nil
                epochs = 2
                seeds = 3
            }
        }

        public static let optionalKeys: Set<String> = ["trainLimit"]

        public func validate() throws(ConfigError) {
            guard !learningRates.isEmpty else { throw ConfigError(key: "learningRates", message: "the grid is empty") }
            guard learningRates.count <= 64 else { throw ConfigError(key: "learningRates", message: "at most 64 learning rates, got \(learningRates.count)") }
            for (i, lr) in learningRates.enumerated() where !(lr > 0 && lr.isFinite) {
                throw ConfigError(key: "learningRates[\(i)]", message: "every learning rate must be positive, got \(lr)")
            }
            for (i, lr) in learningRates.enumerated() where lr > 1000 {
                throw ConfigError(key: "learningRates[\(i)]", message: "must be at most 1000, got \(lr)")
            }
            guard !depths.isEmpty else { throw ConfigError(key: "depths", message: "the list of depths is empty") }
            guard depths.count <= 16 else { throw ConfigError(key: "depths", message: "at most 16 depths, got \(depths.count)") }
            for (i, d) in depths.enumerated() where !(2...64).contains(d) {
                throw ConfigError(key: "depths[\(i)]", message: "depths must be between 2 and 64 (2 is the seed's ConvNet), got \(d)")
            }
            guard (1...100).contains(seeds) else { throw ConfigError(key: "seeds", message: "must be in 1…100, got \(seeds)") }
            guard (1...1000).contains(epochs) else { throw ConfigError(key: "epochs", message: "must be in 1…1000, got \(epochs)") }
            guard (2...4096).contains(batchSize) else { throw ConfigError(key: "batchSize", message: "must be in 2…4096, got \(batchSize)") }
            guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
            if let n = trainLimit, !(batchSize...10_000_000).contains(n) {
                throw ConfigError(key: "trainLimit", message: "must be between the batch size (\(batchSize)) and 10,000,000, got \(n)")
            }
        }
    }
}
