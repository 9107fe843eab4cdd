import Training

extension LRSweepStudy {
    /// The grid and the training budget of each run.
    public struct Config: StudyConfig {
        public var depths: [Int] = [2, 6]
        public var learningRates: [Float] = [0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3]
        /// Seeds per grid point (the base seed and the ones after it).
        public var seeds: Int = 1
        public var epochs: Int = 1
        /// The first N training images (nil: all).
        public var trainLimit: Int? = 10_000
        public var batchSize: Int = 128
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
            for (i, lr) in learningRates.enumerated() where !(lr > 0 && lr.isFinite) {
                throw ConfigError(key: "learningRates[\(i)]", message: "every learning rate must be positive, got \(lr)")
            }
            guard !depths.isEmpty else { throw ConfigError(key: "depths", message: "the list of depths is empty") }
            for (i, d) in depths.enumerated() where !(2...64).contains(d) {
                throw ConfigError(key: "depths[\(i)]", message: "depths must be between 2 and 64 (2 is the seed's ConvNet), got \(d)")
            }
            guard seeds >= 1 else { throw ConfigError(key: "seeds", message: "must be at least 1, got \(seeds)") }
            guard epochs >= 1 else { throw ConfigError(key: "epochs", message: "must be at least 1, got \(epochs)") }
            guard batchSize >= 2 else { throw ConfigError(key: "batchSize", message: "must be at least 2, got \(batchSize)") }
            guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
            if let n = trainLimit, n < batchSize {
                throw ConfigError(key: "trainLimit", message: "must be at least the batch size (\(batchSize)), got \(n)")
            }
        }
    }
}
