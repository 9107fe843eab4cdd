import ArgumentParser
import Foundation
import Report
import Studies
import Training

/// `bnlab compare`: tonight's metrics against a baseline; the exit status says whether anything regressed.
struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare two metrics.json files; exit 1 if anything regressed.",
        discussion: """
            Prints a table per metric: baseline, current, change and a verdict (improved, regressed, \
            or within tolerance). Accuracies use an absolute tolerance, times a relative one; learning \
            rates, ratios and LR-window widths sit on a discrete grid, so any move in the wrong \
            direction counts. Exit status: 0 nothing regressed, 1 something regressed, 2 unusable input.
            Example (nightly CI): bnlab run --baseline baseline/metrics.json && bnlab compare baseline/metrics.json output/metrics.json
            """)

    @Argument(help: ArgumentHelp("The baseline metrics.json.", valueName: "baseline")) var baselinePath: String
    @Argument(help: ArgumentHelp("The current metrics.json.", valueName: "current")) var currentPath: String
    @Option(name: .customLong("accuracy-tolerance"), help: "Absolute tolerance for accuracies (0.01 = 1 point).")
    var accuracyTolerance: Double = 0.01
    @Option(name: .customLong("time-tolerance"), help: "Relative tolerance for wall times (0.25 = 25%).")
    var timeTolerance: Double = 0.25
    @Flag(help: "Print the comparison as JSON.") var json = false

    func run() throws {
        let baseline: RunResults, current: RunResults
        do {
            guard accuracyTolerance >= 0, timeTolerance >= 0 else {
                throw ValidationError("tolerances must be non-negative")
            }
            baseline = try RunResults.read(from: URL(fileURLWithPath: baselinePath))
            current = try RunResults.read(from: URL(fileURLWithPath: currentPath))
        } catch {
            stderrLine("bnlab compare: \(error)")
            throw ExitCode(2)
        }
        let comparison = Comparison.compare(baseline: baseline, current: current,
                                            accuracyTolerance: accuracyTolerance, timeTolerance: timeTolerance)
        if json {
            printJSON(comparison)
        } else {
            print(comparison.textTable())
        }
        if comparison.regressionCount > 0 { throw ExitCode(1) }
    }
}
