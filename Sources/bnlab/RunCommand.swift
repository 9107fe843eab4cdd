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
            Sharding: --shard K/N runs only shard K of N (units balanced by expected cost, the same \
            split on every machine) and writes <out>/shard-K-of-N.json instead of the report; \
            `bnlab merge` checks the shards and writes the report. --shard auto reads K and N from \
            \(ShardSelection.sources).
            Resume: each finished unit is kept in <out>/.bnlab-units/ until the report (or shard \
            file) is written; after a crash, Ctrl-C or a killed job, --resume with the same options \
            runs only the missing units and writes the same report.
            Examples:
              bnlab run
              bnlab run --profile full --jobs 2 --formats png,svg
              bnlab run --studies lr-sweep --config sweep.yaml --baseline last/metrics.json
              bnlab run --profile full --resume          # after an interrupted run
              bnlab run --shard 3/8 --out shards         # shard 3 of 8; then:
              bnlab merge shards --out output            # the report of all 8
              bnlab run --shard auto --out shards        # in a Slurm array task
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
    @Option(help: ArgumentHelp("Run only shard K of N and write <out>/shard-K-of-N.json (merge with `bnlab merge`); auto: from the scheduler's environment.",
                               valueName: "K/N|auto"))
    var shard: String?
    @Option(help: ArgumentHelp("The shard count for --shard auto where the scheduler does not say it (Kubernetes: the Job's completions).", valueName: "N"))
    var shardCount: Int?
    @Flag(help: "Keep the units an interrupted run finished (in <out>/.bnlab-units) and run only the rest.") var resume = false
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
        let shard = try ShardSelection.resolve(self.shard, count: shardCount, environment: ProcessInfo.processInfo.environment)
        if shard != nil {
            for (given, flag) in [(baseline != nil, "--baseline"), (singleFile, "--single-file"), (templates != nil, "--templates"),
                                  (history != nil, "--history")] where given {
                throw ValidationError("\(flag) shapes the report, which a shard run does not write; give it to bnlab merge")
            }
        }
        let imageFormats = try parseFormats(formats)
        let templatesDirectory = try shard == nil ? TemplateLocator.directory(explicit: templates) : nil
        let baselineResults = try baseline.map(readBaseline)
        guard let datasetName = DatasetName(rawValue: effective.dataset) else {
            throw InputError("dataset: unknown '\(effective.dataset)'; valid: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let pipeline = Pipeline(config: effective, jobs: jobs)
        let plan: [PlannedUnit]
        do { plan = try pipeline.plan() } catch { throw InputError("\(error)") }
        let mine = shard.map { ShardPlan.units(of: $0, in: plan) } ?? plan
        let data = try Dataset.load(datasetName, directory: effective.dataDirectory)
        // A shard writes one file beside its siblings (perhaps on a shared disk): no report directory.
        let output = try shard == nil ? ReportDirectory(out) : nil
        // A history file that is not ours is refused before hours of training, not after.
        let historyStore = try history.map(openHistory)
        let outURL = try output?.url ?? ShardOutput.directory(out)
        let gitCommit = GitInfo.commit()
        let store = UnitStore(out: outURL, configHash: try effective.hash(), bnlabVersion: bnlabVersion, gitCommit: gitCommit,
                              registry: effective.registry)

        // MARK: Resume
        let progress = ProgressReporter(quiet: quiet)
        var done = UnitResults()
        if resume {
            let (kept, skipped) = store.load(mine.map(\.id))
            done = kept
            progress.note("resuming: \(kept.count) of \(mine.count) units already done (kept in \(store.directory.path))"
                          + (skipped > 0 ? "; \(skipped) kept by another bnlab build or unreadable, run again" : ""))
        } else {
            let kept = store.countStored(mine.map(\.id))
            if kept > 0 {
                progress.note("note: \(store.directory.path) holds \(kept) units an interrupted run of this config finished; "
                              + "running them again (--resume would keep them)")
            }
        }

        // MARK: Run
        let interrupt = Interrupt()
        interrupt.install { progress.note("interrupted: stopping…") }
        let todo = mine.count - done.count
        let share = shard.map { s in
            let total = plan.reduce(0) { $0 + $1.cost }, part = mine.reduce(0) { $0 + $1.cost }
            return String(format: ", shard %@ (%d of %d units, %.0f%% of the expected cost)", s.description, mine.count, plan.count,
                          total > 0 ? 100 * part / total : 0)
        } ?? ""
        progress.note("bnlab run: profile \(effective.profile), studies \(effective.studies.joined(separator: ", "))\(share), "
                      + "\(todo) units of work, \(jobs) job\(jobs == 1 ? "" : "s")")
        let saveWarning = OnceFlag()
        let start = Date()
        let results: RunResults
        var comparison: Comparison?
        do {
            let units = try pipeline.runUnits(only: Set(mine.map(\.id)), skipping: done, dataset: data, progress: progress.update,
                                              isCancelled: { interrupt.isSet }) { record in
                do { try store.save(record) } catch {
                    if saveWarning.first() { progress.note("warning: cannot keep finished units for --resume: \(BNLab.userMessage(error))") }
                }
            }
            progress.finish()
            let timings = RunResults.Timings(startedAt: ISO8601DateFormatter().string(from: start), machine: MachineInfo.description,
                                             jobs: jobs, totalSeconds: Date().timeIntervalSince(start),
                                             studies: units.studySeconds, runs: units.seconds)
            if let shard {
                let file = try ShardFile(bnlabVersion: bnlabVersion, gitCommit: gitCommit, shard: shard, config: effective,
                                         dataset: Pipeline.info(data),
                                         timings: .init(startedAt: timings.startedAt, machine: timings.machine, jobs: jobs,
                                                        totalSeconds: timings.totalSeconds, studies: timings.studies),
                                         units: mine.compactMap { units[$0.id] })
                let url = try ShardOutput.write(file, into: outURL)
                store.remove(mine.map(\.id))
                progress.note(String(format: "wrote %@ (%d units, %.0f s)", url.path, file.units.count, timings.totalSeconds))
                return
            }
            do {
                results = try pipeline.assemble(units, dataset: Pipeline.info(data), bnlabVersion: bnlabVersion, gitCommit: gitCommit,
                                                 timings: timings)
            } catch let error as UnitsError { throw InputError("\(error)") }

            // MARK: Write (into the staging directory, then file by file into place)
            comparison = try publishReport(results, baseline: baselineResults, templates: templatesDirectory!, formats: imageFormats,
                                           singleFile: singleFile, command: Self.reproducingCommand(out: out), to: output!,
                                           history: historyStore, progress: progress, interrupt: interrupt)
            store.remove(plan.map(\.id))
        } catch is CancellationError {
            progress.finish()
            let kept = store.countStored(mine.map(\.id))
            stderrLine("interrupted: nothing was written; " + (shard == nil ? "the previous report in \(out) is intact" : "no shard file")
                       + (kept > 0 ? "; \(kept) finished unit\(kept == 1 ? " is" : "s are") kept: the same command with --resume runs only the rest" : ""))
            throw ExitCode(interrupt.exitCode)
        }
        progress.note(String(format: "wrote %@/index.html in %@ (total %.0f s)", out,
                             ProgressReporter.clock(results.timings.totalSeconds), results.timings.totalSeconds))
        // A nightly job gates on the same verdict as `bnlab compare`.
        if let comparison {
            print(comparison.textTable())
            if comparison.failed { throw ExitCode(1) }
        }
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
