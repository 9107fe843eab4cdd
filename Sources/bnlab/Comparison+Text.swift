import Report

extension Comparison {
    /// The comparison as an aligned plain-text table for the terminal: rows that moved first
    /// (regressions and missing measurements on top), the steady ones folded into a count unless
    /// `all`, and the verdict line last.
    func textTable(all: Bool = false) -> String {
        let header = ["metric", "baseline", "current", "change", "verdict"]
        let shown = changedRows + (all ? steadyRows : [])
        let body = shown.map { row in
            [row.label, ReportFormat.value(row.baseline, unit: row.unit), ReportFormat.value(row.current, unit: row.unit),
             ReportFormat.change(row), ReportFormat.verdict(row.verdict)]
        }
        var out: [String] = []
        if !body.isEmpty { out.append(bnlab.textTable(header: header, rows: body, rightAligned: [1, 2, 3, 4])) }
        if !all, !steadyRows.isEmpty {
            out.append("(\(steadyRows.count) more row\(steadyRows.count == 1 ? "" : "s") unchanged or within tolerance; --all lists them)")
        }
        out.append(verdictLine)
        return out.joined(separator: "\n")
    }
}
