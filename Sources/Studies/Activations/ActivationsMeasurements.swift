import Training

extension ActivationsStudy {
    /// One layer watched over training: summaries at each capture step, never the activations.
    public struct LayerTrace: Codable, Sendable, Equatable {
        /// The weight layer's child name (`conv1`, `fc3`).
        public var layer: String
        /// The training steps of the captures (0: before the first step).
        public var steps: [Int]
        /// TensorBoard's quantiles (`ActivationStatistics.tensorBoardPercentiles`) of the
        /// pre-activation, the nonlinearity's input (BN's output where there is BN): [capture][9].
        public var quantiles: [[Float]]
        /// Each channel's mean and standard deviation of the BN input (the layer's own output):
        /// [capture][channel]; nil where not recorded (the MLP).
        public var channelMean: [[Float]]?
        public var channelStd: [[Float]]?
        /// ReLU layers: the fraction of units that are zero for the whole batch, per capture.
        public var deadFraction: [Float]?
        /// Sigmoid layers: the fraction of outputs below 0.01 or above 0.99, per capture.
        public var saturatedFraction: [Float]?

        public init(layer: String, steps: [Int] = [], quantiles: [[Float]] = [], channelMean: [[Float]]? = nil,
                    channelStd: [[Float]]? = nil, deadFraction: [Float]? = nil, saturatedFraction: [Float]? = nil) {
            self.layer = layer; self.steps = steps; self.quantiles = quantiles
            self.channelMean = channelMean; self.channelStd = channelStd
            self.deadFraction = deadFraction; self.saturatedFraction = saturatedFraction
        }
    }

    /// How a training run ended, without its per-step losses.
    public struct RunSummary: Codable, Sendable, Equatable {
        public var steps: Int
        public var finalLoss: Float
        public var testAccuracy: Float
        public var testLoss: Float
        public var divergedAtStep: Int?
        public var failed: Bool
        public var failureReason: String?

        public init(steps: Int, finalLoss: Float, testAccuracy: Float, testLoss: Float, divergedAtStep: Int? = nil,
                    failed: Bool = false, failureReason: String? = nil) {
            self.steps = steps; self.finalLoss = finalLoss; self.testAccuracy = testAccuracy; self.testLoss = testLoss
            self.divergedAtStep = divergedAtStep; self.failed = failed; self.failureReason = failureReason
        }

        init(_ result: TrainingResult, classes: Int) {
            let reason = FailureCriterion.reason(result, classes: classes)
            self.init(steps: result.stepLosses.count, finalLoss: result.finalLoss, testAccuracy: result.testAccuracy,
                      testLoss: result.testLoss, divergedAtStep: result.divergedAtStep, failed: reason != nil, failureReason: reason)
        }
    }

    /// One run of Ioffe & Szegedy's sigmoid MLP, measured on a fixed probe of test images.
    public struct MLPRun: Codable, Sendable, Equatable {
        public var batchNorm: Bool
        public var seed: UInt64
        public var summary: RunSummary
        /// Capture steps (0: at initialisation) and the probe's test accuracy there (evaluation mode).
        public var steps: [Int]
        public var accuracy: [Float]
        /// The last hidden layer's units whose percentiles are kept.
        public var trackedUnits: [Int]
        /// Their 15th, 50th and 85th percentiles of the sigmoid input: [unit][capture][3].
        public var unitPercentiles: [[[Float]]]
        /// The mean over all the layer's units of each unit's 15th, 50th and 85th percentile: [capture][3].
        public var meanPercentiles: [[Float]]
        /// Ioffe's drift over all the last hidden layer's units (`ActivationStatistics.drift`).
        public var medianDrift: Double
        public var spreadDrift: Double
        /// The three hidden layers' sigmoid inputs and saturation.
        public var layers: [LayerTrace]

        public init(batchNorm: Bool, seed: UInt64, summary: RunSummary, steps: [Int] = [], accuracy: [Float] = [],
                    trackedUnits: [Int] = [], unitPercentiles: [[[Float]]] = [], meanPercentiles: [[Float]] = [],
                    medianDrift: Double, spreadDrift: Double, layers: [LayerTrace] = []) {
            self.batchNorm = batchNorm; self.seed = seed; self.summary = summary; self.steps = steps; self.accuracy = accuracy
            self.trackedUnits = trackedUnits; self.unitPercentiles = unitPercentiles; self.meanPercentiles = meanPercentiles
            self.medianDrift = medianDrift; self.spreadDrift = spreadDrift; self.layers = layers
        }
    }

    /// Feature maps of one ConvNet at one moment (kept in memory for the report's figures, never in metrics.json).
    public struct MapSnapshot: Sendable, Equatable {
        /// "init" or "end".
        public var stage: String
        public var maps: [FeatureMaps]
    }

    /// One run of the seed's ConvNet, with or without BN, watched on its training batches.
    public struct ConvNetRun: Codable, Sendable, Equatable {
        public var batchNorm: Bool
        public var seed: UInt64
        public var summary: RunSummary
        /// conv1 and conv2: pre-activation quantiles, BN-input channel moments, dead ReLUs.
        public var layers: [LayerTrace]
        /// Post-activation maps of the capture images at initialisation and at the end, and the
        /// images (not encoded: metrics.json keeps summaries, not activations; `bnlab render` has no maps).
        public var maps: [MapSnapshot] = []
        public var mapImages: CaptureImages?

        enum CodingKeys: String, CodingKey { case batchNorm, seed, summary, layers }

        public init(batchNorm: Bool, seed: UInt64, summary: RunSummary, layers: [LayerTrace], maps: [MapSnapshot] = [],
                    mapImages: CaptureImages? = nil) {
            self.batchNorm = batchNorm; self.seed = seed; self.summary = summary; self.layers = layers
            self.maps = maps; self.mapImages = mapImages
        }
    }

    /// What one unit measured.
    public struct UnitOutput: Codable, Sendable {
        public var mlp: MLPRun?
        public var convnet: ConvNetRun?
    }
}
