import Datasets
import Engine
import Foundation

/// Progress of a training run, reported once per epoch.
public struct EpochProgress: Sendable {
    public var epoch: Int
    public var epochs: Int
    public var meanLoss: Float
    public var trainAccuracy: Float
    public var seconds: Double
}

/// A finished training run: its reproducible result, the trained model and the wall time.
public struct TrainingRun {
    public var result: TrainingResult
    public var model: Sequential
    public var seconds: Double
}

/// Trains one model with SGD on a training set and evaluates it on a test set.
///
/// Randomness comes from `config.seed` alone: one stream initialises the weights (so BN and
/// no-BN twins share their convolution weights), another shuffles the data.
public struct Trainer: Sendable {
    public var config: TrainingConfig

    public init(config: TrainingConfig) { self.config = config }

    /// Runs the training and returns the measured result and the trained model. `observers`
    /// are called in order at each point of every step; observing alone never changes the run.
    public func run(train: ImageSet, test: ImageSet, normalization: Normalization,
                    isCancelled: () -> Bool = { false },
                    progress: (EpochProgress) -> Void = { _ in },
                    observers: [any TrainingObserver] = []) throws -> TrainingRun {
        try config.validate()
        var root = SeededGenerator(seed: config.seed)
        var initRNG = root.split()
        let model = try config.model.build(rng: &initRNG)
        return try run(model, train: train, test: test, normalization: normalization, isCancelled: isCancelled,
                       progress: progress, observers: observers)
    }

    /// Fine-tuning: trains `model` as it is given (pretrained weights, a new head, frozen
    /// parameters) instead of building one from `config.model`, which should describe it. Every
    /// parameter goes to SGD, which skips the frozen ones (PyTorch users pass `model.parameters()`
    /// too). `setMode` puts the model in training mode before the first step; the default is
    /// `model.train()`, and `{ $0.train(); bn.eval() }` keeps a BatchNorm in evaluation mode while
    /// the rest trains. The data order comes from `config.seed` as in `run(train:…)`.
    public func run(_ model: Sequential, setMode: (Sequential) -> Void = { $0.train() },
                    train: ImageSet, test: ImageSet, normalization: Normalization,
                    isCancelled: () -> Bool = { false },
                    progress: (EpochProgress) -> Void = { _ in },
                    observers: [any TrainingObserver] = []) throws -> TrainingRun {
        try config.validate()
        let start = Date()
        var root = SeededGenerator(seed: config.seed)
        _ = root.split()   // the initialisation stream, used by `run(train:…)`
        var dataRNG = root.split()

        let optimizer = try SGD(parameters: model.parameters(), lr: config.learningRate,
                                momentum: config.momentum, weightDecay: config.weightDecay,
                                nesterov: config.nesterov)
        let trainSet = config.trainLimit.map { train.prefix($0) } ?? train
        let loader = BatchLoader(trainSet, normalization: normalization, batchSize: config.batchSize)
        let loop = TrainingLoop(model: model, optimizer: optimizer, config: config, train: trainSet,
                                normalization: normalization)

        var losses: [Float] = []
        var epochs: [TrainingResult.Epoch] = []
        var diverged: Int?
        var lastEpochAccuracy: Float = 0

        setMode(model)
        for observer in observers { observer.trainingWillStart(loop) }
        training: for epoch in 1...config.epochs {
            if loop.stopReason != nil { break training }
            loop.epoch = epoch
            loop.stepInEpoch = 0
            let epochStart = Date()
            var (lossSum, correct, seen, steps) = (0.0, 0, 0, 0)
            for batch in loader.batches(shuffledBy: &dataRNG) {
                if loop.stopReason != nil { break }
                // Checked every step so Ctrl-C stops a long run within a fraction of a second.
                if isCancelled() { throw CancellationError() }
                loop.step += 1
                loop.stepInEpoch += 1
                optimizer.zeroGrad()
                let logits = model.forward(batch.images)
                let (loss, dLogits) = try crossEntropy(logits: logits, labels: batch.labels)
                losses.append(loss)
                steps += 1
                lossSum += Double(loss)
                correct += accuracy(logits: logits, labels: batch.labels)
                seen += batch.labels.count
                for observer in observers { observer.didForward(loop, loss: loss, logits: logits, batch: batch) }
                if !loss.isFinite || loss > config.divergenceLoss {
                    diverged = losses.count
                    break
                }
                _ = model.backward(dLogits)
                for observer in observers { observer.didBackward(loop) }
                optimizer.step()
                for observer in observers { observer.didStep(loop) }
            }
            // A diverged or stopped epoch is summarised over the steps it took.
            lastEpochAccuracy = Float(correct) / Float(max(1, seen))
            let summary = TrainingResult.Epoch(epoch: epoch, meanLoss: Float(lossSum / Double(max(1, steps))),
                                               trainAccuracy: lastEpochAccuracy)
            epochs.append(summary)
            for observer in observers { observer.didEndEpoch(loop, summary: summary) }
            if diverged != nil { break training }
            progress(EpochProgress(epoch: epoch, epochs: config.epochs, meanLoss: summary.meanLoss,
                                   trainAccuracy: summary.trainAccuracy, seconds: Date().timeIntervalSince(epochStart)))
        }

        // A stop requested during a step that diverged came too late: the run diverged.
        let stopped = diverged == nil && loop.stopReason != nil ? losses.count : nil
        let evaluation = try Evaluator(batchSize: 1000).evaluate(model, on: test, normalization: normalization)
        let tail = losses.suffix(min(20, losses.count))
        let result = TrainingResult(
            config: config, stepLosses: losses, epochs: epochs,
            initialLoss: losses.first ?? .nan,
            finalLoss: diverged != nil ? losses.last ?? .nan : tail.reduce(0, +) / Float(max(1, tail.count)),
            trainAccuracy: lastEpochAccuracy,
            testAccuracy: evaluation.accuracy, testLoss: evaluation.loss,
            divergedAtStep: diverged,
            stoppedAtStep: stopped, stopReason: stopped != nil ? loop.stopReason : nil)
        return TrainingRun(result: result, model: model, seconds: Date().timeIntervalSince(start))
    }
}
