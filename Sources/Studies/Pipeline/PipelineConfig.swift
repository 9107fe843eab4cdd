import Training
/// The effective configuration of `bnlab run`: a profile's defaults with the user's overrides.
///
/// Encoded keys are the names a `--config` file uses (JSON or YAML), e.g.
/// `{"lrSweep": {"depths": [2, 4, 6]}}`.
public struct PipelineConfig: Codable, Sendable, Equatable {
    /// `quick` or `full`: where the defaults came from.
    public var profile: String
    /// The base seed of every study.
    public var seed: UInt64
    /// Dataset name (`fashion-mnist`, `cifar10`, `synthetic`) and optional directory.
    public var dataset: String
    public var dataDirectory: String?
    /// Which studies run, in report order.
    public var studies: [String]
    public var lrSweep: LRSweepStudy.Config
    public var covariateShift: CovariateShiftStudy.Config

    /// The study identifiers in default report order.
    public static let allStudies = [LRSweepStudy.id, CovariateShiftStudy.id]

    /// The profiles by name.
    public static let profiles = ["quick", "full"]

    /// A profile's defaults: `quick` (minutes: one epoch on 10,000 images, one seed) or `full`
    /// (all 60,000 images, two epochs, three seeds).
    public static func profile(_ name: String) -> PipelineConfig? {
        var config = PipelineConfig(profile: name, seed: 0, dataset: "fashion-mnist", dataDirectory: nil,
                                    studies: allStudies, lrSweep: .init(), covariateShift: .init())
        switch name {
        case "quick":
            return config
        case "full":
            config.lrSweep.trainLimit = nil
            config.lrSweep.epochs = 2
            config.lrSweep.seeds = 3
            config.covariateShift.seeds = 20
            return config
        default:
            return nil
        }
    }

    /// Checks every value before any training starts, naming the key and the valid values.
    public func validate() throws(ConfigError) {
        guard Self.profiles.contains(profile) else {
            throw ConfigError(key: "profile", message: "unknown profile '\(profile)'; valid: \(Self.profiles.joined(separator: ", "))")
        }
        guard !studies.isEmpty else { throw ConfigError(key: "studies", message: "no study selected; valid: \(Self.allStudies.joined(separator: ", "))") }
        for s in studies where !Self.allStudies.contains(s) {
            throw ConfigError(key: "studies", message: "unknown study '\(s)'; valid: \(Self.allStudies.joined(separator: ", "))")
        }
        guard Set(studies).count == studies.count else { throw ConfigError(key: "studies", message: "a study is listed twice") }
        let sweep = lrSweep
        guard !sweep.learningRates.isEmpty else { throw ConfigError(key: "lrSweep.learningRates", message: "the grid is empty") }
        for lr in sweep.learningRates where !(lr > 0 && lr.isFinite) {
            throw ConfigError(key: "lrSweep.learningRates", message: "every learning rate must be positive, got \(lr)")
        }
        guard !sweep.depths.isEmpty else { throw ConfigError(key: "lrSweep.depths", message: "the list of depths is empty") }
        for d in sweep.depths where !(2...64).contains(d) {
            throw ConfigError(key: "lrSweep.depths", message: "depths must be between 2 and 64 (2 is the seed's ConvNet), got \(d)")
        }
        guard sweep.seeds >= 1 else { throw ConfigError(key: "lrSweep.seeds", message: "must be at least 1, got \(sweep.seeds)") }
        guard sweep.epochs >= 1 else { throw ConfigError(key: "lrSweep.epochs", message: "must be at least 1, got \(sweep.epochs)") }
        guard sweep.batchSize >= 2 else { throw ConfigError(key: "lrSweep.batchSize", message: "must be at least 2, got \(sweep.batchSize)") }
        guard sweep.momentum >= 0, sweep.momentum < 1 else {
            throw ConfigError(key: "lrSweep.momentum", message: "must be in [0, 1), got \(sweep.momentum)")
        }
        if let n = sweep.trainLimit, n < sweep.batchSize {
            throw ConfigError(key: "lrSweep.trainLimit", message: "must be at least the batch size (\(sweep.batchSize)), got \(n)")
        }
        let shift = covariateShift
        guard !shift.noiseLevels.isEmpty, shift.noiseLevels.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw ConfigError(key: "covariateShift.noiseLevels", message: "must be a non-empty list of non-negative numbers")
        }
        guard shift.samples >= 2 else { throw ConfigError(key: "covariateShift.samples", message: "must be at least 2, got \(shift.samples)") }
        guard shift.iterations >= 1 else { throw ConfigError(key: "covariateShift.iterations", message: "must be at least 1") }
        guard shift.seeds >= 1 else { throw ConfigError(key: "covariateShift.seeds", message: "must be at least 1") }
    }
}
