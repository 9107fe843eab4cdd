@testable import Training

/// Sets group 0's learning rate after a given step, as a step scheduler would.
final class LearningRateCut: TrainingObserver {
    let step: Int
    let lr: Float
    init(atStep step: Int, to lr: Float) { (self.step, self.lr) = (step, lr) }

    func didStep(_ loop: TrainingLoop) {
        if loop.step == step { loop.optimizer.paramGroups[0].lr = lr }
    }
}
