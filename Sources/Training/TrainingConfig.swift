import Engine

/// Everything that determines one training run; with the data, it reproduces the run bit for bit.
public struct TrainingConfig: Codable, Sendable, Equatable {
    public var model: ModelSpec
    public var learningRate: Float
    public var epochs: Int
    public var batchSize: Int
    public var momentum: Float
    public var weightDecay: Float
    public var nesterov: Bool
    public var seed: UInt64
    /// Train on the first `trainLimit` training images only (nil: all of them).
    public var trainLimit: Int?
    /// A loss above this (or non-finite) ends the run as diverged.
    public var divergenceLoss: Float

    public init(model: ModelSpec, learningRate: Float = 0.01, epochs: Int = 1, batchSize: Int = 128,
                momentum: Float = 0.9, weightDecay: Float = 0, nesterov: Bool = false, seed: UInt64 = 0,
                trainLimit: Int? = nil, divergenceLoss: Float = 1000) {
        self.model = model
        self.learningRate = learningRate
        self.epochs = epochs
        self.batchSize = batchSize
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.seed = seed
        self.trainLimit = trainLimit
        self.divergenceLoss = divergenceLoss
    }

    /// Checks every field, naming the first one that is out of range.
    public func validate() throws(ConfigError) {
        do { try model.validate() } catch { throw ConfigError(key: "model", message: error.description) }
        guard learningRate > 0, learningRate.isFinite else {
            throw ConfigError(key: "lr", message: "learning rate must be a positive number, got \(learningRate)")
        }
        guard epochs >= 1 else { throw ConfigError(key: "epochs", message: "must be at least 1, got \(epochs)") }
        guard batchSize >= 2 else {
            throw ConfigError(key: "batch", message: "must be at least 2 (BatchNorm needs two samples), got \(batchSize)")
        }
        guard momentum >= 0, momentum < 1 else { throw ConfigError(key: "momentum", message: "must be in [0, 1), got \(momentum)") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw ConfigError(key: "weight-decay", message: "must be a finite number ≥ 0, got \(weightDecay)") }
        guard !nesterov || momentum > 0 else { throw ConfigError(key: "nesterov", message: "needs momentum > 0") }
        if let n = trainLimit, n < batchSize {
            throw ConfigError(key: "train-limit", message: "must be at least the batch size \(batchSize), got \(n)")
        }
    }
}
