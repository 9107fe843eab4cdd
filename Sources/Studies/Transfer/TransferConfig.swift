import Training

extension TransferStudy {
    /// The pretraining, the targets, the strategies and the fine-tuning budget of the transfer study.
    public struct Config: StudyConfig {
        /// Target data sets: `new-classes` (classes 5–9), `low-contrast` and `inverted` (classes 0–4 shifted).
        public var targets: [Target] = Target.allCases
        /// Fine-tuning strategies, in the report's order.
        public var strategies: [Strategy] = Strategy.allCases
        /// Target training-set sizes (labelled images per run), each at most the target's pool.
        public var sizes: [Int] = [100, 1000, 3000]
        /// Also fine-tune on every image of the target's pool ("all").
        public var allImages = false
        public var seeds = 3

        /// Source (classes 0–4) training images the model is pretrained on; the rest of those
        /// classes' training images are the pool of the shifted targets.
        public var sourceImages = 6000
        public var sourceEpochs = 2
        public var sourceLearningRate: Float = 0.05

        /// Fine-tuning: at least `epochs` epochs and at least `minSteps` steps (small sets repeat).
        public var epochs = 2
        public var minSteps = 60
        public var batchSize = 32
        public var learningRate: Float = 0.01
        public var momentum: Float = 0.9
        /// Test images of the target classes accuracies are measured on (the same for every run).
        public var testLimit = 1000
        /// Images of the source and of the target whose BN statistics are compared.
        public var statisticsImages = 2000

        /// quick: classes 0–4 pretrained on 6,000 images for 2 epochs; the three targets at 100, 1,000 and 3,000 target
        /// images; 3 seeds; 1,000 test images. full: 15,000 source images for 3 epochs; 100, 1,000 and all target images;
        /// 5 seeds, at least 4 epochs and 200 steps; every test image.
        public init(profile: Profile) {
            if profile == .full {
                sizes = [100, 1000]
                allImages = true
                seeds = 5
                sourceImages = 15_000
                sourceEpochs = 3
                epochs = 4
                minSteps = 200
                testLimit = 10_000
                statisticsImages = 5000
            }
        }

        public func validate() throws(ConfigError) {
            guard !targets.isEmpty else { throw ConfigError(key: "targets", message: "is empty; choose from \(Target.allCases.map(\.rawValue).joined(separator: ", "))") }
            guard Set(targets).count == targets.count else { throw ConfigError(key: "targets", message: "has duplicates") }
            guard !strategies.isEmpty else {
                throw ConfigError(key: "strategies", message: "is empty; choose from \(Strategy.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard Set(strategies).count == strategies.count else { throw ConfigError(key: "strategies", message: "has duplicates") }
            guard !sizes.isEmpty || allImages else { throw ConfigError(key: "sizes", message: "no size to fine-tune at: the list is empty and allImages is false") }
            guard sizes.count <= 20 else { throw ConfigError(key: "sizes", message: "at most 20 sizes, got \(sizes.count)") }
            for (i, n) in sizes.enumerated() where !(2...1_000_000).contains(n) {
                throw ConfigError(key: "sizes[\(i)]", message: "must be in 2…1,000,000, got \(n)")
            }
            guard Set(sizes).count == sizes.count else { throw ConfigError(key: "sizes", message: "has duplicates") }
            guard (1...100).contains(seeds) else { throw ConfigError(key: "seeds", message: "must be in 1…100, got \(seeds)") }
            guard (2...1_000_000).contains(sourceImages) else { throw ConfigError(key: "sourceImages", message: "must be in 2…1,000,000, got \(sourceImages)") }
            guard (1...100).contains(sourceEpochs) else { throw ConfigError(key: "sourceEpochs", message: "must be in 1…100, got \(sourceEpochs)") }
            guard sourceLearningRate > 0, sourceLearningRate <= 10 else {
                throw ConfigError(key: "sourceLearningRate", message: "must be in (0, 10], got \(sourceLearningRate)")
            }
            guard (1...1000).contains(epochs) else { throw ConfigError(key: "epochs", message: "must be in 1…1000, got \(epochs)") }
            guard (1...100_000).contains(minSteps) else { throw ConfigError(key: "minSteps", message: "must be in 1…100,000, got \(minSteps)") }
            guard (2...4096).contains(batchSize) else { throw ConfigError(key: "batchSize", message: "must be in 2…4096, got \(batchSize)") }
            guard learningRate > 0, learningRate <= 10 else { throw ConfigError(key: "learningRate", message: "must be in (0, 10], got \(learningRate)") }
            guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
            guard (2...1_000_000).contains(testLimit) else { throw ConfigError(key: "testLimit", message: "must be in 2…1,000,000, got \(testLimit)") }
            guard (2...1_000_000).contains(statisticsImages) else {
                throw ConfigError(key: "statisticsImages", message: "must be in 2…1,000,000, got \(statisticsImages)")
            }
        }
    }
}
