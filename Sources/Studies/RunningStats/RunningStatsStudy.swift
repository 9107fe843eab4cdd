import Datasets
import Engine
import Foundation
import Training

/// BatchNorm's running statistics: how well each momentum's running averages track the population
/// statistics over training, the train/eval gap, what recalibration recovers, single-image evaluation,
/// and `track_running_stats=False`.
///
/// The network is the seed's ConvNetWithBN (two BatchNorm2d layers). Every arm starts from the same
/// weights and sees the same batches; only the running statistics differ, and they never change the
/// training itself (training normalises with batch statistics), so the arms' training losses are equal
/// and only eval-mode numbers differ.
public struct RunningStatsStudy: Study {
    public static let id = "running-stats"
    public static let title = "Running statistics, train versus eval"

    public var config: Config
    public init(config: Config) { self.config = config }

    /// One arm's running statistics: a momentum, or none kept.
    public struct Arm: Codable, Sendable, Equatable {
        /// nil: `track_running_stats=False`.
        public var momentum: BatchNormOptions.Momentum?

        public var label: String {
            switch momentum {
            case .exponential(let m)?: "momentum \(m)"
            case .cumulative?: "momentum None"
            case nil: "untracked"
            }
        }

        var options: BatchNormOptions {
            momentum.map { BatchNormOptions(momentum: $0) } ?? BatchNormOptions(trackRunningStats: false)
        }
    }

    /// One training run.
    public struct Unit: StudyUnit, Equatable {
        public var arm: Arm
        public var seed: UInt64
        var images: Int
        var checkpoints: Int

        public var key: String { "\(arm.label) seed \(seed)" }
        /// Roughly seconds on one core: training, plus a forward pass over the training set per checkpoint.
        public var cost: Double { Double(images) / 5000 * (1 + Double(checkpoints) / 3) }
    }

    /// A BatchNorm layer's running statistics against the population statistics at one step.
    public struct LayerError: Codable, Sendable, Equatable {
        public var layer: String
        /// Mean over channels of |running mean − population mean| / √(population variance + ε).
        public var meanError: Double
        /// Mean over channels of |running variance − population variance| / population variance.
        public var varianceError: Double

        init(layer: String, running: ([Float], [Float]), population: ([Float], [Float]), eps: Float) {
            self.layer = layer
            let c = Double(max(1, running.0.count))
            meanError = zip(zip(running.0, population.0), population.1).map { pair, v in
                Double(abs(pair.0 - pair.1)) / Double(v + eps).squareRoot()
            }.reduce(0, +) / c
            varianceError = zip(running.1, population.1).map { r, p in Double(abs(r - p)) / Double(max(p, eps)) }.reduce(0, +) / c
        }
    }

    /// The measurements at one training step.
    public struct Checkpoint: Codable, Sendable, Equatable {
        public var step: Int
        /// Eval-mode test accuracy at this step (running statistics; batch statistics when untracked).
        public var evalAccuracy: Float
        /// One entry per BatchNorm layer that keeps running statistics.
        public var layers: [LayerError]
    }

    /// A batch of one against the same image inside a batch.
    public struct SingleImage: Codable, Sendable, Equatable {
        public var images: Int
        /// The size of the batch the images sat in.
        public var batch: Int
        /// The largest |logit alone − logit in the batch| in evaluation mode.
        public var evalMaxDifference: Double
        /// The same in training mode, where each image alone is normalised with its own statistics.
        public var trainMaxDifference: Double
        /// Accuracy over the images, each evaluated alone, in evaluation and in training mode.
        public var evalAloneAccuracy: Float
        public var trainAloneAccuracy: Float
    }

    /// One finished run.
    public struct Run: Codable, Sendable, Equatable {
        public var arm: Arm
        public var seed: UInt64
        public var result: TrainingResult
        public var failed: Bool
        public var failureReason: String?
        public var checkpoints: [Checkpoint]
        /// Test accuracy in evaluation mode (the run's `testAccuracy`).
        public var evalAccuracy: Float
        /// Test accuracy in training mode: batch statistics over test batches of the training batch size.
        public var trainModeAccuracy: Float
        /// Eval-mode test accuracy after recalibration; nil without running statistics.
        public var recalibratedAccuracy: Float?
        public var singleImage: SingleImage?
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var runs: [Run]
        public var findings: RunningStatsFindings
    }

    public var arms: [Arm] { config.momenta.map { Arm(momentum: $0) } + (config.untracked ? [Arm(momentum: nil)] : []) }

    // MARK: - Work

    public func units(seed: UInt64) -> [Unit] {
        arms.flatMap { arm in
            (0..<config.seeds).map { k in
                Unit(arm: arm, seed: seed &+ UInt64(k), images: config.trainLimit * config.epochs, checkpoints: config.checkpoints)
            }
        }
    }

    func trainingConfig(_ unit: Unit, inputShape: [Int], classes: Int) -> TrainingConfig {
        let spec = ModelSpec(family: .convnetBN, inputShape: inputShape, classes: classes, batchNorm: unit.arm.options)
        return TrainingConfig(model: spec, learningRate: config.learningRate, epochs: config.epochs, batchSize: config.batchSize,
                              momentum: config.momentum, seed: unit.seed, trainLimit: config.trainLimit)
    }

    public func run(_ unit: Unit, in context: StudyContext) throws -> Run {
        let shape = [context.train.channels, context.train.height, context.train.width]
        let training = trainingConfig(unit, inputShape: shape, classes: context.train.classCount)
        let train = context.train.prefix(config.trainLimit)
        let test = context.test.prefix(config.testLimit)
        let perEpoch = (train.count + config.batchSize - 1) / config.batchSize
        let steps = GradientsStudy.probeSteps(count: config.checkpoints, totalSteps: perEpoch * config.epochs)
        let recorder = RunningStatsRecorder(steps: steps, test: test, batchSize: config.batchSize)
        let trained = try Trainer(config: training).run(train: train, test: test, normalization: context.normalization,
                                                        isCancelled: context.isCancelled, observers: [recorder])
        if let error = recorder.error { throw error }
        let model = trained.model
        let result = trained.result
        let trainMode = NormProbes.trainModeAccuracy(model, on: test, normalization: context.normalization, batchSize: config.batchSize)
        let single = unit.arm.momentum == nil ? nil : try singleImage(model, test: test, normalization: context.normalization)
        var recalibrated: Float?
        if unit.arm.momentum != nil {
            NormProbes.recalibrate(model, on: train, normalization: context.normalization, batchSize: config.batchSize, dropoutOff: false)
            recalibrated = try NormProbes.evalAccuracy(model, on: test, normalization: context.normalization)
        }
        let reason = FailureCriterion.reason(result, classes: context.train.classCount)
        return Run(arm: unit.arm, seed: unit.seed, result: result, failed: reason != nil, failureReason: reason,
                   checkpoints: recorder.checkpoints, evalAccuracy: result.testAccuracy, trainModeAccuracy: trainMode,
                   recalibratedAccuracy: recalibrated, singleImage: single)
    }

    /// The first `singleImages` test images alone and inside the first (up to) 1,000, in both modes.
    func singleImage(_ model: Sequential, test: ImageSet, normalization: Normalization) throws -> SingleImage {
        let batchSet = test.prefix(1000)
        let k = min(config.singleImages, batchSet.count)
        let snapshot = ModelSnapshot(of: model)
        let batch = BatchLoader(batchSet, normalization: normalization, batchSize: batchSet.count).batch(0..<batchSet.count)
        let loader = BatchLoader(batchSet, normalization: normalization, batchSize: 1)
        let classes = test.classCount
        var result = SingleImage(images: k, batch: batchSet.count, evalMaxDifference: 0, trainMaxDifference: 0,
                                 evalAloneAccuracy: 0, trainAloneAccuracy: 0)
        for training in [false, true] {
            training ? model.train() : model.eval()
            let all = GradientMode.disabled { model.forward(batch.images) }
            var (worst, correct) = (0.0, 0)
            for i in 0..<k {
                let one = loader.batch(i..<(i + 1))
                let alone = try GradientMode.disabled { try model.forward(checked: one.images) }
                for j in 0..<classes { worst = max(worst, Double(abs(alone.data[j] - all.data[i * classes + j]))) }
                correct += accuracy(logits: alone, labels: one.labels)
            }
            let acc = Float(correct) / Float(max(1, k))
            if training { (result.trainMaxDifference, result.trainAloneAccuracy) = (worst, acc) }
            else { (result.evalMaxDifference, result.evalAloneAccuracy) = (worst, acc) }
        }
        snapshot.restore()
        return result
    }

    public func assemble(_ runs: [Run], of units: [Unit]) -> Result {
        Result(config: config, runs: runs, findings: RunningStatsFindings(config: config, arms: arms, runs: runs))
    }

    /// What the engine does with a batch of one in training mode for a `BatchNorm1d` (PyTorch's error).
    public static func batchNorm1dSingleSampleError() -> String {
        let bn = BatchNorm1d(numFeatures: 10)
        bn.train()
        do {
            _ = try bn.forward(checked: Tensor(zeros: [1, 10]))
            return "no error"
        } catch {
            return error.description
        }
    }
}
