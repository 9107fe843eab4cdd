import Engine
import Training

extension RecurrentStudy {
    /// The networks, tasks, learning rates and measurements of the recurrent study.
    public struct Config: StudyConfig {
        /// Model names (`bnlab models`): any of `rnn`, `rnn-bn-shared`, `rnn-bn-step`, `rnn-ln`, each once.
        public var networks: [String] = ["rnn", "rnn-bn-shared", "rnn-bn-step", "rnn-ln"]
        /// `rows` (28 steps of one row each) and/or `permuted` (the pixels in a fixed random order first).
        public var tasks: [Task] = [.rows, .permuted]
        /// Hidden units, 8…1024.
        public var hiddenSize: Int = 64
        /// The learning rate of the accuracy-against-epoch runs, in (0, 100].
        public var learningRate: Float = 0.05
        /// Epochs of those runs, 1…100.
        public var epochs: Int = 3
        /// Seeds per network and task, 1…100.
        public var seeds: Int = 2
        /// The sweep's grid (rows task, `sweepEpochs` each): 1…16 learning rates in (0, 100].
        public var learningRates: [Float] = [0.01, 0.05, 0.2, 0.8]
        public var sweepEpochs: Int = 1
        /// Seeds per grid point, 1…100.
        public var sweepSeeds: Int = 1
        /// γ's initial values of the per-step BN whose gradients through time are compared at
        /// initialisation (Cooijmans et al. Fig. 1), 1…8 values in (0, 100].
        public var gammas: [Float] = [0.1, 1]
        /// Seeds of that comparison, 2…100 (each is cheap: no training).
        public var gradientSeeds: Int = 4
        /// Batches whose gradients through time are averaged at initialisation, 1…100.
        public var gradientBatches: Int = 2
        /// Evaluation of the per-step BN with statistics of the first k steps only (later steps
        /// reuse step k's): each k in 1…1024.
        public var statisticsSteps: [Int] = [1, 2, 4, 7, 14, 28]
        /// The first N training images, from the batch size to 1,000,000 (nil: all).
        public var trainLimit: Int? = 6000
        /// The first N test images, 2…1,000,000.
        public var testLimit: Int = 2000
        /// 2…4096.
        public var batchSize: Int = 128
        /// SGD momentum in [0, 1).
        public var momentum: Float = 0.9
        /// The seed of the fixed pixel order of the permuted task (the same for every run).
        public var permutationSeed: UInt64 = 2016

        /// quick: 6,000 images, 3 epochs, 2 seeds, hidden 64, a 4-point sweep of one epoch, 2,000 test images
        /// (about 40 s of one core); full: 30,000 images, 4 epochs, 3 seeds, hidden 128, a 5-point sweep of one
        /// epoch with 2 seeds, all 10,000 test images (about 12 minutes with `--jobs 2`).
        public init(profile: Profile) {
            if profile == .full {
                hiddenSize = 128
                trainLimit = 30_000
                testLimit = 10_000
                epochs = 4
                seeds = 3
                learningRates = [0.01, 0.03, 0.1, 0.3, 1]
                sweepSeeds = 2
                gradientSeeds = 6
                gradientBatches = 4
            }
        }

        public static let optionalKeys: Set<String> = ["trainLimit"]

        /// The model families of `networks`, in order (valid after `validate`).
        public var families: [ModelSpec.Family] { networks.compactMap { ModelSpec.Family(rawValue: $0) } }

        public func validate() throws(ConfigError) {
            let recurrent = ModelSpec.Family.allCases.filter(\.isRecurrent).map(\.rawValue)
            guard !networks.isEmpty else { throw ConfigError(key: "networks", message: "the list is empty") }
            for (i, n) in networks.enumerated() {
                guard recurrent.contains(n) else {
                    throw ConfigError(key: "networks[\(i)]", message: "unknown recurrent network '\(n)'; valid: \(recurrent.joined(separator: ", "))")
                }
                guard networks.firstIndex(of: n) == i else { throw ConfigError(key: "networks[\(i)]", message: "'\(n)' is listed twice") }
            }
            guard !tasks.isEmpty else { throw ConfigError(key: "tasks", message: "the list is empty") }
            guard Set(tasks).count == tasks.count else { throw ConfigError(key: "tasks", message: "a task is listed twice") }
            guard (8...1024).contains(hiddenSize) else { throw ConfigError(key: "hiddenSize", message: "must be in 8…1024, got \(hiddenSize)") }
            guard learningRate > 0, learningRate <= 100, learningRate.isFinite else {
                throw ConfigError(key: "learningRate", message: "must be in (0, 100], got \(learningRate)")
            }
            guard (1...100).contains(epochs) else { throw ConfigError(key: "epochs", message: "must be in 1…100, got \(epochs)") }
            guard (1...100).contains(seeds) else { throw ConfigError(key: "seeds", message: "must be in 1…100, got \(seeds)") }
            guard (1...16).contains(learningRates.count) else {
                throw ConfigError(key: "learningRates", message: "needs 1…16 learning rates, got \(learningRates.count)")
            }
            for (i, lr) in learningRates.enumerated() where !(lr > 0 && lr <= 100 && lr.isFinite) {
                throw ConfigError(key: "learningRates[\(i)]", message: "must be in (0, 100], got \(lr)")
            }
            guard (1...100).contains(sweepEpochs) else { throw ConfigError(key: "sweepEpochs", message: "must be in 1…100, got \(sweepEpochs)") }
            guard (1...100).contains(sweepSeeds) else { throw ConfigError(key: "sweepSeeds", message: "must be in 1…100, got \(sweepSeeds)") }
            guard (1...8).contains(gammas.count) else { throw ConfigError(key: "gammas", message: "needs 1…8 values, got \(gammas.count)") }
            for (i, g) in gammas.enumerated() where !(g > 0 && g <= 100) {
                throw ConfigError(key: "gammas[\(i)]", message: "must be in (0, 100], got \(g)")
            }
            guard (2...100).contains(gradientSeeds) else { throw ConfigError(key: "gradientSeeds", message: "must be in 2…100, got \(gradientSeeds)") }
            guard (1...100).contains(gradientBatches) else { throw ConfigError(key: "gradientBatches", message: "must be in 1…100, got \(gradientBatches)") }
            guard statisticsSteps.count <= 32 else { throw ConfigError(key: "statisticsSteps", message: "at most 32 values, got \(statisticsSteps.count)") }
            for (i, k) in statisticsSteps.enumerated() where !(1...1024).contains(k) {
                throw ConfigError(key: "statisticsSteps[\(i)]", message: "must be in 1…1024, got \(k)")
            }
            guard (2...4096).contains(batchSize) else { throw ConfigError(key: "batchSize", message: "must be in 2…4096, got \(batchSize)") }
            if let n = trainLimit, !(batchSize...1_000_000).contains(n) {
                throw ConfigError(key: "trainLimit", message: "must be between the batch size (\(batchSize)) and 1,000,000, got \(n)")
            }
            guard gradientBatches * batchSize <= (trainLimit ?? 1_000_000) else {
                throw ConfigError(key: "gradientBatches", message: "\(gradientBatches) batches of \(batchSize) need more than trainLimit's \(trainLimit ?? 0) images")
            }
            guard (2...1_000_000).contains(testLimit) else { throw ConfigError(key: "testLimit", message: "must be in 2…1,000,000, got \(testLimit)") }
            guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
        }
    }

    /// How an image becomes a sequence.
    public enum Task: String, Codable, Sendable, CaseIterable {
        /// Row t is step t: 28 steps of 28 pixels.
        case rows
        /// The pixels in a fixed random order, then 28 steps of 28 (permuted sequential MNIST).
        case permuted
    }
}
