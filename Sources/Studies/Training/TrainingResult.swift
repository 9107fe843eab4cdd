import Engine

/// What one training run measured. Losses may be non-finite when a run diverged: that is a
/// result, encoded in JSON as "NaN"/"Infinity" strings (see `JSONCoding`).
public struct TrainingResult: Codable, Sendable, Equatable {
    /// One summary per finished (or interrupted-by-divergence) epoch.
    public struct Epoch: Codable, Sendable, Equatable {
        public var epoch: Int
        public var meanLoss: Float
        public var trainAccuracy: Float
        public var seconds: Double
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
    /// Wall time of training and evaluation (not part of the reproducible result).
    public var seconds: Double

    /// Everything except the wall-clock fields, for reproducibility checks.
    public func sameOutcome(as other: TrainingResult) -> Bool {
        var a = self, b = other
        a.seconds = 0; b.seconds = 0
        a.epochs = a.epochs.map { var e = $0; e.seconds = 0; return e }
        b.epochs = b.epochs.map { var e = $0; e.seconds = 0; return e }
        return a.bitwiseEqual(b)
    }

    private func bitwiseEqual(_ o: TrainingResult) -> Bool {
        func bits(_ xs: [Float]) -> [UInt32] { xs.map(\.bitPattern) }
        return config == o.config && bits(stepLosses) == bits(o.stepLosses)
            && bits(epochs.flatMap { [$0.meanLoss, $0.trainAccuracy] }) == bits(o.epochs.flatMap { [$0.meanLoss, $0.trainAccuracy] })
            && bits([initialLoss, finalLoss, trainAccuracy, testAccuracy, testLoss])
                == bits([o.initialLoss, o.finalLoss, o.trainAccuracy, o.testAccuracy, o.testLoss])
            && divergedAtStep == o.divergedAtStep
    }
}
