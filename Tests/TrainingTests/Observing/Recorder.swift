import Datasets
import Engine
@testable import Training

/// An observer that reads everything a run shows, for checking that observing changes nothing.
final class Recorder: TrainingObserver {
    var events: [String] = []
    var losses: [Float] = []
    var logitSums: [Double] = []
    /// (epoch, step, stepInEpoch) at each forward.
    var positions: [[Int]] = []
    var gradientNorms: [[(String, Float)]] = []
    var weights: [[Tensor]] = []
    var epochs: [TrainingResult.Epoch] = []
    /// Forward hook calls by name: (input shape, output shape).
    var hookCalls: [String: [[[Int]]]] = [:]
    var handles: [HookHandle] = []

    func trainingWillStart(_ loop: TrainingLoop) {
        events.append("start")
        for name in ["bn1", "relu1"] {
            let handle = try! loop.model.registerForwardHook(name) { [unowned self] call in
                hookCalls[call.name, default: []].append([call.input.shape, call.output.shape])
                _ = call.input.data.reduce(0, +) + call.output.data.reduce(0, +)
            }
            handles.append(handle)
        }
    }

    func didForward(_ loop: TrainingLoop, loss: Float, logits: Tensor, batch: Batch) {
        events.append("forward")
        losses.append(loss)
        logitSums.append(logits.data.reduce(0.0) { $0 + Double($1) })
        positions.append([loop.epoch, loop.step, loop.stepInEpoch])
        precondition(batch.labels.count == batch.images.shape[0])
    }

    func didBackward(_ loop: TrainingLoop) {
        events.append("backward")
        gradientNorms.append(GradientNorms.perParameter(loop.model.namedParameters()))
    }

    func didStep(_ loop: TrainingLoop) {
        events.append("step")
        weights.append(loop.model.parameters().map(\.value))
        _ = loop.optimizer.paramGroups.map(\.lr)
    }

    func didEndEpoch(_ loop: TrainingLoop, summary: TrainingResult.Epoch) {
        events.append("epoch")
        epochs.append(summary)
    }
}
