import Report

extension Comparison {
    /// The comparison as an aligned plain-text table for the terminal, regressions counted last.
    func textTable() -> String {
        let header = ["metric", "baseline", "current", "change", "verdict"]
        let body = rows.map { row in
            [row.label, ReportFormat.value(row.baseline, unit: row.unit), ReportFormat.value(row.current, unit: row.unit),
             ReportFormat.change(row), ReportFormat.verdict(row.verdict)]
        }
        let widths = header.indices.map { i in ([header] + body).map { $0[i].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, c in
                i == 0 ? c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                       : String(repeating: " ", count: widths[i] - c.count) + c
            }.joined(separator: "  ")
        }
        var out = [line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))]
        out += body.map(line)
        out.append(regressionCount == 0 ? "no regressions" : "\(regressionCount) regression\(regressionCount == 1 ? "" : "s")")
        return out.joined(separator: "\n")
    }
}
