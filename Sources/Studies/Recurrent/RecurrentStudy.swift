import Datasets
import Engine
import Foundation
import Training

/// BN in a recurrent network, on sequential Fashion-MNIST (slide 11 of the deck): a plain tanh RNN,
/// the deck's `BatchNormRNN` (one BN shared by every step), Cooijmans et al.'s recurrent BN
/// (statistics per step, γ = 0.1) and LayerNorm (Ba et al.), each reading an image as 28 rows of
/// 28 pixels, or with its pixels in a fixed random order.
///
/// Three kinds of unit, each standing alone: a training run (test accuracy after every epoch,
/// ‖∂L/∂h_t‖ through time at initialisation and late in training, accuracy with batch statistics
/// against running statistics, and for the per-step BN accuracy with the statistics of the first k
/// steps only); a point of the learning-rate sweep; and the gradients through time at
/// initialisation of the per-step BN with γ = 0.1 or 1 (Cooijmans et al.'s Fig. 1), no training.
public struct RecurrentStudy: Study {
    public static let id = "recurrent"
    public static let title = "BN in a recurrent network"

    public var config: Config
    public init(config: Config) { self.config = config }

    /// What a unit does.
    public enum Part: String, Codable, Sendable { case training, sweep, gamma }

    public struct Unit: StudyUnit, Equatable {
        public var part: Part
        /// The model name (`rnn-bn-step`).
        public var network: String
        public var task: Task
        public var learningRate: Float
        /// γ's initial value (`gamma` units).
        public var gamma: Float?
        public var seed: UInt64
        var images: Int

        public var key: String {
            switch part {
            case .training: "\(network) \(task.rawValue) seed \(seed)"
            case .sweep: "sweep \(network) lr \(learningRate) seed \(seed)"
            case .gamma: "gradients at init gamma \(gamma ?? 0) seed \(seed)"
            }
        }
        /// Roughly seconds on one core at hidden size 64 (a training image costs ~0.1 ms forward and backward).
        public var cost: Double { Double(images) / 8000 }
    }

    /// One training run at the study's learning rate.
    public struct Run: Codable, Sendable, Equatable {
        public var network: String
        public var task: Task
        public var seed: UInt64
        public var result: TrainingResult
        public var failed: Bool
        public var failureReason: String?
        /// Test accuracy after every epoch, in evaluation mode.
        public var testAccuracies: [Float]
        /// Test accuracy in training mode (each batch normalised with its own statistics); equal to
        /// the evaluation-mode accuracy for networks without BN.
        public var batchStatisticsAccuracy: Float
        /// ‖∂L/∂h_t‖, t = 1…T, at initialisation and averaged over the last 20 training steps.
        public var initialGradients: [Double]
        public var lateGradients: [Double]
        /// Per-step BN only: test accuracy with the statistics of the first k steps (`config.statisticsSteps`).
        public var statisticsStepAccuracies: [Float]?

        /// The final test accuracy, 0 for a run that ended non-finite.
        public var accuracy: Float { result.testAccuracy.isFinite ? result.testAccuracy : 0 }
        /// Training-mode minus evaluation-mode test accuracy.
        public var gap: Float { batchStatisticsAccuracy - accuracy }
    }

    /// One point of the learning-rate sweep.
    public struct SweepRun: Codable, Sendable, Equatable {
        public var network: String
        public var learningRate: Float
        public var seed: UInt64
        public var result: TrainingResult
        public var failed: Bool
        public var failureReason: String?
        public var accuracy: Float { result.testAccuracy.isFinite ? result.testAccuracy : 0 }
    }

    /// Gradients through time at initialisation of the per-step BN with one γ.
    public struct GammaRun: Codable, Sendable, Equatable {
        public var gamma: Float
        public var seed: UInt64
        /// ‖∂L/∂h_t‖, t = 1…T.
        public var gradients: [Double]
    }

    public struct UnitOutput: Codable, Sendable {
        public var run: Run?
        public var sweep: SweepRun?
        public var gamma: GammaRun?
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var runs: [Run]
        public var sweeps: [SweepRun]
        public var gammas: [GammaRun]
        public var findings: Findings
    }

    // MARK: - Work

    public func units(seed: UInt64) -> [Unit] {
        let images = config.trainLimit ?? 60_000
        let scale = Double(config.hiddenSize) / 64
        var units: [Unit] = []
        for task in config.tasks {
            for network in config.networks {
                for k in 0..<config.seeds {
                    units.append(Unit(part: .training, network: network, task: task, learningRate: config.learningRate,
                                      seed: seed &+ UInt64(k), images: Int(Double(images * config.epochs + config.testLimit) * scale)))
                }
            }
        }
        for network in config.networks {
            for lr in config.learningRates {
                for k in 0..<config.sweepSeeds {
                    units.append(Unit(part: .sweep, network: network, task: .rows, learningRate: lr, seed: seed &+ UInt64(k),
                                      images: Int(Double(images * config.sweepEpochs) * scale)))
                }
            }
        }
        for gamma in config.gammas {
            for k in 0..<config.gradientSeeds {
                units.append(Unit(part: .gamma, network: ModelSpec.Family.rnnBNStep.rawValue, task: .rows, learningRate: config.learningRate,
                                  gamma: gamma, seed: seed &+ UInt64(k), images: Int(Double(config.gradientBatches * config.batchSize) * scale)))
            }
        }
        return units
    }

    /// The model of a network on a task.
    public func spec(network: String, task: Task, gamma: Float? = nil, context: StudyContext) throws -> ModelSpec {
        guard let family = ModelSpec.Family(rawValue: network), family.isRecurrent else {
            throw ConfigError(key: "\(Self.configKey).networks", message: "unknown recurrent network '\(network)'")
        }
        return ModelSpec(family: family, inputShape: [context.train.channels, context.train.height, context.train.width],
                         classes: context.train.classCount, hiddenSize: config.hiddenSize,
                         permutationSeed: task == .permuted ? config.permutationSeed : nil, recurrentGamma: gamma)
    }

    private func training(_ spec: ModelSpec, learningRate: Float, epochs: Int, seed: UInt64) -> TrainingConfig {
        TrainingConfig(model: spec, learningRate: learningRate, epochs: epochs, batchSize: config.batchSize,
                       momentum: config.momentum, seed: seed, trainLimit: config.trainLimit)
    }

    public func run(_ unit: Unit, in context: StudyContext) throws -> UnitOutput {
        let test = context.test.prefix(min(config.testLimit, context.test.count))
        let classes = context.train.classCount
        switch unit.part {
        case .training:
            let spec = try spec(network: unit.network, task: unit.task, context: context)
            let evaluator = EpochEvaluator(test: test)
            let gradients = HiddenGradientRecorder(initBatches: config.gradientBatches, batchSize: config.batchSize)
            let trained = try Trainer(config: training(spec, learningRate: unit.learningRate, epochs: config.epochs, seed: unit.seed))
                .run(train: context.train, test: test, normalization: context.normalization,
                     isCancelled: context.isCancelled, observers: [gradients, evaluator])
            if let error = gradients.error { throw error }
            let result = trained.result
            let reason = FailureCriterion.reason(result, classes: classes)
            // After training (the run is over): the per-step statistics' reach, then batch statistics.
            let model = trained.model
            var stepAccuracies: [Float]?
            if spec.family == .rnnBNStep {
                let norms = model.allModules().compactMap { $0 as? RecurrentBatchNorm1d }
                stepAccuracies = try config.statisticsSteps.map { k in
                    for bn in norms { bn.evaluationStepLimit = k }
                    return try Evaluator(batchSize: 1000).evaluate(model, on: test, normalization: context.normalization).accuracy
                }
                for bn in norms { bn.evaluationStepLimit = nil }
            }
            let batchStats = try Self.batchStatisticsAccuracy(model, on: test, normalization: context.normalization,
                                                              batchSize: config.batchSize)
            return UnitOutput(run: Run(network: unit.network, task: unit.task, seed: unit.seed, result: result,
                                       failed: reason != nil, failureReason: reason,
                                       testAccuracies: evaluator.accuracies(final: result), batchStatisticsAccuracy: batchStats,
                                       initialGradients: gradients.initial, lateGradients: gradients.lateMean,
                                       statisticsStepAccuracies: stepAccuracies))
        case .sweep:
            let spec = try spec(network: unit.network, task: .rows, context: context)
            let result = try Trainer(config: training(spec, learningRate: unit.learningRate, epochs: config.sweepEpochs, seed: unit.seed))
                .run(train: context.train, test: test, normalization: context.normalization, isCancelled: context.isCancelled).result
            let reason = FailureCriterion.reason(result, classes: classes)
            return UnitOutput(sweep: SweepRun(network: unit.network, learningRate: unit.learningRate, seed: unit.seed,
                                              result: result, failed: reason != nil, failureReason: reason))
        case .gamma:
            let spec = try spec(network: unit.network, task: .rows, gamma: unit.gamma, context: context)
            let gradients = HiddenGradientRecorder(initBatches: config.gradientBatches, batchSize: config.batchSize, stopAfterInit: true)
            // no training step is taken: evaluate on two test images to keep it short
            _ = try Trainer(config: training(spec, learningRate: unit.learningRate, epochs: 1, seed: unit.seed))
                .run(train: context.train, test: test.prefix(min(2, test.count)), normalization: context.normalization,
                     isCancelled: context.isCancelled, observers: [gradients])
            if let error = gradients.error { throw error }
            return UnitOutput(gamma: GammaRun(gamma: unit.gamma ?? 0, seed: unit.seed, gradients: gradients.initial))
        }
    }

    /// Test accuracy with every batch normalised by its own statistics (training mode, no
    /// gradients); changes the model's running statistics, so it runs after everything else.
    static func batchStatisticsAccuracy(_ model: Sequential, on set: ImageSet, normalization: Normalization,
                                        batchSize: Int) throws -> Float {
        model.train()
        defer { model.eval() }
        var correct = 0
        for batch in BatchLoader(set, normalization: normalization, batchSize: batchSize).batches() {
            let logits = GradientMode.disabled { model.forward(batch.images) }
            correct += Engine.accuracy(logits: logits, labels: batch.labels)
        }
        return Float(correct) / Float(max(1, set.count))
    }

    public func assemble(_ results: [UnitOutput], of units: [Unit]) -> Result {
        let runs = results.compactMap(\.run), sweeps = results.compactMap(\.sweep), gammas = results.compactMap(\.gamma)
        return Result(config: config, runs: runs, sweeps: sweeps, gammas: gammas,
                      findings: Findings(config: config, runs: runs, sweeps: sweeps, gammas: gammas))
    }

    public func summary(of output: UnitOutput) -> String? {
        if let r = output.run { return r.result.summary }
        if let s = output.sweep { return s.result.summary }
        if let g = output.gamma, let first = g.gradients.first, let last = g.gradients.last {
            return String(format: "‖∂L/∂h₁‖ / ‖∂L/∂h_T‖ = %.3g", first / last)
        }
        return nil
    }
}

extension RecurrentStudy.Result {
    private enum CodingKeys: String, CodingKey { case config, runs, sweeps, gammas, findings }

    /// The findings are derived from the runs, so they are derived again on reading.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let config = try c.decode(RecurrentStudy.Config.self, forKey: .config)
        let runs = try c.decode([RecurrentStudy.Run].self, forKey: .runs)
        let sweeps = try c.decode([RecurrentStudy.SweepRun].self, forKey: .sweeps)
        let gammas = try c.decode([RecurrentStudy.GammaRun].self, forKey: .gammas)
        self.init(config: config, runs: runs, sweeps: sweeps, gammas: gammas,
                  findings: RecurrentStudy.Findings(config: config, runs: runs, sweeps: sweeps, gammas: gammas))
    }
}
