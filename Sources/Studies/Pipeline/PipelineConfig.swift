import Training

/// The effective configuration of `bnlab run`: a profile's defaults with the user's overrides.
///
/// Encoded keys are the names a `--config` file uses (JSON or YAML): the run's own keys, then one
/// object per registered study under its `configKey`, e.g. `{"lrSweep": {"depths": [2, 4, 6]}}`.
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
    /// The studies this config knows: one setting each, whether selected or not.
    public let registry: StudyRegistry
    /// Each registered study's configuration by id. (`@unchecked`: every `StudyConfig` is Sendable.)
    private var settings: Settings

    /// The profiles by name.
    public static let profiles = Profile.allCases.map(\.rawValue)

    /// A profile's defaults for every study of `registry`; nil for an unknown profile name.
    public static func profile(_ name: String, registry: StudyRegistry = .standard) -> PipelineConfig? {
        guard let profile = Profile(rawValue: name) else { return nil }
        var settings: [String: any StudyConfig] = [:]
        for study in registry.studies { settings[study.id] = defaults(study, profile) }
        return PipelineConfig(profile: name, seed: 0, dataset: "fashion-mnist", dataDirectory: nil,
                              studies: registry.ids, registry: registry, settings: Settings(values: settings))
    }

    private init(profile: String, seed: UInt64, dataset: String, dataDirectory: String?, studies: [String],
                 registry: StudyRegistry, settings: Settings) {
        self.profile = profile
        self.seed = seed
        self.dataset = dataset
        self.dataDirectory = dataDirectory
        self.studies = studies
        self.registry = registry
        self.settings = settings
    }

    private static func defaults<S: Study>(_ study: S.Type, _ profile: Profile) -> any StudyConfig { S.Config(profile: profile) }

    // MARK: - Studies

    /// Study `S`'s configuration (its profile defaults if `S` is not in the registry).
    public subscript<S: Study>(_ study: S.Type) -> S.Config {
        get { settings.values[S.id] as? S.Config ?? S.Config(profile: Profile(rawValue: profile) ?? .quick) }
        set { settings.values[S.id] = newValue }
    }

    /// The study with this id, configured: what the pipeline runs.
    public func study(id: String) -> (any Study)? {
        guard let type = registry.study(id: id), let config = settings.values[id] else { return nil }
        return Self.make(type, config)
    }

    private static func make<S: Study>(_ type: S.Type, _ config: any StudyConfig) -> (any Study)? {
        (config as? S.Config).map { S(config: $0) }
    }

    /// This config with only the studies `ids` selected and known: a `--config` file for them alone.
    public func restricted(to ids: [String]) -> PipelineConfig {
        let registry = StudyRegistry(self.registry.studies.filter { ids.contains($0.id) })
        return PipelineConfig(profile: profile, seed: seed, dataset: dataset, dataDirectory: dataDirectory,
                              studies: ids, registry: registry,
                              settings: Settings(values: settings.values.filter { ids.contains($0.key) }))
    }

    // MARK: - Validation

    /// Checks every value before any training starts, naming the key and the valid values.
    public func validate() throws(ConfigError) {
        guard Self.profiles.contains(profile) else {
            throw ConfigError(key: "profile", message: "unknown profile '\(profile)'; valid: \(Self.profiles.joined(separator: ", "))")
        }
        let valid = registry.ids.joined(separator: ", ")
        guard !studies.isEmpty else { throw ConfigError(key: "studies", message: "no study selected; valid: \(valid)") }
        for s in studies where registry.study(id: s) == nil {
            throw ConfigError(key: "studies", message: "unknown study '\(s)'; valid: \(valid)")
        }
        guard Set(studies).count == studies.count else { throw ConfigError(key: "studies", message: "a study is listed twice") }
        for study in registry.studies {
            guard let config = settings.values[study.id] else { continue }
            do { try config.validate() } catch {
                throw ConfigError(key: study.configKey + "." + error.key, message: error.message)
            }
        }
    }

    // MARK: - Coding

    private enum Key: String { case profile, seed, dataset, dataDirectory, studies }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: StudyKey.self)
        func key(_ k: Key) -> StudyKey { StudyKey(k.rawValue) }
        profile = try c.decode(String.self, forKey: key(.profile))
        seed = try c.decode(UInt64.self, forKey: key(.seed))
        dataset = try c.decode(String.self, forKey: key(.dataset))
        dataDirectory = try c.decodeIfPresent(String.self, forKey: key(.dataDirectory))
        studies = try c.decode([String].self, forKey: key(.studies))
        registry = decoder.studyRegistry
        let profile = Profile(rawValue: profile) ?? .quick
        var values: [String: any StudyConfig] = [:]
        for study in registry.studies { values[study.id] = try Self.decode(study, from: c, profile: profile) }
        settings = Settings(values: values)
    }

    /// Study `S`'s config under its key, or the profile's defaults where the file has none.
    private static func decode<S: Study>(_ study: S.Type, from c: KeyedDecodingContainer<StudyKey>, profile: Profile) throws -> any StudyConfig {
        try c.decodeIfPresent(S.Config.self, forKey: StudyKey(S.configKey)) ?? S.Config(profile: profile)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: StudyKey.self)
        try c.encode(profile, forKey: StudyKey(Key.profile.rawValue))
        try c.encode(seed, forKey: StudyKey(Key.seed.rawValue))
        try c.encode(dataset, forKey: StudyKey(Key.dataset.rawValue))
        try c.encodeIfPresent(dataDirectory, forKey: StudyKey(Key.dataDirectory.rawValue))
        try c.encode(studies, forKey: StudyKey(Key.studies.rawValue))
        for study in registry.studies {
            if let config = settings.values[study.id] { try c.encode(config, forKey: StudyKey(study.configKey)) }
        }
    }

    public static func == (a: PipelineConfig, b: PipelineConfig) -> Bool {
        a.profile == b.profile && a.seed == b.seed && a.dataset == b.dataset && a.dataDirectory == b.dataDirectory
            && a.studies == b.studies && a.registry.ids == b.registry.ids && a.settings == b.settings
    }

    /// The studies' configurations, compared by value.
    private struct Settings: @unchecked Sendable, Equatable {
        var values: [String: any StudyConfig]
        static func == (a: Settings, b: Settings) -> Bool {
            Set(a.values.keys) == Set(b.values.keys) && a.values.allSatisfy { id, config in b.values[id].map { equal(config, $0) } ?? false }
        }
        private static func equal<C: StudyConfig>(_ a: C, _ b: any StudyConfig) -> Bool { (b as? C) == a }
    }
}
