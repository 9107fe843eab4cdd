/// One independent piece of a study's work (a training run, a simulation at one noise level).
public protocol StudyUnit: Codable, Sendable {
    /// A stable name, unique within the study: its progress line and the key of its wall time in
    /// metrics.json (`<study>/<key>`).
    var key: String { get }
    /// Expected cost relative to other units (roughly seconds on one core), for progress estimates
    /// and for balancing `--shard` (default 1).
    var cost: Double { get }
}

extension StudyUnit {
    public var cost: Double { 1 }
}
