import ArgumentParser
import Foundation
import History
import Report
import Studies
import Training

/// `bnlab render`: figures and HTML again from a metrics.json, without training.
struct Render: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-render the report's figures and HTML from a metrics.json, without training.",
        discussion: "Example: bnlab render --results output/metrics.json --templates my-templates --out report2")

    @Option(help: ArgumentHelp("The metrics.json of an earlier run.", valueName: "file")) var results: String
    @Option(help: ArgumentHelp("Output directory (default: the directory holding --results).", valueName: "dir"))
    var out: String?
    @Option(help: ArgumentHelp("Figure formats: png, svg, pdf.", valueName: "list")) var formats: String = "png"
    @Flag(help: "Write one self-contained HTML file with the images inlined.") var singleFile = false
    @Option(help: ArgumentHelp("Directory of Mustache templates.", valueName: "dir")) var templates: String?
    @Option(help: ArgumentHelp("A metrics.json to compare with.", valueName: "file")) var baseline: String?
    @Option(help: ArgumentHelp("A history file to chart the trends from (read only).", valueName: "file")) var history: String?

    func run() throws {
        let resultsURL = URL(fileURLWithPath: results)
        let current: RunResults
        let base: RunResults?
        do {
            current = try RunResults.read(from: resultsURL)
            base = try baseline.map { try RunResults.read(from: URL(fileURLWithPath: $0)) }
        } catch { throw InputError("\(error)") }
        let trends: HistoryTrends?
        do {
            trends = try history.map { path in
                try HistoryTrends.read(from: HistoryStore(path: path, create: false), configHash: current.config.fingerprint,
                                       metrics: ReportWriter.headlineMetrics(of: current), machine: current.timings.machine)
            }
        } catch { throw InputError("--history: \(error)") }
        let imageFormats = try parseFormats(formats)
        let templatesDirectory = try TemplateLocator.directory(explicit: templates)
        let destination = out.map { URL(fileURLWithPath: $0) } ?? resultsURL.deletingLastPathComponent()
        let output = try ReportDirectory(out ?? destination.path)
        let interrupt = Interrupt()
        interrupt.install { stderrLine("interrupted: stopping…") }
        do {
            // The report directory holds what a run's holds: metrics.json and config.json too.
            let staging = try output.beginWriting()
            try current.encoded().write(to: staging.appendingPathComponent("metrics.json"))
            let configJSON = String(decoding: try JSONCoding.encoder().encode(current.config), as: UTF8.self)
            try Data(configJSON.utf8).write(to: staging.appendingPathComponent("config.json"))
            let options = ReportOptions(templatesDirectory: templatesDirectory, formats: imageFormats, singleFile: singleFile,
                                        command: Run.reproducingCommand(out: out ?? (results as NSString).deletingLastPathComponent), configJSON: configJSON,
                                        comparison: base.map { Comparison.compare(baseline: $0, current: current) },
                                        trends: trends)
            try ReportWriter.write(results: current, baseline: base, options: options, to: staging,
                                   isCancelled: { interrupt.isSet })
            if interrupt.isSet { throw CancellationError() }
            try output.commit()
        } catch is CancellationError {
            output.discard()
            stderrLine("interrupted: nothing was written; the previous report in \(destination.path) is intact")
            throw ExitCode(interrupt.exitCode)
        } catch {
            output.discard()
            throw error
        }
        print("wrote \(destination.path)/index.html")
    }
}
