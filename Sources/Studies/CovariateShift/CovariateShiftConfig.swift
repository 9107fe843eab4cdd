import Training

extension CovariateShiftStudy {
    /// The simulation's noise levels, population size, length and repetitions.
    public struct Config: StudyConfig {
        /// Noise standard deviations σ, one curve each.
        public var noiseLevels: [Double] = [0.1, 0.5, 1.0]
        /// Population size (the seed's 1000).
        public var samples: Int = 1000
        /// Iterations (the seed's "epochs": 100).
        public var iterations: Int = 100
        /// Independent repetitions, for bands.
        public var seeds: Int = 5

        /// quick: 5 repetitions; full: 20.
        public init(profile: Profile) {
            if profile == .full { seeds = 20 }
        }

        public func validate() throws(ConfigError) {
            guard !noiseLevels.isEmpty else { throw ConfigError(key: "noiseLevels", message: "must be a non-empty list of non-negative numbers") }
            for (i, sigma) in noiseLevels.enumerated() where !(sigma >= 0 && sigma.isFinite) {
                throw ConfigError(key: "noiseLevels[\(i)]", message: "must be a non-negative number, got \(sigma)")
            }
            guard samples >= 2 else { throw ConfigError(key: "samples", message: "must be at least 2, got \(samples)") }
            guard iterations >= 1 else { throw ConfigError(key: "iterations", message: "must be at least 1") }
            guard seeds >= 1 else { throw ConfigError(key: "seeds", message: "must be at least 1") }
        }
    }
}
