import Datasets
import Engine

/// Watches a training run step by step, as Keras callbacks or Lightning hooks; every method
/// does nothing unless implemented. Observers may read anything, but only `TrainingLoop`'s
/// optimizer hyper-parameters and `requestStop` are meant to change a run.
public protocol TrainingObserver: AnyObject {
    /// Before the first step, with the model built and the optimizer created.
    func trainingWillStart(_ loop: TrainingLoop)
    /// After the forward pass and the loss, also for a step that diverged (the run then ends).
    func didForward(_ loop: TrainingLoop, loss: Float, logits: Tensor, batch: Batch)
    /// After the backward pass: every parameter's `grad` holds this step's gradient.
    func didBackward(_ loop: TrainingLoop)
    /// After `optimizer.step()`: the parameters hold their updated values.
    func didStep(_ loop: TrainingLoop)
    /// After an epoch (or the part of it run before a stop or divergence), with its summary.
    func didEndEpoch(_ loop: TrainingLoop, summary: TrainingResult.Epoch)
}

extension TrainingObserver {
    public func trainingWillStart(_ loop: TrainingLoop) {}
    public func didForward(_ loop: TrainingLoop, loss: Float, logits: Tensor, batch: Batch) {}
    public func didBackward(_ loop: TrainingLoop) {}
    public func didStep(_ loop: TrainingLoop) {}
    public func didEndEpoch(_ loop: TrainingLoop, summary: TrainingResult.Epoch) {}
}
