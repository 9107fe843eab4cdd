import Training

extension GradientsStudy {
    /// The networks, learning rates and probes of the gradient study.
    public struct Config: StudyConfig {
        /// Depths of the plain deep CNN (the LR sweep's `deep` network).
        public var depths: [Int] = [6, 10]
        /// One learning rate both arms train at and one only BN trains at (the LR sweep's grid and findings).
        public var learningRates: [Float] = [0.01, 0.1]
        public var seeds: Int = 2
        public var epochs: Int = 1
        /// The first N training images.
        public var trainLimit: Int = 1920
        public var batchSize: Int = 128
        public var momentum: Float = 0.9
        /// Batches whose gradients are measured at initialisation.
        public var initBatches: Int = 4
        /// Training steps at which ICS and the landscape are probed, spread evenly from the first to the last.
        public var probes: Int = 3
        /// Step sizes of the landscape probe, as multiples of the learning rate.
        public var stepSizes: [Float] = [0.25, 0.5, 1, 2, 4]

        /// quick: depths 6 and 10, 1,920 images, 2 seeds, 3 probes; full: depths 6 and 12, 10,000 images, 3 seeds, 8 probes.
        public init(profile: Profile) {
            if profile == .full {
                depths = [6, 12]
                seeds = 3
                trainLimit = 10_000
                probes = 8
            }
        }

        public func validate() throws(ConfigError) {
            guard !depths.isEmpty else { throw ConfigError(key: "depths", message: "the list of depths is empty") }
            for (i, d) in depths.enumerated() where !(4...32).contains(d) {
                throw ConfigError(key: "depths[\(i)]", message: "must be between 4 and 32 (growth is measured over the 32-channel blocks after the two pools), got \(d)")
            }
            guard !learningRates.isEmpty else { throw ConfigError(key: "learningRates", message: "the list is empty") }
            for (i, lr) in learningRates.enumerated() where !(lr > 0 && lr.isFinite && lr <= 100) {
                throw ConfigError(key: "learningRates[\(i)]", message: "must be in (0, 100], got \(lr)")
            }
            guard (1...100).contains(seeds) else { throw ConfigError(key: "seeds", message: "must be in 1…100, got \(seeds)") }
            guard (1...100).contains(epochs) else { throw ConfigError(key: "epochs", message: "must be in 1…100, got \(epochs)") }
            guard (2...4096).contains(batchSize) else { throw ConfigError(key: "batchSize", message: "must be in 2…4096, got \(batchSize)") }
            guard (batchSize...1_000_000).contains(trainLimit) else {
                throw ConfigError(key: "trainLimit", message: "must be between the batch size (\(batchSize)) and 1,000,000, got \(trainLimit)")
            }
            guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
            guard (1...100).contains(initBatches) else { throw ConfigError(key: "initBatches", message: "must be in 1…100, got \(initBatches)") }
            guard initBatches * batchSize <= trainLimit else {
                throw ConfigError(key: "initBatches", message: "\(initBatches) batches of \(batchSize) need \(initBatches * batchSize) images, trainLimit is \(trainLimit)")
            }
            guard (0...1000).contains(probes) else { throw ConfigError(key: "probes", message: "must be in 0…1000, got \(probes)") }
            guard !stepSizes.isEmpty else { throw ConfigError(key: "stepSizes", message: "the list is empty") }
            for (i, s) in stepSizes.enumerated() where !(s > 0 && s <= 1000) {
                throw ConfigError(key: "stepSizes[\(i)]", message: "must be in (0, 1000], got \(s)")
            }
        }
    }
}
