import Charts
import History
import Studies

/// The trend figure of the "History" section: one small panel per headline metric over the
/// recorded runs, the step fit drawn over the points.
enum TrendFigures {
    /// Accuracies are plotted in percent, the rest in their own units.
    static func scale(_ unit: Metric.Unit) -> Double { unit == .accuracy ? 100 : 1 }

    static func figure(_ history: HistoryTrends) -> ReportFigure? {
        let trends = history.trends.filter { !$0.points.isEmpty }
        guard !trends.isEmpty else { return nil }
        let columns = min(2, trends.count)
        let rows = (trends.count + columns - 1) / columns
        var fig = Figure(widthInches: 9, heightInches: 2.3 * Double(rows) + 0.6,
                         title: "Headline numbers over the recorded runs (\(history.runs.count) with this configuration)")
        fig.columns = columns
        fig.fontSize = 8.5
        for t in trends {
            let k = scale(t.unit)
            var ax = Axes(title: t.label, xLabel: "recorded run", yLabel: yLabel(t.unit))
            ax.legend = .hidden
            ax.stopLabel = nil
            let x = t.points.indices.map { Double($0 + 1) }
            // Points: thin markers, so a thousand nights stay readable.
            ax.line(x: x, y: t.points.map { $0.value * k }, color: Color.tab10[0].withAlpha(0.55), width: 0,
                    marker: .circle, markerSize: t.points.count > 200 ? 2 : 4)
            // The fitted levels as one step line: each segment flat, joined at the steps.
            var fx: [Double] = [], fy: [Double] = []
            for s in t.fit.segments {
                fx += [Double(s.start) + 0.5, Double(s.end) + 0.5]
                fy += [s.level * k, s.level * k]
            }
            ax.line(x: fx, y: fy, color: Color.ink, width: 1.2)
            for step in t.steps {
                let color: Color = step.verdict == "regressed" ? .tab10[3] : step.verdict == "improved" ? .tab10[2] : .ink
                ax.markers(x: [Double(step.position) + 0.5], y: [step.to * k], marker: .diamond, color: color, size: 7)
            }
            if x.count == 1 { ax.xLimits = 0...2 }
            fig.panels.append(ax)
        }
        let steps = trends.reduce(0) { $0 + $1.steps.count }
        let alt = "Small line charts of \(trends.count) headline numbers over \(history.runs.count) recorded runs, "
            + "each with its fitted levels; \(steps) step\(steps == 1 ? "" : "s") detected."
        let caption = "Dots: each recorded run with this configuration, oldest first. Black line: the piecewise-constant "
            + "fit (L1, asv's method); diamonds mark detected steps (green improved, red regressed)."
        return ReportFigure(name: "history-trends", study: "history", figure: fig, alt: alt, caption: caption)
    }

    static func yLabel(_ unit: Metric.Unit) -> String {
        switch unit {
        case .accuracy: "accuracy (%)"
        case .learningRate: "learning rate"
        case .ratio: "ratio"
        case .decades: "decades"
        case .seconds: "seconds"
        case .number: "value"
        }
    }
}
