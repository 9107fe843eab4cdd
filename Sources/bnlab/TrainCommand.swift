import ArgumentParser
import Datasets
import Engine
import Foundation
import Studies
import Training

/// `bnlab train`: one training run from the command line.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train one model and print its final training loss and test accuracy.",
        discussion: """
            Trains with SGD (PyTorch semantics) on the training set, then evaluates on the test set \
            in evaluation mode. On a terminal a line shows the step within the epoch and the running \
            mean of its mini-batch losses; a line per epoch (mean training loss and accuracy in train \
            mode) goes to stderr. A run whose loss becomes \
            non-finite or exceeds 1000 stops and is reported as diverged (exit status 0: it is a result).
            Example: bnlab train --model convnet-bn --lr 0.1 --epochs 5 --save convnet.safetensors
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var data: DataOptions

    @Option(help: "Learning rate.") var lr: Float = 0.01
    @Option(help: "Number of passes over the training set.") var epochs: Int = 1
    // 64 rather than the studies' 128: over 5 epochs it reaches ~90.2% with convnet-bn (two seeds),
    // where 128 lands at 89.4–90.4% (three seeds).
    @Option(help: "Mini-batch size.") var batch: Int = 64
    @Option(help: "SGD momentum.") var momentum: Float = 0.9
    @Option(name: .customLong("weight-decay"), help: "L2 weight decay (added to the gradient, as torch.optim.SGD).")
    var weightDecay: Float = 0
    @Flag(help: "Nesterov momentum.") var nesterov = false
    @Option(help: "Random seed (weights, shuffling, dropout).") var seed: UInt64 = 0
    @Option(name: .customLong("train-limit"), help: ArgumentHelp("Use only the first N training images.", valueName: "N"))
    var trainLimit: Int?
    @Option(help: ArgumentHelp("Threads one training step is split over (each part of the batch on its own thread).", valueName: "N")) var threads: Int = 1
    @Option(help: ArgumentHelp("Write the trained model as a safetensors checkpoint.", valueName: "file.safetensors"))
    var save: String?
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() throws {
        Threads.set(threads)
        // Checked before training, not after an hour of it.
        if let path = save, let problem = FileProblem.notWritableFile(path) { throw InputError("--save \(path): \(problem)") }
        let dataset = try data.load()
        let (train, test, normalization) = (dataset.train, dataset.test, dataset.normalization)
        let spec = try modelOptions.spec(inputShape: [train.channels, train.height, train.width], classes: train.classCount)
        let config = TrainingConfig(model: spec, learningRate: lr, epochs: epochs, batchSize: batch, momentum: momentum,
                                    weightDecay: weightDecay, nesterov: nesterov, seed: seed, trainLimit: trainLimit)
        do { try config.validate() } catch { throw ValidationError(error.description) }

        let run = try Trainer(config: config).run(train: train, test: test, normalization: normalization, progress: { p in
            stderrLine(String(format: "epoch %d/%d  mean training loss %.4f  training accuracy %.2f%% (train mode)  %.1fs",
                              p.epoch, p.epochs, p.meanLoss, p.trainAccuracy * 100, p.seconds))
        }, observers: [StepProgress()])
        let (result, model) = (run.result, run.model)
        if let path = save {
            do {
                try Checkpoint(spec: spec, normalization: normalization, model: model).write(to: URL(fileURLWithPath: path), version: bnlabVersion)
            } catch {
                throw InputError("--save \(path): cannot write: \(FileProblem.notWritableFile(path) ?? FileProblem.reason(error, path: path))")
            }
        }
        if json {
            printJSON(TrainOutput(model: spec.description, finalLoss: result.finalLoss, testAccuracy: result.testAccuracy,
                                  testLoss: result.testLoss, trainAccuracy: result.trainAccuracy,
                                  divergedAtStep: result.divergedAtStep, seconds: run.seconds, checkpoint: save))
        } else {
            if let step = result.divergedAtStep { print("diverged at step \(step) (loss \(result.stepLosses.last ?? .nan))") }
            print(String(format: "final training loss %.4f (mean of the last %d mini-batch losses)", result.finalLoss,
                         min(20, result.stepLosses.count)))
            print(String(format: "test accuracy %.2f%%  test loss %.4f (evaluation mode, all %d test images)",
                         result.testAccuracy * 100, result.testLoss, test.count))
            if let path = save { print("saved \(path)") }
        }
    }
}

/// `bnlab train --json`'s object.
private struct TrainOutput: Encodable {
    var model: String
    var finalLoss: Float
    var testAccuracy: Float
    var testLoss: Float
    var trainAccuracy: Float
    var divergedAtStep: Int?
    var seconds: Double
    var checkpoint: String?
}
