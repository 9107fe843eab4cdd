import Datasets
import Engine
import Foundation
import Training

/// Learning-rate schedules with and without BN: Smith's range test for each arm, six schedules
/// at a shared budget (at each arm's own range-test learning rate and at one high rate), and
/// super-convergence (Smith & Topin 2017): one-cycle in a third of the epochs against the step
/// schedule's full run.
///
/// Every run trains on the first `trainLimit` training images; the last `validationImages` of the
/// training file are held out for the plateau decisions, and accuracy is measured on the test
/// set after every epoch. Units that need an arm's range test compute it (or share the copy
/// another unit computed: `SharedComputation`), so every unit stands alone.
public struct LRSchedulesStudy: Study {
    public static let id = "lr-schedules"
    public static let title = "Learning-rate schedules"

    public var config: Config
    public init(config: Config) { self.config = config }

    /// Which learning rate a run uses.
    public enum Rate: String, Codable, Sendable {
        /// The arm's best constant learning rate from its range tests: a tenth of where the
        /// smoothed loss was lowest (geometric mean over the range-test seeds; fastai's `lr_min`
        /// rule; the steepest-descent suggestion is reported beside it).
        case best
        /// `config.highLearningRate`.
        case high
        /// Where the arm's range-test loss was lowest (geometric mean over seeds): the one-cycle peak
        /// of the super-convergence runs.
        case rangeMaximum
    }

    /// What a unit does.
    public enum Part: String, Codable, Sendable { case rangeTest, schedules, superConvergence }

    /// One range test or one training run.
    public struct Unit: StudyUnit, Equatable {
        public var part: Part
        public var depth: Int
        public var batchNorm: Bool
        public var seed: UInt64
        /// The first seed of the range tests that set the learning rate (the base seed).
        public var rangeSeed: UInt64
        public var schedule: ScheduleSpec
        public var rate: Rate
        public var epochs: Int
        var images: Int

        public var key: String {
            let arm = "depth \(depth) \(batchNorm ? "BN" : "no-BN")"
            return part == .rangeTest ? "range test \(arm) seed \(seed)"
                : "\(part == .superConvergence ? "super " : "")\(arm) \(schedule) at \(rate.rawValue) LR \(epochs) epochs seed \(seed)"
        }
        /// Roughly seconds on one core.
        public var cost: Double { Double(images) / 5000 * (depth == 2 ? 1 : Double(depth) / 3) }
    }

    /// One arm's range test.
    public struct RangeTestRun: Codable, Sendable, Equatable {
        public var depth: Int
        public var batchNorm: Bool
        public var seed: UInt64
        public var result: LRRangeTest.Result
    }

    /// One training run under a schedule.
    public struct ScheduleRun: Codable, Sendable, Equatable {
        public var part: Part
        public var depth: Int
        public var batchNorm: Bool
        public var schedule: ScheduleSpec
        public var rate: Rate
        /// The learning rate given to the optimizer (one-cycle's peak).
        public var learningRate: Float
        public var seed: UInt64
        public var epochs: Int
        public var result: TrainingResult
        /// The learning rate of every step taken.
        public var learningRates: [Float]
        /// Test accuracy after every epoch (evaluation mode).
        public var testAccuracies: [Float]
        /// Validation loss after every epoch (the held-out training images), for the plateau schedule.
        public var validationLosses: [Float]
        public var failed: Bool
        public var failureReason: String?

        /// The first epoch whose test accuracy reached `target`, or nil.
        public func epochsTo(_ target: Float) -> Int? { testAccuracies.firstIndex { $0 >= target }.map { $0 + 1 } }
        /// The final test accuracy, 0 for a run that ended non-finite.
        public var accuracy: Float { result.testAccuracy.isFinite ? result.testAccuracy : 0 }
    }

    /// A unit's result: a range test or a run.
    public struct UnitOutput: Codable, Sendable {
        public var rangeTest: RangeTestRun?
        public var run: ScheduleRun?
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var rangeTests: [RangeTestRun]
        public var runs: [ScheduleRun]
        public var findings: [Findings]
    }

    // MARK: - Work

    public func units(seed: UInt64) -> [Unit] {
        let trainImages = config.trainLimit ?? 60_000
        let arms = config.depths.flatMap { d in [true, false].map { (d, $0) } }
        var units: [Unit] = []
        for (depth, bn) in arms {
            for k in 0..<config.rangeSeeds {
                units.append(Unit(part: .rangeTest, depth: depth, batchNorm: bn, seed: seed &+ UInt64(k), rangeSeed: seed,
                                  schedule: .constant, rate: .best, epochs: 1,
                                  images: config.rangeSteps * config.batchSize))
            }
        }
        for (depth, bn) in arms {
            for rate in [Rate.best, .high] {
                for spec in config.specs {
                    for k in 0..<config.scheduleSeeds {
                        units.append(Unit(part: .schedules, depth: depth, batchNorm: bn, seed: seed &+ UInt64(k), rangeSeed: seed,
                                          schedule: spec, rate: rate, epochs: config.epochs, images: trainImages * config.epochs))
                    }
                }
            }
        }
        let third = max(1, config.epochs / 3)
        for (depth, bn) in arms {
            for k in 0..<config.superSeeds {
                if let step = config.stepSchedule {
                    units.append(Unit(part: .superConvergence, depth: depth, batchNorm: bn, seed: seed &+ UInt64(k), rangeSeed: seed,
                                      schedule: step, rate: .best, epochs: config.epochs,
                                      images: k < config.scheduleSeeds ? 0 : trainImages * config.epochs))
                }
                units.append(Unit(part: .superConvergence, depth: depth, batchNorm: bn, seed: seed &+ UInt64(k), rangeSeed: seed,
                                  schedule: ScheduleSpec(name: .onecycle), rate: .rangeMaximum, epochs: third,
                                  images: trainImages * third))
            }
        }
        return units
    }

    /// The model of an arm.
    func model(depth: Int, batchNorm: Bool, context: StudyContext) -> ModelSpec {
        let shape = [context.train.channels, context.train.height, context.train.width]
        return depth == 2
            ? ModelSpec(family: batchNorm ? .convnetBN : .convnet, inputShape: shape, classes: context.train.classCount)
            : ModelSpec(family: .deep, inputShape: shape, depth: depth, norm: batchNorm ? .batch : NormKind.none,
                        classes: context.train.classCount)
    }

    /// The training images (the validation split removed) and the validation split.
    func splits(_ context: StudyContext) throws -> (train: ImageSet, validation: ImageSet) {
        let n = context.train.count, v = config.validationImages
        guard v < n - config.batchSize else {
            throw ConfigError(key: "\(Self.configKey).validationImages",
                              message: "must leave at least a batch of the \(n) training images, got \(v)")
        }
        return (context.train.prefix(n - v), context.train.subset((n - v)..<n))
    }

    /// What makes shared results of this study differ from another's in the same process.
    private func fingerprint(_ context: StudyContext) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let configText = (try? encoder.encode(config)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let sample = context.train.pixels.prefix(4096).reduce(0) { $0 &* 31 &+ Int($1) }
        let labels = context.train.labels.prefix(4096).reduce(0) { $0 &* 31 &+ Int($1) }
        return "\(configText)|\(context.train.count)|\(context.test.count)|\(sample)|\(labels)"
    }

    /// An arm's range test (shared between the units that need it).
    func rangeTest(depth: Int, batchNorm: Bool, seed: UInt64, context: StudyContext) throws -> RangeTestRun {
        let key = "lr-schedules range \(depth) \(batchNorm) \(seed) \(fingerprint(context))"
        return try SharedComputation.shared.value(key) {
            let (train, _) = try splits(context)
            let limited = config.trainLimit.map { train.prefix(min($0, train.count)) } ?? train
            let test = LRRangeTest(start: config.rangeStart, end: config.rangeEnd, steps: config.rangeSteps)
            let batches = BatchLoader(limited, normalization: context.normalization, batchSize: config.batchSize).batchCount
            let training = TrainingConfig(model: model(depth: depth, batchNorm: batchNorm, context: context),
                                          learningRate: Float(config.rangeStart), epochs: test.epochs(batchesPerEpoch: batches),
                                          batchSize: config.batchSize, momentum: config.momentum, seed: seed,
                                          divergenceLoss: .infinity)
            // the range test looks at training losses only: evaluate on two test images to keep it short
            _ = try Trainer(config: training).run(train: limited, test: context.test.prefix(min(2, context.test.count)),
                                                  normalization: context.normalization, isCancelled: context.isCancelled,
                                                  observers: [test])
            return RangeTestRun(depth: depth, batchNorm: batchNorm, seed: seed, result: test.result)
        }
    }

    /// The learning rate a unit trains at, read from its arm's range test where it comes from there.
    func learningRate(_ unit: Unit, context: StudyContext) throws -> Float {
        switch unit.rate {
        case .high: return config.highLearningRate
        case .best, .rangeMaximum:
            // the geometric mean over the arm's range tests of where the smoothed loss was lowest
            // (one test alone is noisy); a test with no usable curve counts at its start
            var logs: [Double] = []
            for k in 0..<config.rangeSeeds {
                let r = try rangeTest(depth: unit.depth, batchNorm: unit.batchNorm, seed: unit.rangeSeed &+ UInt64(k), context: context).result
                logs.append(log(r.minimum ?? r.suggested ?? config.rangeStart))
            }
            let low = exp(logs.reduce(0, +) / Double(max(1, logs.count)))
            return Float(unit.rate == .best ? low / 10 : low)
        }
    }

    public func run(_ unit: Unit, in context: StudyContext) throws -> UnitOutput {
        if unit.part == .rangeTest {
            return UnitOutput(rangeTest: try rangeTest(depth: unit.depth, batchNorm: unit.batchNorm, seed: unit.seed, context: context))
        }
        let lr = try learningRate(unit, context: context)
        let key = "lr-schedules run \(unit.depth) \(unit.batchNorm) \(unit.seed) \(unit.schedule) \(lr.bitPattern) \(unit.epochs) \(fingerprint(context))"
        var run = try SharedComputation.shared.value(key) { try train(unit, learningRate: lr, context: context) }
        run.part = unit.part
        run.rate = unit.rate
        return UnitOutput(run: run)
    }

    private func train(_ unit: Unit, learningRate lr: Float, context: StudyContext) throws -> ScheduleRun {
        let (train, validation) = try splits(context)
        let test = config.testLimit.map { context.test.prefix(min($0, context.test.count)) } ?? context.test
        var spec = unit.schedule
        if spec.name == .onecycle { spec.options["max_lr"] = "\(lr)" }
        let training = TrainingConfig(model: model(depth: unit.depth, batchNorm: unit.batchNorm, context: context),
                                      learningRate: lr, epochs: unit.epochs, batchSize: config.batchSize,
                                      momentum: config.momentum, seed: unit.seed, trainLimit: config.trainLimit.map { min($0, train.count) })
        // only the plateau schedule looks at the validation split
        let scheduler = ScheduleObserver(spec: spec, validation: spec.needsValidation ? validation : nil)
        let evaluator = EpochEvaluator(test: test)
        let result = try Trainer(config: training).run(train: train, test: test, normalization: context.normalization,
                                                       isCancelled: context.isCancelled, observers: [scheduler, evaluator]).result
        if let failure = scheduler.failure {
            throw ConfigError(key: "\(Self.configKey).schedules", message: "\(unit.schedule): \(failure)")
        }
        let reason = FailureCriterion.reason(result, classes: training.model.classes)
        return ScheduleRun(part: unit.part, depth: unit.depth, batchNorm: unit.batchNorm, schedule: unit.schedule, rate: unit.rate,
                           learningRate: lr, seed: unit.seed, epochs: unit.epochs, result: result,
                           learningRates: scheduler.learningRates, testAccuracies: evaluator.accuracies(final: result),
                           validationLosses: scheduler.validationLosses, failed: reason != nil, failureReason: reason)
    }

    public func assemble(_ results: [UnitOutput], of units: [Unit]) -> Result {
        let ranges = results.compactMap(\.rangeTest)
        let runs = results.compactMap(\.run)
        let findings = config.depths.map { Findings(depth: $0, config: config, rangeTests: ranges, runs: runs) }
        return Result(config: config, rangeTests: ranges, runs: runs, findings: findings)
    }
}
