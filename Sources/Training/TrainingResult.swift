import Engine

/// What one training run measured: a pure function of its config and data (wall times are kept
/// apart, in `TrainingRun`). Losses may be non-finite when a run diverged: that is a result,
/// encoded in JSON as "NaN"/"Infinity" strings (see `JSONCoding`).
public struct TrainingResult: Codable, Sendable, Equatable {
    /// One summary per finished (or interrupted-by-divergence) epoch.
    public struct Epoch: Codable, Sendable, Equatable {
        public var epoch: Int
        public var meanLoss: Float
        public var trainAccuracy: Float
    }

    public var config: TrainingConfig
    /// The mini-batch loss at every step taken, in order.
    public var stepLosses: [Float]
    public var epochs: [Epoch]
    /// The first step's loss.
    public var initialLoss: Float
    /// The mean loss of the last `min(20, steps)` steps: the run's final training loss.
    public var finalLoss: Float
    /// Accuracy on the training batches of the last epoch, in training mode.
    public var trainAccuracy: Float
    /// Accuracy and mean loss on the test set, in evaluation mode.
    public var testAccuracy: Float
    public var testLoss: Float
    /// The 1-based step at which the loss became non-finite or exceeded the divergence threshold.
    public var divergedAtStep: Int?
    /// The number of steps taken when an observer stopped the run (`TrainingLoop.requestStop`);
    /// nil, and absent from JSON, for a run that was not stopped.
    public var stoppedAtStep: Int?
    /// The reason the observer gave for stopping.
    public var stopReason: String?
}
