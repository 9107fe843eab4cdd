import Foundation
import Studies
import Training

extension PageView.ComparisonView {
    init(_ comparison: Comparison, baseline: RunResults?, figures: [FigureView]) {
        let counts = Dictionary(grouping: comparison.rows, by: \.verdict).mapValues(\.count)
        let order: [Comparison.Verdict] = [.regressed, .improved, .withinTolerance, .changed, .new, .missing]
        let parts = order.compactMap { v in counts[v].map { "\($0) \(ReportFormat.verdict(v))" } }
        let regressions = comparison.regressionCount
        summary = (regressions == 0 ? "No regressions. " : "\(regressions) regression\(regressions == 1 ? "" : "s"). ")
            + "Rows: " + parts.joined(separator: ", ") + "."
        let other = comparison.otherTolerance == 0 ? "any change counts"
            : String(format: "±%.0f%% relative", comparison.otherTolerance * 100)
        tolerances = String(format: "Tolerances: accuracies ±%.1f points (absolute); wall times ±%.0f%% (relative, lower is better); ",
                            comparison.accuracyTolerance * 100, comparison.timeTolerance * 100)
            + "learning rates, ratios and widths: \(other). Metrics with no better direction are reported as changed, never as regressions."
        if let b = baseline {
            baselineFacts = "Baseline: bnlab \(b.bnlabVersion)" + (b.gitCommit.map { " (\($0))" } ?? "")
                + ", run \(ReportFormat.date(b.timings.startedAt)) on \(b.timings.machine), profile \(b.config.profile), seed \(b.config.seed)."
        } else {
            baselineFacts = ""
        }
        rows = comparison.rows.map { r in
            PageView.ComparisonRow(label: r.label, id: r.id,
                                   baseline: ReportFormat.value(r.baseline, unit: r.unit),
                                   current: ReportFormat.value(r.current, unit: r.unit),
                                   change: ReportFormat.change(r), verdict: ReportFormat.verdict(r.verdict),
                                   verdictClass: r.verdict == .improved ? "improved" : r.verdict == .regressed ? "regressed" : "neutral")
        }
        self.figures = figures
    }
}
