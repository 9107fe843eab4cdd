import Datasets
import Engine
import Training

/// Measures test accuracy after every epoch, in evaluation mode, and puts the model back in
/// training mode; evaluating draws no random numbers and updates no statistics, so the run is
/// the same with or without it.
final class EpochEvaluator: TrainingObserver {
    let test: ImageSet
    private(set) var accuracies: [Float] = []

    init(test: ImageSet) { self.test = test }

    func didEndEpoch(_ loop: TrainingLoop, summary: TrainingResult.Epoch) {
        let accuracy = (try? Evaluator(batchSize: 1000).evaluate(loop.model, on: test, normalization: loop.normalization).accuracy) ?? 0
        loop.model.train()
        accuracies.append(accuracy)
    }
}
