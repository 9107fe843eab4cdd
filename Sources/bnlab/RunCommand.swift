import ArgumentParser
import Charts
import Datasets
import Foundation
import History
import Report
import Studies
import Training

/// `bnlab run`: the main job — every study, then the report.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the studies and write the HTML report, figures and metrics.json.",
        discussion: """
            Runs the selected studies (default: all) on Fashion-MNIST and writes into --out: \
            index.html, figures/<study>-<figure>.png, metrics.json (results, findings, and a \
            separate timings section) and config.json (the effective configuration). A failed, \
            interrupted (Ctrl-C: exit 130, SIGTERM: 143) or killed run leaves the previous report \
            whole; bnlab replaces only the files its last report wrote (.bnlab-manifest.json), \
            each renamed into place, index.html last.
            Profiles: quick (default; a few minutes on 2 cores: each study's quick budget is \
            about a minute) and full (all 60,000 images, more epochs and seeds: an hour or more). --config FILE (JSON, or YAML by .yaml/.yml) \
            overrides any key of the effective config that --print-config shows.
            Examples:
              bnlab run
              bnlab run --profile full --jobs 2 --formats png,svg
              bnlab run --studies lr-sweep --config sweep.yaml --baseline last/metrics.json
              bnlab run --history history.sqlite      # record the run, chart its trends in the report
            """)

    @Option(help: ArgumentHelp("Profile: \(PipelineConfig.profiles.joined(separator: ", ")) (default quick, or the config file's).", valueName: "name"))
    var profile: String?
    @Option(help: ArgumentHelp("JSON or YAML file overriding configuration keys.", valueName: "file"))
    var config: String?
    @Option(help: ArgumentHelp("Comma-separated studies to run: \(StudyRegistry.standard.ids.joined(separator: ", ")).", valueName: "ids"))
    var studies: String?
    @Option(help: "Base random seed of every study.") var seed: UInt64?
    @Option(help: "Training runs to execute at once (one per core).") var jobs: Int = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: ArgumentHelp("Output directory.", valueName: "dir")) var out: String = "output"
    @Option(help: ArgumentHelp("Figure formats: png, svg, pdf (comma-separated; PNG is always written).", valueName: "list"))
    var formats: String = "png"
    @Flag(help: "Write one self-contained HTML file with the images inlined.") var singleFile = false
    @Option(help: ArgumentHelp("Directory of Mustache templates to use instead of the built-in templates/.", valueName: "dir"))
    var templates: String?
    @Option(help: ArgumentHelp("A previous metrics.json to compare with in the report.", valueName: "file"))
    var baseline: String?
    @Option(help: ArgumentHelp("A history file (SQLite; created if missing) to record this run in and chart the trends from.",
                               valueName: "file"))
    var history: String?
    @Option(help: ArgumentHelp("Dataset: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var dataset: String?
    @Option(name: .customLong("data"), help: ArgumentHelp("Directory holding the dataset's files.", valueName: "dir"))
    var dataDirectory: String?
    @Flag(help: "Print the effective configuration as JSON and exit.") var printConfig = false
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        // MARK: Everything that can be wrong is checked before any training starts.
        let effective = try effectiveConfig()
        if printConfig {
            print(String(decoding: try JSONCoding.encoder().encode(effective), as: UTF8.self))
            return
        }
        guard jobs >= 1 else { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        let imageFormats = try parseFormats(formats)
        let templatesDirectory = try TemplateLocator.directory(explicit: templates)
        let baselineResults = try baseline.map { path -> RunResults in
            do { return try RunResults.read(from: URL(fileURLWithPath: path)) } catch {
                throw InputError("--baseline: \(error)")
            }
        }
        guard let datasetName = DatasetName(rawValue: effective.dataset) else {
            throw InputError("dataset: unknown '\(effective.dataset)'; valid: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let data = try Dataset.load(datasetName, directory: effective.dataDirectory)
        let output = try ReportDirectory(out)
        // A history file that is not ours is refused before hours of training, not after.
        let store = try history.map { path -> HistoryStore in
            do { return try HistoryStore(path: path, create: true) } catch { throw InputError("--history: \(error)") }
        }

        // MARK: Run
        let progress = ProgressReporter(quiet: quiet)
        let interrupt = Interrupt()
        interrupt.install { progress.note("interrupted: stopping…") }
        let pipeline = Pipeline(config: effective, jobs: jobs)
        progress.note("bnlab run: profile \(effective.profile), studies \(effective.studies.joined(separator: ", ")), "
                      + "\(pipeline.totalWork) units of work, \(jobs) job\(jobs == 1 ? "" : "s")")
        let results: RunResults
        var comparison: Comparison?
        do {
            results = try pipeline.run(dataset: data, bnlabVersion: bnlabVersion, gitCommit: GitInfo.commit(),
                                       machine: MachineInfo.description, progress: progress.update,
                                       isCancelled: { interrupt.isSet })
            progress.finish()

            // MARK: Write (into the staging directory, then file by file into place)
            let staging = try output.beginWriting()
            try results.encoded().write(to: staging.appendingPathComponent("metrics.json"))
            let configJSON = String(decoding: try JSONCoding.encoder().encode(effective), as: UTF8.self)
            try Data(configJSON.utf8).write(to: staging.appendingPathComponent("config.json"))
            comparison = baselineResults.map { Comparison.compare(baseline: $0, current: results) }
            let trends = try store.map { try Self.record(results, in: $0, progress: progress) }
            let options = ReportOptions(templatesDirectory: templatesDirectory, formats: imageFormats, singleFile: singleFile,
                                        command: Self.reproducingCommand(out: out), configJSON: configJSON, comparison: comparison,
                                        trends: trends)
            try ReportWriter.write(results: results, baseline: baselineResults, options: options, to: staging,
                                   isCancelled: { interrupt.isSet })
            if interrupt.isSet { throw CancellationError() }
            try output.commit()
        } catch is CancellationError {
            output.discard()
            progress.finish()
            stderrLine("interrupted: nothing was written; the previous report in \(out) is intact")
            throw ExitCode(interrupt.exitCode)
        } catch {
            output.discard()
            throw error
        }
        progress.note(String(format: "wrote %@/index.html in %@ (total %.0f s)", out,
                             ProgressReporter.clock(results.timings.totalSeconds), results.timings.totalSeconds))
        // A nightly job gates on the same verdict as `bnlab compare`.
        if let comparison {
            print(comparison.textTable())
            if comparison.failed { throw ExitCode(1) }
        }
    }

    /// Adds the run to the history and reads its trends back for the report.
    static func record(_ results: RunResults, in store: HistoryStore, progress: ProgressReporter) throws -> HistoryTrends {
        do {
            let run = try store.add(results)
            let trends = try HistoryTrends.read(from: store, configHash: run.configHash,
                                                metrics: ReportWriter.headlineMetrics(of: results), machine: results.timings.machine)
            progress.note("recorded run #\(run.id) in \(store.path) (\(trends.runs.count) with this configuration)")
            return trends
        } catch { throw InputError("--history: \(error)") }
    }

    /// Profile, then config file, then command-line flags; validated.
    func effectiveConfig() throws -> PipelineConfig {
        do {
            var c = try ConfigLoader.load(profile: profile, file: config.map { URL(fileURLWithPath: $0) })
            if let seed { c.seed = seed }
            if let studies {
                c.studies = studies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            if let dataset { c.dataset = dataset }
            if let dataDirectory { c.dataDirectory = dataDirectory }
            try c.validate()
            if let dir = c.dataDirectory {
                if let problem = FileProblem.notADirectory(dir) {
                    throw ConfigError(key: "dataDirectory", message: "\(dir): \(problem)")
                }
            }
            return c
        } catch let error as ConfigError {
            throw InputError(error.description)
        }
    }

    /// The command that reproduces a run from where the user ran it: the effective config is written
    /// beside the report, so it names that file by the output path as the user gave it.
    static func reproducingCommand(out: String) -> String {
        let config = out.isEmpty || out == "." ? "config.json" : (out.hasSuffix("/") ? out : out + "/") + "config.json"
        return "bnlab run --config " + shellQuoted(config)
    }
}

/// Parses `--formats`.
func parseFormats(_ list: String) throws -> [ImageFormat] {
    var out: [ImageFormat] = [.png]
    for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
        guard let f = ImageFormat(rawValue: name) else {
            throw ValidationError("--formats: unknown format '\(name)'; valid: \(ImageFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if !out.contains(f) { out.append(f) }
    }
    return out
}

/// `s` as one shell word: unchanged when it is plain, else in single quotes.
func shellQuoted(_ s: String) -> String {
    let plain = s.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
    return plain && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
