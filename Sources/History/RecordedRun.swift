import Studies

/// One run as the history store keeps it: who, when, under which configuration.
public struct RecordedRun: Codable, Sendable, Equatable {
    /// The store's row id: stable, shown by `bnlab history list`.
    public var id: Int64
    /// When the run started (`RunResults.Timings.startedAt`, ISO 8601): the order of the history.
    public var startedAt: String
    /// When it was added to the store.
    public var recordedAt: String
    /// A short name for charts and lists (default: the start date and the commit).
    public var label: String
    public var gitCommit: String?
    /// `PipelineConfig.fingerprint`: only runs with equal hashes are compared.
    public var configHash: String
    public var profile: String
    /// The studies that ran, comma-separated.
    public var studies: String
    public var bnlabVersion: String
    /// Where it ran and with how many jobs (schema v2; nil for runs recorded by schema v1): wall
    /// times are comparable only on the same machine.
    public var machine: String?
    public var jobs: Int?
    public var totalSeconds: Double
}

/// One number of one recorded run: a headline metric or a wall time (`time.total`, `time.<study>`).
public struct RecordedValue: Codable, Sendable, Equatable {
    public var runID: Int64
    public var metric: String
    public var label: String
    public var value: Double?
    public var unit: Metric.Unit
    public var better: Metric.Better
}
