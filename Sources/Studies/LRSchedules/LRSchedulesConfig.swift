import Training

extension LRSchedulesStudy {
    /// The networks, the budget shared by every schedule, the range test and the seeds.
    public struct Config: StudyConfig {
        /// 2 is the seed's ConvNet (and its no-BN twin); larger depths the plain deep CNN.
        public var depths: [Int] = [2, 6]
        /// The shared budget of every schedule run; the one-cycle run of the super-convergence
        /// comparison gets a third of it.
        public var epochs: Int = 3
        /// The first N training images train (nil: all but the validation split).
        public var trainLimit: Int? = 1600
        /// Images held out from the end of the training file for the plateau decisions (never the test set).
        public var validationImages: Int = 500
        /// The first N test images measure accuracy after every epoch (nil: all 10,000).
        public var testLimit: Int? = 1000
        public var batchSize: Int = 64
        public var momentum: Float = 0.9
        /// The range test: learning rates from `rangeStart` to `rangeEnd` over `rangeSteps` batches.
        public var rangeStart: Double = 1e-5
        public var rangeEnd: Double = 10
        public var rangeSteps: Int = 100
        /// Range tests per arm (the base seed and the ones after it); the base seed's sets the learning rates.
        public var rangeSeeds: Int = 2
        /// The schedules compared (`NAME[:key=value,…]`, as `bnlab train --schedule`).
        public var schedules: [String] = ["constant", "multistep:per=batch", "cosine:per=batch", "warmup-cosine:per=batch",
                                          "plateau:factor=0.3,patience=0", "onecycle"]
        /// The high learning rate every schedule also runs at, one the LR sweep finds only BN tolerates.
        public var highLearningRate: Float = 0.3
        /// Seeds of each schedule comparison run, and of the super-convergence comparison.
        public var scheduleSeeds: Int = 1
        public var superSeeds: Int = 2
        /// The test accuracy whose first epoch the table reports.
        public var targetAccuracy: Float = 0.75

        /// quick: 3 epochs on 1,600 images; full: 9 epochs on 10,000 images, 3 seeds where seeds count.
        public init(profile: Profile) {
            if profile == .full {
                epochs = 9
                trainLimit = 10_000
                validationImages = 5000
                testLimit = nil
                rangeSteps = 200
                rangeSeeds = 3
                scheduleSeeds = 2
                superSeeds = 3
                targetAccuracy = 0.85
                schedules[4] = "plateau:factor=0.3,patience=1"
            }
        }

        public static let optionalKeys: Set<String> = ["trainLimit", "testLimit"]

        /// The parsed schedules (valid after `validate()`).
        public var specs: [ScheduleSpec] { schedules.compactMap { try? ScheduleSpec(parsing: $0) } }

        /// The schedule the super-convergence comparison runs one-cycle against: the first step or multistep.
        public var stepSchedule: ScheduleSpec? { specs.first { $0.name == .multistep || $0.name == .step } }

        public func validate() throws(ConfigError) {
            guard !depths.isEmpty else { throw ConfigError(key: "depths", message: "the list of depths is empty") }
            for (i, d) in depths.enumerated() where !(2...64).contains(d) {
                throw ConfigError(key: "depths[\(i)]", message: "depths must be between 2 and 64 (2 is the seed's ConvNet), got \(d)")
            }
            guard epochs >= 1 else { throw ConfigError(key: "epochs", message: "must be at least 1, got \(epochs)") }
            guard batchSize >= 2 else { throw ConfigError(key: "batchSize", message: "must be at least 2, got \(batchSize)") }
            if let n = trainLimit, n < batchSize {
                throw ConfigError(key: "trainLimit", message: "must be at least the batch size (\(batchSize)), got \(n)")
            }
            guard validationImages >= 1 else { throw ConfigError(key: "validationImages", message: "must be at least 1, got \(validationImages)") }
            if let n = testLimit, n < 1 { throw ConfigError(key: "testLimit", message: "must be at least 1, got \(n)") }
            guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
            do { try LRRangeTest.validate(start: rangeStart, end: rangeEnd, steps: rangeSteps) } catch {
                let key = ["start": "rangeStart", "end": "rangeEnd", "steps": "rangeSteps"][error.key] ?? error.key
                throw ConfigError(key: key, message: error.message)
            }
            guard !schedules.isEmpty else { throw ConfigError(key: "schedules", message: "the list of schedules is empty") }
            for (i, text) in schedules.enumerated() { _ = try ScheduleSpec(parsing: text, key: "schedules[\(i)]") }
            guard stepSchedule != nil else {
                throw ConfigError(key: "schedules", message: "needs a step or multistep schedule: super-convergence compares one-cycle against it")
            }
            guard highLearningRate > 0, highLearningRate.isFinite else {
                throw ConfigError(key: "highLearningRate", message: "must be a positive number, got \(highLearningRate)")
            }
            for (key, n) in [("rangeSeeds", rangeSeeds), ("scheduleSeeds", scheduleSeeds), ("superSeeds", superSeeds)] where n < 1 {
                throw ConfigError(key: key, message: "must be at least 1, got \(n)")
            }
            guard targetAccuracy > 0, targetAccuracy <= 1 else {
                throw ConfigError(key: "targetAccuracy", message: "must be in (0, 1], got \(targetAccuracy)")
            }
        }
    }
}
