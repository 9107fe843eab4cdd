import Training
import Datasets
import Foundation

/// Progress of a pipeline: emitted after every finished unit of work.
public struct PipelineProgress: Sendable {
    public var study: String
    public var label: String
    /// Units finished and in total, across all selected studies.
    public var done: Int
    public var total: Int
}

/// Runs the selected studies on a dataset and gathers their results into `RunResults`.
public struct Pipeline: Sendable {
    public var config: PipelineConfig
    public var jobs: Int

    public init(config: PipelineConfig, jobs: Int = 1) {
        self.config = config
        self.jobs = max(1, jobs)
    }

    /// Units of work in total (for progress bars).
    public var totalWork: Int {
        config.studies.reduce(0) { sum, id in
            switch id {
            case LRSweepStudy.id: sum + LRSweepStudy(config: config.lrSweep).workUnits
            case CovariateShiftStudy.id: sum + CovariateShiftStudy(config: config.covariateShift).workUnits
            default: sum
            }
        }
    }

    /// Runs every selected study in order. Throws `CancellationError` when `isCancelled` turns true.
    public func run(dataset: Dataset, bnlabVersion: String, gitCommit: String?, machine: String,
                    progress: @escaping @Sendable (PipelineProgress) -> Void = { _ in },
                    isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> RunResults {
        try config.validate()
        let start = Date()
        let total = totalWork
        let log = WorkLog()
        var results = RunResults(
            schemaVersion: RunResults.currentSchemaVersion, bnlabVersion: bnlabVersion, gitCommit: gitCommit,
            config: config,
            dataset: .init(name: dataset.name.displayName, trainImages: dataset.train.count, testImages: dataset.test.count,
                           imageShape: dataset.train.shape.dropFirst().map { $0 }),
            findings: [],
            timings: .init(startedAt: ISO8601DateFormatter().string(from: start), machine: machine, jobs: jobs,
                           totalSeconds: 0, studies: [:], runs: [:]))

        for id in config.studies {
            let studyStart = Date()
            let context = StudyContext(
                train: dataset.train, test: dataset.test, normalization: dataset.normalization,
                seed: config.seed, jobs: jobs,
                progress: { work in
                    let done = log.record("\(id)/\(work.label)", work.seconds)
                    progress(PipelineProgress(study: id, label: work.label, done: done, total: total))
                },
                isCancelled: isCancelled)
            switch id {
            case CovariateShiftStudy.id:
                results.covariateShift = try CovariateShiftStudy(config: config.covariateShift).run(in: context)
            case LRSweepStudy.id:
                results.lrSweep = try LRSweepStudy(config: config.lrSweep).run(in: context)
            default:
                throw ConfigError(key: "studies", message: "unknown study '\(id)'")
            }
            results.timings.studies[id] = Date().timeIntervalSince(studyStart)
        }
        results.findings = Findings.metrics(of: results)
        results.timings.runs = log.seconds
        results.timings.totalSeconds = Date().timeIntervalSince(start)
        return results
    }
}

/// Thread-safe record of finished work and its wall times.
private final class WorkLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var seconds: [String: Double] = [:]
    private var count = 0
    /// Records one unit and returns how many are done.
    func record(_ key: String, _ s: Double) -> Int {
        lock.withLock {
            seconds[key] = s
            count += 1
            return count
        }
    }
}
