/// Names one unit of a run: its study's id and the unit's key (`lr-sweep/depth 2 BN lr 0.1 seed 0`).
public struct UnitID: Hashable, Sendable, CustomStringConvertible {
    public var study: String
    public var key: String

    public init(study: String, key: String) {
        self.study = study
        self.key = key
    }

    /// `<study>/<key>`: how messages name it, and its key in metrics.json's `timings.runs`.
    public var description: String { "\(study)/\(key)" }
}

/// One unit of a pipeline's work, before it runs: which it is and what it is expected to cost.
public struct PlannedUnit: Hashable, Sendable {
    public var id: UnitID
    /// `StudyUnit.cost`: roughly seconds on one core, comparable across studies.
    public var cost: Double
}
