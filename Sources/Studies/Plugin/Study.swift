import Datasets
import Training

/// One experiment of the report, as a plug-in: everything the pipeline needs from a study.
///
/// A study is a value holding its configuration. Its work is a list of keyed units that each run
/// alone (so the pipeline can run them `--jobs` at a time, and a later shard on another machine);
/// the units' results assemble into one Codable `Result`, from which the study derives its
/// headline metrics. Studies print nothing and write no files. The report side of a study (its
/// figures, findings sentences and template view) lives in the Report module.
///
/// Adding a study: see "Adding a study" in the README.
public protocol Study: Sendable {
    /// Everything that determines the study's work: Codable, with defaults per profile.
    associatedtype Config: StudyConfig
    /// One independent piece of the study's work.
    associatedtype Unit: StudyUnit
    /// What one unit measured.
    associatedtype UnitResult: Codable & Sendable
    /// What the whole study measured: its part of metrics.json.
    associatedtype Result: Codable & Sendable

    /// The stable identifier used in file names, `--studies`, templates and metrics.json (`lr-sweep`).
    static var id: String { get }
    /// A short human title for the report's contents (`Learning-rate sweep`).
    static var title: String { get }

    init(config: Config)
    var config: Config { get }

    /// The units of work, in a fixed order; they depend on the configuration and the base seed only.
    func units(seed: UInt64) -> [Unit]
    /// Runs one unit. Units share nothing, so any number may run at once on different threads.
    func run(_ unit: Unit, in context: StudyContext) throws -> UnitResult
    /// Combines every unit's result (in `units` order) into the study's result.
    func assemble(_ results: [UnitResult], of units: [Unit]) throws -> Result
    /// The headline numbers `bnlab compare` compares; ids start with the study id (`lr-sweep.…`).
    func metrics(of result: Result) -> [Metric]
    /// A few words on one unit's result for its progress line ("test accuracy 81.2%",
    /// "diverged at step 13"); nil to say nothing (the default).
    func summary(of result: UnitResult) -> String?
}

extension Study {
    /// The study's key in config files and `--print-config`: its id in lower camel case
    /// (`lr-sweep` → `lrSweep`).
    public static var configKey: String {
        let parts = id.split(separator: "-")
        return parts.enumerated().map { $0.offset == 0 ? String($0.element) : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }.joined()
    }
}

extension Study {
    public func summary(of result: UnitResult) -> String? { nil }

    /// This study's metrics from its result in `results` (none if it did not run).
    func metrics(in results: StudyResults) -> [Metric] { results[Self.self].map { metrics(of: $0) } ?? [] }
}
