import Foundation

/// What layout needs from one panel's data: view limits, categories, legend entries and the
/// derived histogram bins, computed once before any geometry.
struct PanelData {
    var xLower = 0.0, xUpper = 1.0, yLower = 0.0, yUpper = 1.0
    /// Category names along x (bars, heatmap columns) at positions 0, 1, …
    var xCategories: [String]?
    /// Category names down y (heatmap rows), row 0 on top.
    var yCategories: [String]?
    var hasData = false
    var hasHeatmap = false
    var squareCells = false
    var legend: [LegendEntry] = []
    /// Shared bin edges and per-series counts for the panel's histograms.
    var histogramEdges: [Double] = []
    var histogramCounts: [[Double]] = []
    /// Colour limits of the panel's heatmap (after diverging symmetrisation).
    var colorRange: ClosedRange<Double>?
    var colormap: Colormap?
    var colorbarLabel: String?
    var wantsColorbar = false
    /// Whether its heatmap joins a shared colorbar.
    var sharesColorbar = true

    init(_ ax: Axes) {
        var xs = Extent(), ys = Extent()
        var stopped = false
        let sx = ax.xScale, sy = ax.yScale
        var histValues: [[Double]] = []

        for plot in ax.plots {
            switch plot {
            case .line(let l):
                let n = min(l.x.count, l.y.count)
                for i in 0..<n where sx.accepts(l.x[i]) && sy.accepts(l.y[i]) {
                    xs.add(l.x[i]); ys.add(l.y[i])
                    for d in [l.spread, l.errors] {
                        if let d, i < d.count, d[i].isFinite { ys.add(l.y[i] - d[i], sy); ys.add(l.y[i] + d[i], sy) }
                    }
                    if i + 1 < n, !l.y[i + 1].isFinite { stopped = true }
                }
                if let label = l.label {
                    legend.append(LegendEntry(label: label, kind: .line(color: l.color, width: l.width, dashed: l.dashed,
                                                                        marker: l.marker, markerSize: l.markerSize,
                                                                        band: l.spread != nil)))
                }
            case .band(let b):
                for i in 0..<min(b.x.count, b.lower.count, b.upper.count) where sx.accepts(b.x[i]) {
                    if sy.accepts(b.lower[i]) && sy.accepts(b.upper[i]) { xs.add(b.x[i]); ys.add(b.lower[i]); ys.add(b.upper[i]) }
                }
                if let label = b.label { legend.append(LegendEntry(label: label, kind: .patch(b.color.withAlpha(b.opacity), edge: nil))) }
            case .markers(let m):
                for i in 0..<min(m.x.count, m.y.count) where sx.accepts(m.x[i]) && sy.accepts(m.y[i]) {
                    xs.add(m.x[i]); ys.add(m.y[i])
                }
                if let label = m.label { legend.append(LegendEntry(label: label, kind: .marker(m.marker, m.color, m.size))) }
            case .bars(let g):
                xCategories = g.categories
                for s in g.series {
                    for v in s.values.prefix(g.categories.count) where sy.accepts(v) { ys.add(v) }
                    if let label = s.label { legend.append(LegendEntry(label: label, kind: .patch(s.color, edge: nil))) }
                }
                if sy == .linear && ys.lower.isFinite { ys.add(0); ys.stickyZero = true }
            case .histogram(let h):
                histValues.append(h.values.filter { sx.accepts($0) })
                if let label = h.label { legend.append(LegendEntry(label: label, kind: .patch(h.color.withAlpha(h.opacity), edge: h.color))) }
            case .heatmap(let h):
                hasHeatmap = true
                squareCells = h.squareCells
                xCategories = h.columnLabels ?? Array(repeating: "", count: h.columns)
                yCategories = h.rowLabels ?? Array(repeating: "", count: h.rows)
                if h.columnLabels == nil { xCategories = nil }
                if h.rowLabels == nil { yCategories = nil }
                xLower = -0.5; xUpper = Double(h.columns) - 0.5
                yLower = Double(h.rows) - 0.5; yUpper = -0.5    // reversed: row 0 on top
                colorRange = Self.colorRange(h)
                colormap = h.colormap
                colorbarLabel = h.colorbarLabel
                wantsColorbar = h.showColorbar
                sharesColorbar = h.sharesColorbar
                hasData = h.rows > 0 && h.columns > 0 && h.values.count >= h.rows * h.columns
            }
        }

        // histograms share edges so overlaid bars line up
        let all = histValues.joined()
        if let lo = all.min(), let hi = all.max() {
            let bins = ax.plots.compactMap { if case .histogram(let h) = $0 { h.bins } else { nil } }.max() ?? 30
            let (a, b) = lo == hi ? (lo - 0.5, hi + 0.5) : (lo, hi)
            let (fa, fb) = (sx.forward(a), sx.forward(b))
            histogramEdges = (0...bins).map { sx.inverse(fa + (fb - fa) * Double($0) / Double(bins)) }
            for values in histValues {
                var counts = [Double](repeating: 0, count: bins)
                for v in values {
                    let t = (sx.forward(v) - fa) / (fb - fa)
                    counts[min(bins - 1, max(0, Int(t * Double(bins))))] += 1
                }
                histogramCounts.append(counts)
            }
            xs.add(histogramEdges.first!); xs.add(histogramEdges.last!)
            for c in histogramCounts { for v in c where sy.accepts(v) { ys.add(v) } }
            if sy == .linear { ys.add(0); ys.stickyZero = true }
        }

        if stopped, let label = ax.stopLabel {
            legend.append(LegendEntry(label: label, kind: .marker(ax.stopMarker, Color.ink, 7)))
        }
        guard !hasHeatmap else { return }

        hasData = (xs.lower.isFinite || xCategories?.isEmpty == false) && ys.lower.isFinite
        if xCategories != nil {
            xLower = -0.5; xUpper = Double(xCategories!.count) - 0.5
        } else {
            (xLower, xUpper) = xs.viewLimits(sx)
        }
        (yLower, yUpper) = ys.viewLimits(sy)
        if let l = ax.xLimits { (xLower, xUpper) = (l.lowerBound, l.upperBound) }
        if let l = ax.yLimits { (yLower, yUpper) = (l.lowerBound, l.upperBound) }
        if sx.isLogarithmic && (xLower <= 0 || xUpper <= 0) { (xLower, xUpper) = (1, 10); hasData = false }
        if sy.isLogarithmic && (yLower <= 0 || yUpper <= 0) { (yLower, yUpper) = (1, 10); hasData = false }
    }

    /// The heatmap's colour limits: explicit, else the finite data range (±max|v| when diverging).
    static func colorRange(_ h: Heatmap) -> ClosedRange<Double> {
        if let r = h.range, r.lowerBound < r.upperBound { return r }
        var lo = Double.infinity, hi = -Double.infinity
        for v in h.values where v.isFinite { lo = min(lo, v); hi = max(hi, v) }
        if !lo.isFinite { return 0...1 }
        if h.colormap.isDiverging {
            let m = max(abs(lo), abs(hi))
            return m > 0 ? -m...m : -1...1
        }
        return lo < hi ? lo...hi : (lo - 0.5)...(hi + 0.5)
    }
}

/// A running min/max of drawable values, turned into view limits with matplotlib's 5% margins.
struct Extent {
    var lower = Double.infinity
    var upper = -Double.infinity
    /// Bars and histograms start at zero: no margin below (or above) it.
    var stickyZero = false

    mutating func add(_ v: Double) { lower = min(lower, v); upper = max(upper, v) }
    mutating func add(_ v: Double, _ s: Scale) { if s.accepts(v) { add(v) } }

    func viewLimits(_ s: Scale) -> (Double, Double) {
        guard lower.isFinite, upper.isFinite else { return s == .log ? (1, 10) : s == .log2 ? (1, 2) : (0, 1) }
        var a = s.forward(lower), b = s.forward(upper)
        if a == b {
            // nonsingular: widen a single value by 5% of itself (or ±0.05 around zero)
            if s.isLogarithmic { return (s.inverse(a - 0.5), s.inverse(b + 0.5)) }
            let d = a == 0 ? 0.05 : 0.05 * abs(a)
            return (a - d, b + d)
        }
        let m = 0.05 * (b - a)
        let keepLow = stickyZero && lower == 0, keepHigh = stickyZero && upper == 0
        if !keepLow { a -= m }
        if !keepHigh { b += m }
        return (s.inverse(a), s.inverse(b))
    }
}
