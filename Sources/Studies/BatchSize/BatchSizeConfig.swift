import Engine
import Training

extension BatchSizeStudy {
    /// The normalisations, batch sizes and training budget of the batch-size study.
    public struct Config: StudyConfig {
        /// Normalisations after each convolution of the deep CNN.
        public var norms: [NormKind] = [.batch, .group, .layer, .instance, .none]
        public var batchSizes: [Int] = [2, 4, 8, 16, 32]
        /// Depth of the deep CNN (widths 16, then 32).
        public var depth = 4
        /// GroupNorm's number of groups: 8 gives groups of 2 channels at width 16 and 4 at width 32.
        public var groups = 8
        /// The learning rate at batch `baseBatchSize`; a batch of b trains at `baseLearningRate · b / baseBatchSize` (Goyal et al.'s linear scaling, as Wu & He).
        public var baseLearningRate: Float = 0.05
        public var baseBatchSize = 32
        public var momentum: Float = 0.9
        public var epochs = 1
        /// The first N training images.
        public var trainLimit = 1280
        /// The first N test images.
        public var testLimit = 1000
        public var seeds = 2

        /// quick: batch sizes 2–32, 1,280 images, 2 seeds, 1,000 test images; full: batch sizes 2–128, 15,000 images, 3 seeds, all 10,000 test images.
        public init(profile: Profile) {
            if profile == .full {
                batchSizes = [2, 4, 8, 16, 32, 64, 128]
                trainLimit = 15_000
                testLimit = 10_000
                seeds = 3
            }
        }

        public func validate() throws(ConfigError) {
            guard !norms.isEmpty else { throw ConfigError(key: "norms", message: "the list is empty; accepted: \(NormKind.allCases.map(\.rawValue).joined(separator: ", "))") }
            guard Set(norms).count == norms.count else { throw ConfigError(key: "norms", message: "has duplicates") }
            guard !batchSizes.isEmpty else { throw ConfigError(key: "batchSizes", message: "the list is empty") }
            for (i, b) in batchSizes.enumerated() where !(2...4096).contains(b) {
                throw ConfigError(key: "batchSizes[\(i)]", message: "must be in 2…4096 (BatchNorm needs two samples), got \(b)")
            }
            guard Set(batchSizes).count == batchSizes.count else { throw ConfigError(key: "batchSizes", message: "has duplicates") }
            guard (2...32).contains(depth) else { throw ConfigError(key: "depth", message: "must be in 2…32, got \(depth)") }
            guard [1, 2, 4, 8, 16].contains(groups) else { throw ConfigError(key: "groups", message: "must divide the widths 16 and 32: 1, 2, 4, 8 or 16, got \(groups)") }
            guard baseLearningRate > 0, baseLearningRate <= 100 else { throw ConfigError(key: "baseLearningRate", message: "must be in (0, 100], got \(baseLearningRate)") }
            guard (1...4096).contains(baseBatchSize) else { throw ConfigError(key: "baseBatchSize", message: "must be in 1…4096, got \(baseBatchSize)") }
            guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
            guard (1...100).contains(epochs) else { throw ConfigError(key: "epochs", message: "must be in 1…100, got \(epochs)") }
            guard let largest = batchSizes.max(), (largest...1_000_000).contains(trainLimit) else {
                throw ConfigError(key: "trainLimit", message: "must be between the largest batch size (\(batchSizes.max() ?? 0)) and 1,000,000, got \(trainLimit)")
            }
            guard (1...1_000_000).contains(testLimit) else { throw ConfigError(key: "testLimit", message: "must be in 1…1,000,000, got \(testLimit)") }
            guard (1...100).contains(seeds) else { throw ConfigError(key: "seeds", message: "must be in 1…100, got \(seeds)") }
        }
    }
}
