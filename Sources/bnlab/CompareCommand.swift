import ArgumentParser
import Foundation
import History
import Report
import Studies

/// `bnlab compare`: tonight's metrics against a baseline; the exit status says whether anything regressed.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two metrics.json files; exit 1 if anything regressed or went missing.",
        discussion: """
            Prints the metrics that moved (regressions and missing ones first) with baseline, current, \
            change and verdict, folds the rest into a count, and ends with one verdict line. Accuracies \
            use an absolute tolerance; learning rates, ratios and LR-window widths sit on a grid, so any \
            move in the wrong direction counts. A metric of the baseline that tonight lacks fails the \
            comparison unless --allow-missing. Wall times are shown but not judged unless you give \
            --time-tolerance (CI machines are noisy).
            With --history FILE, tonight is judged against the recent history instead of one baseline: \
            the median and spread (1.4826 × MAD) of each metric over the last --window runs with the same \
            configuration hash; within max(3 × spread, tolerance) of the median is "within noise". Wall \
            times are judged against runs on the same machine only.
            Exit status: 0 nothing regressed, 1 something regressed or went missing, 2 unusable input, 64 usage.
            Examples:
              bnlab compare baseline/metrics.json output/metrics.json
              bnlab compare base.json cur.json --time-tolerance 0.25 --all
              bnlab compare base.json cur.json --json        # {"summary": {"status": "ok", ...}, "rows": [...]}
              bnlab compare --history history.sqlite output/metrics.json --window 10
            """)

    @Argument(help: ArgumentHelp("The baseline metrics.json, then the current one (only the current with --history).",
                                 valueName: "baseline current"))
    var files: [String] = []
    @Option(help: ArgumentHelp("Judge against this history file instead of a baseline.", valueName: "file"))
    var history: String?
    @Option(help: "With --history: how many recent runs with the same configuration to judge against.")
    var window: Int = 10
    @Option(name: .customLong("accuracy-tolerance"), help: "Absolute tolerance for accuracies (0.01 = 1 point).")
    var accuracyTolerance: Double = 0.01
    @Option(name: .customLong("time-tolerance"), help: "Judge wall times with this relative tolerance (0.25 = 25%); off by default.")
    var timeTolerance: Double?
    @Flag(name: .customLong("allow-missing"), help: "Report metrics missing tonight without failing.") var allowMissing = false
    @Flag(help: "List every row, the unchanged ones too.") var all = false
    @Flag(help: "Print the comparison as JSON.") var json = false

    func validate() throws {
        if history == nil, files.count != 2 {
            throw ValidationError("give two metrics.json files, the baseline and the current one (got \(files.count))")
        }
        if history != nil, files.count != 1 {
            throw ValidationError("with --history give one metrics.json, the current run (got \(files.count))")
        }
        if window < 1 { throw ValidationError("--window must be at least 1, got \(window)") }
    }

    func run() throws {
        if let history { return try judgeAgainstHistory(history) }
        let baselinePath = files[0], currentPath = files[1]
        let baseline: RunResults, current: RunResults
        do {
            guard accuracyTolerance >= 0, accuracyTolerance.isFinite else {
                throw ValidationError("--accuracy-tolerance must be a non-negative number, got \(accuracyTolerance)")
            }
            if let t = timeTolerance, !(t >= 0 && t.isFinite) {
                throw ValidationError("--time-tolerance must be a non-negative number, got \(t)")
            }
            baseline = try RunResults.read(from: URL(fileURLWithPath: baselinePath))
            current = try RunResults.read(from: URL(fileURLWithPath: currentPath))
        } catch {
            if json { printJSON(Unusable(summary: .init(status: .unusable, error: "\(error)"))) }
            else { stderrLine("Error: \(error)") }
            throw ExitCode(2)
        }
        let comparison = Comparison.compare(baseline: baseline, current: current, accuracyTolerance: accuracyTolerance,
                                            timeTolerance: timeTolerance, allowMissing: allowMissing)
        if json { printJSON(comparison) } else { print(comparison.textTable(all: all)) }
        if comparison.failed { throw ExitCode(1) }
    }

    /// `--history`: tonight against the recent runs of its configuration.
    func judgeAgainstHistory(_ path: String) throws {
        let comparison: HistoryComparison
        do {
            try checkTolerances()
            let current = try RunResults.read(from: URL(fileURLWithPath: files[0]))
            let store = try HistoryStore(path: path, create: false)
            comparison = try HistoryComparison.judge(current, against: store, window: window, accuracyTolerance: accuracyTolerance,
                                                     timeTolerance: timeTolerance, allowMissing: allowMissing)
        } catch {
            if json { printJSON(Unusable(summary: .init(status: .unusable, error: "\(error)"))) }
            else { stderrLine("Error: \(error)") }
            throw ExitCode(2)
        }
        if json { printJSON(comparison) } else { print(comparison.textTable(all: all)) }
        if comparison.status == .regressed { throw ExitCode(1) }
    }

    func checkTolerances() throws {
        guard accuracyTolerance >= 0, accuracyTolerance.isFinite else {
            throw ValidationError("--accuracy-tolerance must be a non-negative number, got \(accuracyTolerance)")
        }
        if let t = timeTolerance, !(t >= 0 && t.isFinite) {
            throw ValidationError("--time-tolerance must be a non-negative number, got \(t)")
        }
    }

    /// `--json` output for input that cannot be used.
    struct Unusable: Encodable {
        struct Summary: Encodable { var status: Comparison.Status; var error: String }
        var summary: Summary
    }
}
