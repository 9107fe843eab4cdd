import Foundation
import Studies
import Training

extension PageView.ComparisonView {
    init(_ comparison: Comparison, baseline: RunResults?, figures: [FigureView]) {
        summary = comparison.verdictLine
        let other = comparison.otherTolerance == 0 ? "any change counts"
            : String(format: "±%.0f%% relative", comparison.otherTolerance * 100)
        let time = comparison.timeTolerance.map { String(format: "wall times ±%.0f%% (relative, lower is better)", $0 * 100) }
            ?? "wall times shown, not judged"
        tolerances = String(format: "Tolerances: accuracies ±%.1f points (absolute); ", comparison.accuracyTolerance * 100) + time + "; "
            + "learning rates, ratios and widths: \(other). Metrics with no better direction are reported as changed, never as regressions; "
            + (comparison.allowMissing ? "metrics missing tonight are allowed." : "a metric of the baseline missing tonight fails the comparison.")
        if let b = baseline {
            baselineFacts = "Baseline: bnlab \(b.bnlabVersion)" + (b.gitCommit.map { " (\($0))" } ?? "")
                + ", run \(ReportFormat.date(b.timings.startedAt)) on \(b.timings.machine), profile \(b.config.profile), seed \(b.config.seed)."
        } else {
            baselineFacts = ""
        }
        func view(_ r: Comparison.Row) -> PageView.ComparisonRow {
            PageView.ComparisonRow(label: r.label, id: r.id,
                                   baseline: ReportFormat.value(r.baseline, unit: r.unit),
                                   current: ReportFormat.value(r.current, unit: r.unit),
                                   change: ReportFormat.change(r), verdict: ReportFormat.verdict(r.verdict),
                                   verdictClass: r.verdict == .improved ? "improved" : r.verdict == .regressed || r.verdict == .missing ? "regressed" : "neutral")
        }
        rows = comparison.changedRows.map(view)
        steadyRows = comparison.steadyRows.map(view)
        steadyCount = steadyRows.isEmpty ? nil : "\(steadyRows.count) row\(steadyRows.count == 1 ? "" : "s") unchanged or within tolerance"
        self.figures = figures
    }
}
