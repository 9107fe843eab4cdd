import Datasets
import Engine
import Training

/// Compares each BatchNorm's running statistics with the population statistics of the training
/// set under the current weights at a few steps, and measures eval-mode test accuracy there;
/// puts the model back exactly as it found it (a probed run is bit-identical to an unprobed one).
final class RunningStatsRecorder: TrainingObserver {
    let steps: Set<Int>
    let test: ImageSet
    let batchSize: Int
    private(set) var checkpoints: [RunningStatsStudy.Checkpoint] = []
    private(set) var error: (any Error)?

    init(steps: [Int], test: ImageSet, batchSize: Int) {
        self.steps = Set(steps)
        self.test = test
        self.batchSize = batchSize
    }

    func didStep(_ loop: TrainingLoop) {
        guard steps.contains(loop.step), error == nil else { return }
        do { checkpoints.append(try measure(loop)) } catch { self.error = error }
    }

    private func measure(_ loop: TrainingLoop) throws -> RunningStatsStudy.Checkpoint {
        let model = loop.model
        let snapshot = ModelSnapshot(of: model)
        let norms = model.namedBatchNorms().filter { $0.1.trackRunningStats }
        let running = norms.map { ($0.1.runningMean.value.data, $0.1.runningVar.value.data) }
        let accuracy = try NormProbes.evalAccuracy(model, on: test, normalization: loop.normalization)
        NormProbes.recalibrate(model, on: loop.train, normalization: loop.normalization, batchSize: batchSize, dropoutOff: false)
        let layers = zip(norms, running).map { (named, run) in
            RunningStatsStudy.LayerError(layer: named.0, running: run,
                                         population: (named.1.runningMean.value.data, named.1.runningVar.value.data),
                                         eps: named.1.eps)
        }
        snapshot.restore()
        model.train()
        return RunningStatsStudy.Checkpoint(step: loop.step, evalAccuracy: accuracy, layers: layers)
    }
}
