import Charts
import Foundation
import Studies

/// Formatting and drawing shared by the running-statistics, batch-size and dropout sections.
enum NormReport {
    static let markers: [Marker] = [.circle, .square, .triangle, .diamond, .plus, .cross]

    /// `76.7 ± 1.1%` over seeds (the mean alone for one seed, `–` for none).
    static func accuracy(_ s: SeedSpread) -> String {
        guard let m = s.mean else { return "–" }
        return ReportFormat.accuracy(m, std: s.std)
    }

    /// A difference of accuracies in points: `+1.2 ± 0.4 points`.
    static func points(_ s: SeedSpread) -> String {
        guard let m = s.mean else { return "–" }
        let sign = m >= 0 ? "+" : "−"
        if let sd = s.std { return String(format: "%@%.1f ± %.1f points", sign, abs(m) * 100, sd * 100) }
        return String(format: "%@%.1f points", sign, abs(m) * 100)
    }

    /// A plain number over seeds: `0.92 ± 0.10`.
    static func number(_ s: SeedSpread) -> String { GradientsReportFormat.spread(s) }

    /// Mean and standard deviation across seeds at each position (non-finite values skipped).
    static func meanStd(_ rows: [[Double]]) -> (mean: [Double], std: [Double]) { GradientsFigures.meanStd(rows) }

    /// Grouped bars (one group per category, one bar per series) with ± one standard deviation
    /// over seeds as error bars and each seed's value as a dot. The y axis is zoomed to the values
    /// (captions say it does not start at 0), so differences of a point stay visible.
    static func bars(_ ax: inout Axes, categories: [String], series: [(label: String, color: Color, values: [SeedSpread])]) {
        var all: [Double] = []
        for item in series {
            for v in item.values {
                all += v.values
                if let m = v.mean { all += [m - (v.std ?? 0), m + (v.std ?? 0)] }
            }
        }
        if let lo = all.min(), let hi = all.max(), lo.isFinite, hi.isFinite {
            let span = max(hi - lo, 0.01)
            ax.yLimits = max(0, lo - 0.6 * span)...min(1, hi + 0.15 * span)
        }
        seedBars(&ax, categories: categories, series: series, dotColor: .white, dotSize: 4)
    }

    /// The bars of `bars` without choosing the y range: bar = mean over seeds, line = ± one
    /// standard deviation, dots = the seeds (in `dotColor`).
    static func seedBars(_ ax: inout Axes, categories: [String], series: [(label: String, color: Color, values: [SeedSpread])],
                         dotColor: Color, dotSize: Double) {
        ax.bars(categories: categories, series: series.map { (label: Optional($0.label), values: $0.values.map { $0.mean ?? .nan }) },
                colors: series.map(\.color))
        let w = 0.8 / Double(max(1, series.count))
        for (s, item) in series.enumerated() {
            let xs = categories.indices.map { Double($0) - 0.4 + (Double(s) + 0.5) * w }
            let withStd = item.values.indices.filter { item.values[$0].std != nil && item.values[$0].mean != nil }
            if !withStd.isEmpty {
                ax.line(x: withStd.map { xs[$0] }, y: withStd.map { item.values[$0].mean! }, color: .ink, width: 0,
                        errors: withStd.map { item.values[$0].std! })
            }
            var px: [Double] = [], py: [Double] = []
            for (j, v) in item.values.enumerated() { for value in v.values { px.append(xs[j]); py.append(value) } }
            if !px.isEmpty { ax.markers(x: px, y: py, marker: .circle, color: dotColor, size: dotSize) }
        }
    }
}
