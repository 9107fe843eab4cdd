import Charts
import Foundation
import Report
import Studies
import Training

/// Writes a run's report into the report directory: metrics.json, config.json, the page and its
/// figures into the staging directory, then committed file by file (`ReportDirectory`). On any
/// error or interruption (`CancellationError`) the staging directory is discarded and the
/// previous report stays whole. Returns the comparison with `baseline`, if one was given.
func publishReport(_ results: RunResults, baseline: RunResults?, templates: URL, formats: [ImageFormat], singleFile: Bool,
                   command: String, to output: ReportDirectory, interrupt: Interrupt) throws -> Comparison? {
    do {
        let staging = try output.beginWriting()
        try results.encoded().write(to: staging.appendingPathComponent("metrics.json"))
        let configJSON = String(decoding: try JSONCoding.encoder().encode(results.config), as: UTF8.self)
        try Data(configJSON.utf8).write(to: staging.appendingPathComponent("config.json"))
        let comparison = baseline.map { Comparison.compare(baseline: $0, current: results) }
        let options = ReportOptions(templatesDirectory: templates, formats: formats, singleFile: singleFile,
                                    command: command, configJSON: configJSON, comparison: comparison)
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
