import Charts
import Foundation
import History
import Report
import Studies
import Training

/// Writes a run's report into the report directory: metrics.json, config.json, the page and its
/// figures into the staging directory, then committed file by file (`ReportDirectory`). On any
/// error or interruption (`CancellationError`) the staging directory is discarded and the
/// previous report stays whole. Returns the comparison with `baseline`, if one was given.
func publishReport(_ results: RunResults, baseline: RunResults?, templates: URL, formats: [ImageFormat], singleFile: Bool,
                   command: String, to output: ReportDirectory, history: HistoryStore? = nil, progress: ProgressReporter? = nil,
                   interrupt: Interrupt) throws -> Comparison? {
    do {
        let staging = try output.beginWriting()
        try results.encoded().write(to: staging.appendingPathComponent("metrics.json"))
        let configJSON = String(decoding: try JSONCoding.encoder().encode(results.config), as: UTF8.self)
        try Data(configJSON.utf8).write(to: staging.appendingPathComponent("config.json"))
        let comparison = baseline.map { Comparison.compare(baseline: $0, current: results) }
        let trends = try history.map { try record(results, in: $0, progress: progress) }
        let options = ReportOptions(templatesDirectory: templates, formats: formats, singleFile: singleFile,
                                    command: command, configJSON: configJSON, comparison: comparison, trends: trends)
        try ReportWriter.write(results: results, baseline: baseline, options: options, to: staging,
                               isCancelled: { interrupt.isSet })
        if interrupt.isSet { throw CancellationError() }
        try output.commit()
        return comparison
    } catch {
        output.discard()
        throw error
    }
}

/// Reads `--baseline FILE`, a metrics.json of any readable schema version.
func readBaseline(_ path: String) throws -> RunResults {
    do { return try RunResults.read(from: URL(fileURLWithPath: path)) } catch { throw InputError("--baseline: \(error)") }
}

/// Opens (or creates) `--history FILE`, refusing a file that is not a bnlab history.
func openHistory(_ path: String) throws -> HistoryStore {
    do { return try HistoryStore(path: path, create: true) } catch { throw InputError("--history: \(error)") }
}

/// Adds the run to the history and reads its trends back for the report.
func record(_ results: RunResults, in store: HistoryStore, progress: ProgressReporter?) throws -> HistoryTrends {
    do {
        let run = try store.add(results)
        let trends = try HistoryTrends.read(from: store, configHash: run.configHash,
                                            metrics: ReportWriter.headlineMetrics(of: results), machine: results.timings.machine)
        progress?.note("recorded run #\(run.id) in \(store.path) (\(trends.runs.count) with this configuration)")
        return trends
    } catch { throw InputError("--history: \(error)") }
}
