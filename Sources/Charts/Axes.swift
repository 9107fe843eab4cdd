/// Where an axes' legend goes.
public enum LegendPlacement: Sendable, Equatable {
    /// Inside, at the first corner or edge (matplotlib's order) that hides no data; outside on the
    /// right when every inside spot would hide some.
    case best
    /// Outside, to the right of the axes.
    case outside
    case upperRight, upperLeft, lowerLeft, lowerRight
    /// No legend.
    case hidden
}

/// One panel: scales, labels and the plots drawn in it. Colours come from the tab10 cycle in the
/// order plots are added, unless given.
///
///     var ax = Axes(title: "depth 8", xLabel: "learning rate", yLabel: "test accuracy", xScale: .log)
///     ax.line(x: lrs, y: mean, label: "BN", marker: .circle, spread: std)
public struct Axes: Sendable {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var xScale: Scale
    public var yScale: Scale
    /// Fixed view limits; nil fits the data with a 5% margin.
    public var xLimits: ClosedRange<Double>?
    public var yLimits: ClosedRange<Double>?
    /// Light grid lines at the major ticks.
    public var grid = true
    public var legend: LegendPlacement = .best
    /// Frame, ticks and tick labels; turn off for image grids.
    public var showFrame = true
    /// Draw the y label upright, to the left of the axes (row labels of an image grid), instead of rotated.
    public var yLabelUpright = false
    /// Legend text for the automatic mark where a line stops on a non-finite value; nil: no entry.
    public var stopLabel: String? = "stopped (non-finite)"
    /// Marker drawn where a line stops on a non-finite value.
    public var stopMarker: Marker = .cross
    public private(set) var plots: [Plot] = []
    private var cycle = 0

    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil,
                xScale: Scale = .linear, yScale: Scale = .linear) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel
        self.xScale = xScale; self.yScale = yScale
    }

    /// The next colour of the tab10 cycle.
    public mutating func nextColor() -> Color {
        defer { cycle += 1 }
        return Color.tab10[cycle % Color.tab10.count]
    }

    /// The colour of the most recently added line (for bands and markers that belong to it).
    var lastLineColor: Color? {
        for p in plots.reversed() { if case .line(let l) = p { return l.color } }
        return nil
    }

    // MARK: - Adding plots

    /// A line (x, y) with optional markers, a shaded ±`spread` band and ±`errors` error bars.
    public mutating func line(x: [Double], y: [Double], label: String? = nil, color: Color? = nil,
                              width: Double = 1.5, dashed: Bool = false, marker: Marker? = nil,
                              markerSize: Double = 5, spread: [Double]? = nil, errors: [Double]? = nil) {
        let c = color ?? nextColor()
        plots.append(.line(LineSeries(x: x, y: y, label: label, color: c, width: width, dashed: dashed,
                                      marker: marker, markerSize: markerSize, spread: spread, errors: errors)))
    }

    /// Points with ±`errors` error bars and no connecting line.
    public mutating func errorBars(x: [Double], y: [Double], errors: [Double], label: String? = nil,
                                   color: Color? = nil, marker: Marker = .circle) {
        line(x: x, y: y, label: label, color: color, width: 0, marker: marker, errors: errors)
    }

    /// A shaded band between `lower` and `upper`; defaults to the last line's colour.
    public mutating func band(x: [Double], lower: [Double], upper: [Double], label: String? = nil,
                              color: Color? = nil, opacity: Double = 0.2) {
        let c = color ?? lastLineColor ?? nextColor()
        plots.append(.band(BandSeries(x: x, lower: lower, upper: upper, color: c, opacity: opacity, label: label)))
    }

    /// Special points, e.g. `ax.markers(x: [lr], y: [0.1], marker: .cross, label: "diverged")`.
    public mutating func markers(x: [Double], y: [Double], marker: Marker = .cross, label: String? = nil,
                                 color: Color? = nil, size: Double = 9) {
        plots.append(.markers(MarkerSeries(x: x, y: y, marker: marker, color: color ?? Color.ink,
                                           size: size, label: label)))
    }

    /// Grouped bars: `series[i].values[j]` is the bar of series i in category j.
    public mutating func bars(categories: [String], series: [(label: String?, values: [Double])],
                              colors: [Color]? = nil) {
        var s: [BarGroup.Series] = []
        for (i, item) in series.enumerated() {
            let c = colors.flatMap { i < $0.count ? $0[i] : nil } ?? nextColor()
            s.append(.init(label: item.label, values: item.values, color: c))
        }
        plots.append(.bars(BarGroup(categories: categories, series: s)))
    }

    /// A semi-transparent histogram of `values` (non-finite values are skipped).
    public mutating func histogram(_ values: [Double], bins: Int = 30, label: String? = nil,
                                   color: Color? = nil, opacity: Double = 0.45) {
        plots.append(.histogram(HistogramSeries(values: values, bins: max(1, bins), color: color ?? nextColor(),
                                                opacity: opacity, label: label)))
    }

    /// A cell-exact heatmap of `values` ([rows, columns] row-major, row 0 on top).
    /// Set `annotationDecimals` to print each value in its cell.
    public mutating func heatmap(_ values: [Double], rows: Int, columns: Int, colormap: Colormap = .viridis,
                                 range: ClosedRange<Double>? = nil, rowLabels: [String]? = nil,
                                 columnLabels: [String]? = nil, annotationDecimals: Int? = nil,
                                 squareCells: Bool = false, showColorbar: Bool = true,
                                 colorbarLabel: String? = nil, sharesColorbar: Bool = true) {
        plots.append(.heatmap(Heatmap(rows: rows, columns: columns, values: values, colormap: colormap,
                                      range: range, rowLabels: rowLabels, columnLabels: columnLabels,
                                      annotationDecimals: annotationDecimals, squareCells: squareCells,
                                      showColorbar: showColorbar, colorbarLabel: colorbarLabel, sharesColorbar: sharesColorbar)))
        grid = false
    }
}
