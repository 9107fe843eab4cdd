import ArgumentParser
import Foundation
import History
import Report
import Studies

/// `bnlab history`: every run's numbers in one SQLite file, for nightly trends.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Keep every run's numbers in a SQLite history and show their trends.",
        discussion: """
            The history file (default history.sqlite) keeps each recorded run's headline metrics and wall \
            times with its configuration hash; only runs with the same hash are compared. Two jobs may add \
            at once; a file that is not a bnlab history is refused and left untouched.
            Examples:
              bnlab history add output/metrics.json --label "nightly $(date +%F)"
              bnlab history list
              bnlab history show lr-sweep.depth6.bn.best_accuracy
              bnlab run --history history.sqlite                    # record tonight, chart the trends in the report
              bnlab compare --history history.sqlite output/metrics.json
            """,
        subcommands: [Add.self, List.self, Show.self])

    /// `--db FILE`, shared by the subcommands.
    struct StoreOption: ParsableArguments {
        @Option(name: .customLong("db"), help: ArgumentHelp("The history file.", valueName: "file"))
        var path: String = HistoryStore.defaultPath

        func open(create: Bool) throws -> HistoryStore {
            do { return try HistoryStore(path: path, create: create) } catch { throw InputError("\(error)") }
        }
    }

    // MARK: - add

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a run's metrics.json in the history.",
            discussion: "Example: bnlab history add output/metrics.json --label nightly --commit $(git rev-parse HEAD)")

        @Argument(help: ArgumentHelp("The run's metrics.json.", valueName: "metrics.json")) var metrics: String
        @Option(help: "A short name for charts and lists (default: the run's date and commit).") var label: String?
        @Option(help: "The commit the run measured (default: the one metrics.json records).") var commit: String?
        @OptionGroup var store: StoreOption

        func run() throws {
            let results: RunResults
            do { results = try RunResults.read(from: URL(fileURLWithPath: metrics)) } catch { throw InputError("\(error)") }
            let run: RecordedRun
            do { run = try store.open(create: true).add(results, label: label, commit: commit) } catch let error as HistoryError {
                throw InputError("\(error)")
            }
            let count = (try? store.open(create: false).runs(configHash: run.configHash).count) ?? 1
            print("recorded run #\(run.id) '\(run.label)' in \(store.path) (config \(run.configHash): \(count) run\(count == 1 ? "" : "s"))")
        }
    }

    // MARK: - list

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the recorded runs, oldest first.")
        @OptionGroup var store: StoreOption
        @Flag(help: "Print the runs as JSON.") var json = false

        func run() throws {
            let runs: [RecordedRun]
            do { runs = try store.open(create: false).runs() } catch let error as HistoryError { throw InputError("\(error)") }
            if json { printJSON(runs); return }
            guard !runs.isEmpty else { print("\(store.path): no runs recorded"); return }
            let rows = runs.map { r in
                ["#\(r.id)", r.label, ReportFormat.date(r.startedAt), r.gitCommit.map { String($0.prefix(10)) } ?? "–",
                 r.configHash, r.profile, ReportFormat.duration(r.totalSeconds)]
            }
            print(textTable(header: ["run", "label", "started", "commit", "config", "profile", "total time"], rows: rows,
                            rightAligned: [6]))
        }
    }

    // MARK: - show

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one metric over the recorded runs, with the steps detected in it.",
            discussion: """
                Runs are grouped by configuration hash; each group is fitted on its own (a piecewise-constant \
                L1 fit, as airspeed velocity detects steps). 'bnlab history show' without a metric lists the metrics.
                Example: bnlab history show time.total
                """)
        @Argument(help: ArgumentHelp("A metric id (`bnlab history show` lists them).", valueName: "metric")) var metric: String?
        @OptionGroup var store: StoreOption
        @Flag(help: "Print the series and steps as JSON.") var json = false

        func run() throws {
            let history = try store.open(create: false)
            do {
                let metrics = try history.metrics()
                guard let metric else {
                    print(textTable(header: ["metric", "label"], rows: metrics.map { [$0.id, $0.label] }))
                    return
                }
                guard metrics.contains(where: { $0.id == metric }) else {
                    let close = metrics.map(\.id).filter { $0.contains(metric) || metric.contains($0) }.prefix(5)
                    throw InputError("no metric '\(metric)' in \(store.path)"
                                     + (close.isEmpty ? "; `bnlab history show` lists them" : "; did you mean: \(close.joined(separator: ", "))?"))
                }
                let runs = try history.runs()
                var hashes: [String] = []
                for r in runs.reversed() where !hashes.contains(r.configHash) { hashes.append(r.configHash) }
                let trends = try hashes.map { try HistoryTrends.read(from: history, configHash: $0, metrics: [metric]) }
                    .filter { !($0.trends.first?.points.isEmpty ?? true) }
                if json { printJSON(trends.compactMap(\.trends.first)); return }
                for (i, t) in trends.enumerated() {
                    guard let trend = t.trends.first else { continue }
                    if i > 0 { print("") }
                    print("\(trend.label) — config \(t.configHash), \(trend.points.count) run\(trend.points.count == 1 ? "" : "s")")
                    let levels = trend.fit.fitted
                    let stepAt = Set(trend.steps.map(\.position))
                    let rows = trend.points.enumerated().map { k, p in
                        [p.runLabel, ReportFormat.value(p.value, unit: trend.unit), ReportFormat.value(levels[k], unit: trend.unit),
                         stepAt.contains(k) ? (trend.steps.first { $0.position == k }?.verdict ?? "") : ""]
                    }
                    print(textTable(header: ["run", "value", "level", "step"], rows: rows, rightAligned: [1, 2]))
                    print(trend.steps.isEmpty ? "no step detected" : "\(trend.steps.count) step\(trend.steps.count == 1 ? "" : "s") detected"
                          + String(format: " (noise σ̂ %.3g, penalty γ %.3g)", trend.fit.noise, trend.fit.penalty))
                }
            } catch let error as HistoryError { throw InputError("\(error)") }
        }
    }
}
