import Datasets
import Foundation
import Training

/// Progress of a pipeline: emitted after every finished unit of work.
public struct PipelineProgress: Sendable {
    public var study: String
    /// The unit's key.
    public var label: String
    /// Units finished and in total, across all selected studies.
    public var done: Int
    public var total: Int
    /// The unit's result in a few words (`Study.summary(of:)`), if the study gives one.
    public var summary: String?
    /// Expected cost finished and in total (`StudyUnit.cost`), for time estimates.
    public var costDone: Double
    public var costTotal: Double
}

/// Runs the selected studies on a dataset and gathers their results into `RunResults`.
///
/// Each study's units run `jobs` at a time; every unit is self-contained, so the results do not
/// depend on `jobs`, nor on which process ran which unit: `runUnits` may run any subset (a shard,
/// what a resumed run still lacks) and `assemble` combines units from anywhere.
public struct Pipeline: Sendable {
    public var config: PipelineConfig
    public var jobs: Int

    public init(config: PipelineConfig, jobs: Int = 1) {
        self.config = config
        self.jobs = max(1, jobs)
    }

    /// The selected studies, configured, in run order.
    var selected: [any Study] { config.studies.compactMap { config.study(id: $0) } }

    /// Units of work in total (for progress bars).
    public var totalWork: Int { selected.reduce(0) { $0 + $1.units(seed: config.seed).count } }

    /// Every unit of the selected studies in a fixed order (studies in run order, each study's
    /// units in its own order). Throws if a study gives two units one key.
    public func plan() throws -> [PlannedUnit] {
        var out: [PlannedUnit] = []
        var seen = Set<UnitID>()
        for study in selected {
            for unit in Self.planned(study, seed: config.seed) {
                guard seen.insert(unit.id).inserted else { throw UnitsError("\(unit.id) is the key of two units; a study's unit keys must be unique") }
                out.append(unit)
            }
        }
        return out
    }

    private static func planned<S: Study>(_ study: S, seed: UInt64) -> [PlannedUnit] {
        study.units(seed: seed).map { PlannedUnit(id: UnitID(study: S.id, key: $0.key), cost: $0.cost) }
    }

    /// Runs every selected study in order. Throws `CancellationError` when `isCancelled` turns true.
    public func run(dataset: Dataset, bnlabVersion: String, gitCommit: String?, machine: String,
                    progress: @escaping @Sendable (PipelineProgress) -> Void = { _ in },
                    isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> RunResults {
        try config.validate()
        let start = Date()
        let units = try runUnits(dataset: dataset, progress: progress, isCancelled: isCancelled)
        return try assemble(units, dataset: Self.info(dataset), bnlabVersion: bnlabVersion, gitCommit: gitCommit,
                            timings: .init(startedAt: ISO8601DateFormatter().string(from: start), machine: machine, jobs: jobs,
                                           totalSeconds: Date().timeIntervalSince(start), studies: units.studySeconds,
                                           runs: units.seconds))
    }

    /// Runs the units `only` (default: all) that `done` lacks, study by study, `jobs` at a time, and
    /// returns them with `done`. `finished` sees each unit as it finishes (on a worker thread).
    /// Throws `CancellationError` when `isCancelled` turns true; units finished by then were passed
    /// to `finished`.
    public func runUnits(only: Set<UnitID>? = nil, skipping done: UnitResults = UnitResults(), dataset: Dataset,
                         progress: @escaping @Sendable (PipelineProgress) -> Void = { _ in },
                         isCancelled: @escaping @Sendable () -> Bool = { false },
                         finished: @escaping @Sendable (UnitRecord) -> Void = { _ in }) throws -> UnitResults {
        let todo = try plan().filter { (only?.contains($0.id) ?? true) && done[$0.id] == nil }
        let wanted = Set(todo.map(\.id))
        let log = WorkLog(total: todo.count, cost: todo.reduce(0) { $0 + $1.cost }, progress: progress)
        let context = StudyContext(train: dataset.train, test: dataset.test, normalization: dataset.normalization,
                                   isCancelled: isCancelled)
        var results = done
        for study in selected {
            try run(study, wanted: wanted, in: context, into: &results, log: log, finished: finished)
        }
        return results
    }

    /// Runs one study's wanted units `jobs` at a time and adds them to `results`.
    private func run<S: Study>(_ study: S, wanted: Set<UnitID>, in context: StudyContext, into results: inout UnitResults,
                               log: WorkLog, finished: @escaping @Sendable (UnitRecord) -> Void) throws {
        let units = study.units(seed: config.seed).filter { wanted.contains(UnitID(study: S.id, key: $0.key)) }
        guard !units.isEmpty else { return }
        let studyStart = Date()
        let records = try ParallelRunner(jobs: jobs).map(units, isCancelled: context.isCancelled) { _, unit in
            let start = Date()
            let result = try study.run(unit, in: context)
            let record = UnitRecord(id: UnitID(study: S.id, key: unit.key), seconds: Date().timeIntervalSince(start), result: result)
            finished(record)
            log.record(study: S.id, unit: unit.key, summary: study.summary(of: result), cost: unit.cost)
            return record
        }
        for record in records { results.insert(record) }
        results.studySeconds[S.id, default: 0] += Date().timeIntervalSince(studyStart)
    }

    /// Combines every selected study's units (from this process, a resume store or shard files)
    /// into the run's results. Throws `UnitsError` naming the units that are missing.
    public func assemble(_ units: UnitResults, dataset: RunResults.DatasetInfo, bnlabVersion: String, gitCommit: String?,
                         timings: RunResults.Timings) throws -> RunResults {
        let missing = try plan().filter { units[$0.id] == nil }
        guard missing.isEmpty else {
            throw UnitsError("\(missing.count) unit\(missing.count == 1 ? "" : "s") missing: \(UnitsError.list(missing.map(\.id)))")
        }
        var results = RunResults(schemaVersion: RunResults.currentSchemaVersion, bnlabVersion: bnlabVersion, gitCommit: gitCommit,
                                 config: config, dataset: dataset, results: StudyResults(), findings: [], timings: timings)
        for study in selected {
            results.findings += try assemble(study, from: units, into: &results.results)
        }
        return results
    }

    /// Assembles one study from its units' results, stores its result and returns its metrics.
    private func assemble<S: Study>(_ study: S, from records: UnitResults, into results: inout StudyResults) throws -> [Metric] {
        let units = study.units(seed: config.seed)
        let parts = try units.map { unit in
            guard let part = records[UnitID(study: S.id, key: unit.key)]?.result as? S.UnitResult else {
                throw UnitsError("\(S.id)/\(unit.key): the unit's result is not a \(S.id) result")
            }
            return part
        }
        let result = try study.assemble(parts, of: units)
        results[S.self] = result
        return study.metrics(of: result)
    }

    /// The dataset's name and sizes, as metrics.json records them.
    public static func info(_ dataset: Dataset) -> RunResults.DatasetInfo {
        .init(name: dataset.name.displayName, trainImages: dataset.train.count, testImages: dataset.test.count,
              imageShape: dataset.train.shape.dropFirst().map { $0 })
    }
}

/// Thread-safe count of finished work; reports progress as units finish.
private final class WorkLog: @unchecked Sendable {
    private let lock = NSLock()
    private let total: Int
    private let costTotal: Double
    private let progress: @Sendable (PipelineProgress) -> Void
    private var count = 0
    private var costDone = 0.0

    init(total: Int, cost: Double, progress: @escaping @Sendable (PipelineProgress) -> Void) {
        self.total = total
        self.costTotal = cost
        self.progress = progress
    }

    /// Records one unit and reports it.
    func record(study: String, unit: String, summary: String?, cost: Double) {
        let p = lock.withLock {
            count += 1
            costDone += cost
            return PipelineProgress(study: study, label: unit, done: count, total: total, summary: summary,
                                    costDone: costDone, costTotal: costTotal)
        }
        progress(p)
    }
}
