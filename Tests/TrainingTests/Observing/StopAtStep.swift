@testable import Training

/// Requests a stop in `didStep` at a given step.
final class StopAtStep: TrainingObserver {
    let step: Int
    var steps = 0
    init(_ step: Int) { self.step = step }

    func didStep(_ loop: TrainingLoop) {
        steps += 1
        if loop.step == step { loop.requestStop(reason: "enough at step \(step)") }
    }
}
