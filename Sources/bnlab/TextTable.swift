import Foundation

/// An aligned plain-text table: a header, a rule, then the rows; `rightAligned` columns are numbers.
func textTable(header: [String], rows: [[String]], rightAligned: Set<Int> = []) -> String {
    let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        cells.enumerated().map { i, c in
            rightAligned.contains(i) ? String(repeating: " ", count: widths[i] - c.count) + c
                : c.padding(toLength: widths[i], withPad: " ", startingAt: 0)
        }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
    }
    return ([line(header), String(repeating: "-", count: widths.reduce(0, +) + 2 * (widths.count - 1))] + rows.map(line))
        .joined(separator: "\n")
}
