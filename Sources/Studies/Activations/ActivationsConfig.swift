import Training

extension ActivationsStudy {
    /// The two networks, their training and the captures of the activation study.
    public struct Config: StudyConfig {
        // MARK: Ioffe & Szegedy's Figure 1 MLP
        /// Seeds per arm of the MLP (the drift finding's spread).
        public var seeds = 3
        public var mlpEpochs = 3
        /// The first N training images (batch 60: 1,000 steps per epoch of 60,000).
        public var mlpTrainLimit = 60_000
        public var mlpBatchSize = 60
        public var mlpLearningRate: Float = 0.5
        public var mlpMomentum: Float = 0
        /// Standard deviation of the Gaussian initial weights ("small random Gaussian values").
        public var mlpWeightStd: Float = 0.1
        /// Steps between two captures of the MLP (and one at initialisation and one at the end).
        public var mlpCaptureEvery = 100
        /// Test images of the MLP's probe: percentiles and accuracy are measured on them.
        public var probeImages = 2000
        /// Units of the last hidden layer whose percentiles are drawn one by one.
        public var trackedUnits = [0, 1, 2]

        // MARK: The seed's ConvNet
        public var convnetSeeds = 1
        public var convnetEpochs = 1
        public var convnetTrainLimit = 12_800
        public var convnetBatchSize = 64
        public var convnetLearningRate: Float = 0.05
        public var convnetMomentum: Float = 0.9
        /// Steps between two captures of the ConvNet's training batches (and one at the first and last step).
        public var convnetCaptureEvery = 10

        /// quick: the MLP for 3,000 steps (3 epochs) × 3 seeds, the ConvNet on 12,800 images once;
        /// full: the MLP for the paper's 50,000 steps × 3 seeds, the ConvNet for 2 epochs of 60,000 images × 2 seeds.
        public init(profile: Profile) {
            if profile == .full {
                mlpEpochs = 50
                mlpCaptureEvery = 500
                probeImages = 5000
                convnetSeeds = 2
                convnetEpochs = 2
                convnetTrainLimit = 60_000
                convnetCaptureEvery = 25
            }
        }

        public func validate() throws(ConfigError) {
            func range<T: Comparable>(_ key: String, _ v: T, _ r: ClosedRange<T>, _ text: String) throws(ConfigError) {
                guard r.contains(v) else { throw ConfigError(key: key, message: "must be in \(text), got \(v)") }
            }
            try range("seeds", seeds, 1...100, "1…100")
            try range("mlpEpochs", mlpEpochs, 1...1000, "1…1000")
            try range("mlpBatchSize", mlpBatchSize, 2...4096, "2…4096")
            guard (mlpBatchSize...1_000_000).contains(mlpTrainLimit) else {
                throw ConfigError(key: "mlpTrainLimit", message: "must be between the batch size (\(mlpBatchSize)) and 1,000,000, got \(mlpTrainLimit)")
            }
            guard mlpLearningRate > 0, mlpLearningRate <= 100 else {
                throw ConfigError(key: "mlpLearningRate", message: "must be in (0, 100], got \(mlpLearningRate)")
            }
            guard mlpMomentum >= 0, mlpMomentum < 1 else { throw ConfigError(key: "mlpMomentum", message: "must be in [0, 1), got \(mlpMomentum)") }
            guard mlpWeightStd > 0, mlpWeightStd <= 10 else {
                throw ConfigError(key: "mlpWeightStd", message: "must be in (0, 10], got \(mlpWeightStd)")
            }
            try range("mlpCaptureEvery", mlpCaptureEvery, 1...1_000_000, "1…1,000,000")
            let steps = mlpEpochs * ((mlpTrainLimit + mlpBatchSize - 1) / mlpBatchSize)
            guard steps / mlpCaptureEvery <= 10_000 else {
                throw ConfigError(key: "mlpCaptureEvery", message: "\(steps) steps every \(mlpCaptureEvery) make \(steps / mlpCaptureEvery) captures; at most 10,000")
            }
            try range("probeImages", probeImages, 2...10_000, "2…10,000")
            guard !trackedUnits.isEmpty, trackedUnits.count <= 10 else {
                throw ConfigError(key: "trackedUnits", message: "must list 1 to 10 units, got \(trackedUnits.count)")
            }
            for (i, u) in trackedUnits.enumerated() where !(0..<100).contains(u) {
                throw ConfigError(key: "trackedUnits[\(i)]", message: "must be a unit of the 100-wide hidden layer, 0…99, got \(u)")
            }
            try range("convnetSeeds", convnetSeeds, 0...100, "0…100 (0: no ConvNet runs)")
            try range("convnetEpochs", convnetEpochs, 1...100, "1…100")
            try range("convnetBatchSize", convnetBatchSize, 2...4096, "2…4096")
            guard (convnetBatchSize...1_000_000).contains(convnetTrainLimit) else {
                throw ConfigError(key: "convnetTrainLimit", message: "must be between the batch size (\(convnetBatchSize)) and 1,000,000, got \(convnetTrainLimit)")
            }
            guard convnetLearningRate > 0, convnetLearningRate <= 100 else {
                throw ConfigError(key: "convnetLearningRate", message: "must be in (0, 100], got \(convnetLearningRate)")
            }
            guard convnetMomentum >= 0, convnetMomentum < 1 else {
                throw ConfigError(key: "convnetMomentum", message: "must be in [0, 1), got \(convnetMomentum)")
            }
            try range("convnetCaptureEvery", convnetCaptureEvery, 1...1_000_000, "1…1,000,000")
            let convSteps = convnetEpochs * ((convnetTrainLimit + convnetBatchSize - 1) / convnetBatchSize)
            guard convSteps / convnetCaptureEvery <= 10_000 else {
                throw ConfigError(key: "convnetCaptureEvery", message: "\(convSteps) steps every \(convnetCaptureEvery) make \(convSteps / convnetCaptureEvery) captures; at most 10,000")
            }
        }
    }
}
