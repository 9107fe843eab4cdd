import History
import Report

extension HistoryComparison {
    /// The judgement as an aligned table: rows that moved first, the rest folded into a count unless
    /// `all`, then one verdict line.
    func textTable(all: Bool = false) -> String {
        let order: [Verdict] = [.regressed, .missing, .improved, .changed, .new]
        let moved = order.flatMap { v in rows.filter { $0.verdict == v } }
        let steady = rows.filter { $0.verdict == .withinNoise }
        let shown = moved + (all ? steady : [])
        var out: [String] = []
        if !shown.isEmpty {
            out.append(bnlab.textTable(
                header: ["metric", "tonight", "history median", "± spread", "runs", "verdict"],
                rows: shown.map { r in
                    [r.label, ReportFormat.value(r.current, unit: r.unit), ReportFormat.value(r.median, unit: r.unit),
                     r.spread.map { ReportFormat.value($0, unit: r.unit) } ?? "–", String(r.runs), r.verdict.rawValue]
                }, rightAligned: [1, 2, 3, 4]))
        }
        if !all, !steady.isEmpty {
            out.append("(\(steady.count) more row\(steady.count == 1 ? "" : "s") within noise; --all lists them)")
        }
        out.append(verdictLine)
        return out.joined(separator: "\n")
    }

    /// One line: the verdict and the counts behind it.
    var verdictLine: String {
        let c = counts
        if comparedRuns == 0 {
            return "no recorded run has this configuration (hash \(configHash)); nothing judged"
                + (otherRuns > 0 ? " (\(otherRuns) run\(otherRuns == 1 ? "" : "s") under other configurations)" : "")
        }
        let against = "against the last \(comparedRuns) run\(comparedRuns == 1 ? "" : "s") with config \(configHash)"
        let parts = [(Verdict.regressed, "regressed"), (.missing, "missing"), (.improved, "improved"), (.withinNoise, "within noise"),
                     (.changed, "changed"), (.new, "new")].compactMap { v, word in c[v].map { "\($0) \(word)" } }
        return (status == .regressed ? "REGRESSED " : "OK ") + against + ": " + parts.joined(separator: ", ")
    }
}
