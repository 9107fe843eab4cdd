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
/// depend on `jobs`.
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

    /// Expected cost of all units (for time estimates).
    var totalCost: Double { selected.reduce(0) { $0 + $1.units(seed: config.seed).reduce(0) { $0 + $1.cost } } }

    /// Runs every selected study in order. Throws `CancellationError` when `isCancelled` turns true.
    public func run(dataset: Dataset, bnlabVersion: String, gitCommit: String?, machine: String,
                    progress: @escaping @Sendable (PipelineProgress) -> Void = { _ in },
                    isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> RunResults {
        try config.validate()
        let start = Date()
        let log = WorkLog(total: totalWork, cost: totalCost, progress: progress)
        var results = RunResults(
            schemaVersion: RunResults.currentSchemaVersion, bnlabVersion: bnlabVersion, gitCommit: gitCommit,
            config: config,
            dataset: .init(name: dataset.name.displayName, trainImages: dataset.train.count, testImages: dataset.test.count,
                           imageShape: dataset.train.shape.dropFirst().map { $0 }),
            results: StudyResults(), findings: [],
            timings: .init(startedAt: ISO8601DateFormatter().string(from: start), machine: machine, jobs: jobs,
                           totalSeconds: 0, studies: [:], runs: [:]))
        let context = StudyContext(train: dataset.train, test: dataset.test, normalization: dataset.normalization,
                                   isCancelled: isCancelled)
        for study in selected {
            let studyStart = Date()
            results.findings += try run(study, in: context, into: &results.results, log: log)
            results.timings.studies[type(of: study).id] = Date().timeIntervalSince(studyStart)
        }
        results.timings.runs = log.seconds
        results.timings.totalSeconds = Date().timeIntervalSince(start)
        return results
    }

    /// Runs one study's units `jobs` at a time, stores its result and returns its metrics.
    private func run<S: Study>(_ study: S, in context: StudyContext, into results: inout StudyResults,
                               log: WorkLog) throws -> [Metric] {
        let units = study.units(seed: config.seed)
        let done = try ParallelRunner(jobs: jobs).map(units, isCancelled: context.isCancelled) { _, unit in
            let start = Date()
            let result = try study.run(unit, in: context)
            log.record(study: S.id, unit: unit.key, summary: study.summary(of: result), cost: unit.cost,
                       seconds: Date().timeIntervalSince(start))
            return result
        }
        let result = try study.assemble(done, of: units)
        results[S.self] = result
        return study.metrics(of: result)
    }
}

/// Thread-safe record of finished work and its wall times; reports progress as units finish.
private final class WorkLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var seconds: [String: Double] = [:]
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
    func record(study: String, unit: String, summary: String?, cost: Double, seconds s: Double) {
        let p = lock.withLock {
            seconds["\(study)/\(unit)"] = s
            count += 1
            costDone += cost
            return PipelineProgress(study: study, label: unit, done: count, total: total, summary: summary,
                                    costDone: costDone, costTotal: costTotal)
        }
        progress(p)
    }
}
