import Charts
import Foundation
import Training

/// The learning-rate range test's chart, shared by `bnlab lr-find` and the `lr-schedules` study:
/// smoothed loss against learning rate (log axis), the suggested learning rate marked ● and the
/// divergence point ×.
public enum RangeTestFigure {
    /// One range test to draw.
    public struct Curve {
        public var label: String
        public var color: Color
        public var result: LRRangeTest.Result
        public init(label: String, color: Color, result: LRRangeTest.Result) {
            (self.label, self.color, self.result) = (label, color, result)
        }
    }

    /// A panel with every curve, its suggested and divergence learning rates marked.
    public static func axes(title: String?, curves: [Curve], markLabels: Bool = true) -> Axes {
        var ax = Axes(title: title, xLabel: "learning rate", yLabel: "smoothed training loss", xScale: .log)
        ax.stopLabel = nil
        let firsts = curves.compactMap { $0.result.smoothedLosses.first(where: \.isFinite) }
        let lows = curves.flatMap { $0.result.smoothedLosses.filter(\.isFinite) }
        if let top = firsts.max(), let low = lows.min() {
            ax.yLimits = max(0, low - 0.1 * (top - low))...(top * 1.3)
        }
        let lrs = curves.flatMap(\.result.learningRates)
        if let lo = lrs.min(), let hi = lrs.max(), lo < hi { ax.xLimits = (lo / 1.3)...(hi * 1.3) }
        let yTop = ax.yLimits?.upperBound ?? .infinity
        for (i, c) in curves.enumerated() {
            let r = c.result
            let keep = r.smoothedLosses.indices.filter { r.smoothedLosses[$0].isFinite }
            ax.line(x: keep.map { r.learningRates[$0] }, y: keep.map { min(r.smoothedLosses[$0], yTop * 1.5) },
                    label: c.label, color: c.color, width: 1.8)
            let first = markLabels && i == 0
            if let s = r.suggested, let k = r.learningRates.firstIndex(of: s) {
                ax.markers(x: [s], y: [r.smoothedLosses[k]], marker: .circle, label: first ? "suggested (steepest descent)" : nil,
                           color: c.color, size: 8)
            }
            if let d = r.divergence, let k = r.learningRates.firstIndex(of: d) {
                let y = r.smoothedLosses[k].isFinite ? min(r.smoothedLosses[k], yTop) : yTop
                ax.markers(x: [d], y: [y], marker: .cross, label: first ? "divergence (4× best loss)" : nil, color: c.color, size: 10)
            }
        }
        return ax
    }

    /// A one-panel figure of `curves`.
    public static func figure(title: String, curves: [Curve]) -> Figure {
        var fig = Figure(widthInches: 6.4, heightInches: 4, title: title)
        fig.panels = [axes(title: nil, curves: curves)]
        return fig
    }
}
