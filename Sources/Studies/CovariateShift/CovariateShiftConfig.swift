import Training

extension CovariateShiftStudy {
    /// The simulation's noise levels, population size, length and repetitions.
    public struct Config: StudyConfig {
        /// Noise standard deviations σ in [0, 1000], one curve each, at most 32 of them.
        public var noiseLevels: [Double] = [0.1, 0.5, 1.0]
        /// Population size (the seed's 1000), 2…1,000,000.
        public var samples: Int = 1000
        /// Iterations (the seed's "epochs": 100), 1…100,000.
        public var iterations: Int = 100
        /// Independent repetitions, for bands, 1…1000.
        public var seeds: Int = 5

        /// quick: 5 repetitions; full: 20.
        public init(profile: Profile) {
            if profile == .full { seeds = 20 }
        }

        public func validate() throws(ConfigError) {
            guard !noiseLevels.isEmpty else { throw ConfigError(key: "noiseLevels", message: "must be a non-empty list of non-negative numbers") }
            guard noiseLevels.count <= 32 else { throw ConfigError(key: "noiseLevels", message: "at most 32 noise levels, got \(noiseLevels.count)") }
            for (i, sigma) in noiseLevels.enumerated() where !(sigma >= 0 && sigma <= 1000) {
                throw ConfigError(key: "noiseLevels[\(i)]", message: "must be a number in [0, 1000], got \(sigma)")
            }
            guard (2...1_000_000).contains(samples) else { throw ConfigError(key: "samples", message: "must be in 2…1,000,000, got \(samples)") }
            guard (1...100_000).contains(iterations) else { throw ConfigError(key: "iterations", message: "must be in 1…100,000, got \(iterations)") }
            guard (1...1000).contains(seeds) else { throw ConfigError(key: "seeds", message: "must be in 1…1000, got \(seeds)") }
        }
    }
}
