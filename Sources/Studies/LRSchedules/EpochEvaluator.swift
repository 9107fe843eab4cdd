import Datasets
import Engine
import Training

/// Measures test accuracy after every epoch but the last (the trainer's own evaluation gives
/// that one: `accuracies(final:)`), in evaluation mode, and puts the model back in training
/// mode; evaluating draws no random numbers and updates no statistics, so the run is the same
/// with or without it.
final class EpochEvaluator: TrainingObserver {
    let test: ImageSet
    private var accuracies: [Float] = []

    init(test: ImageSet) { self.test = test }

    /// The accuracy after every epoch run, given the trainer's final test accuracy.
    func accuracies(final result: TrainingResult) -> [Float] {
        accuracies.count < result.epochs.count ? accuracies + [result.testAccuracy] : accuracies
    }

    func didEndEpoch(_ loop: TrainingLoop, summary: TrainingResult.Epoch) {
        guard loop.epoch < loop.config.epochs else { return }
        let accuracy = (try? Evaluator(batchSize: 1000).evaluate(loop.model, on: test, normalization: loop.normalization).accuracy) ?? 0
        loop.model.train()
        accuracies.append(accuracy)
    }
}
