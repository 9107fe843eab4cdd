import Datasets
import Engine

/// A running training loop as its observers see it: the model, the optimizer, where the run is,
/// and a way to end it early.
public final class TrainingLoop {
    public let model: Sequential
    /// The optimizer; a scheduler-like observer may set `paramGroups[i].lr` between steps.
    public let optimizer: SGD
    public let config: TrainingConfig
    /// The training images actually used (after `config.trainLimit`).
    public let train: ImageSet
    public let normalization: Normalization
    /// The current epoch, 1-based (0 before the first).
    public internal(set) var epoch = 0
    /// The current step counted over the whole run, 1-based (0 before the first).
    public internal(set) var step = 0
    /// The current step within its epoch, 1-based.
    public internal(set) var stepInEpoch = 0
    /// Why the run was asked to stop (the first request wins), or nil.
    public private(set) var stopReason: String?

    init(model: Sequential, optimizer: SGD, config: TrainingConfig, train: ImageSet, normalization: Normalization) {
        self.model = model
        self.optimizer = optimizer
        self.config = config
        self.train = train
        self.normalization = normalization
    }

    /// Ends the run before its next step starts (the current one finishes); the model is then
    /// evaluated as usual and the result records the step and the reason.
    public func requestStop(reason: String) {
        if stopReason == nil { stopReason = reason }
    }
}
