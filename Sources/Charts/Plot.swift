/// One thing drawn inside an `Axes`. Build them with `Axes`'s methods (`line`, `band`, `bars`, …),
/// which also assign colours from the tab10 cycle.
public enum Plot: Sendable {
    case line(LineSeries)
    case band(BandSeries)
    case markers(MarkerSeries)
    case bars(BarGroup)
    case histogram(HistogramSeries)
    case heatmap(Heatmap)
}

/// A line through (x, y), optionally with markers, a ±spread band and error bars.
/// Non-finite y values break the line; where a series stops on one, the chart marks it.
public struct LineSeries: Sendable {
    public var x: [Double]
    public var y: [Double]
    public var label: String?
    public var color: Color
    /// Line width in points; 0 draws no line (markers or error bars only).
    public var width: Double = 1.5
    public var dashed = false
    public var marker: Marker?
    public var markerSize: Double = 5
    /// A shaded band y ± spread (e.g. the standard deviation across seeds).
    public var spread: [Double]?
    /// Symmetric error bars ± errors.
    public var errors: [Double]?
}

/// A shaded region between `lower` and `upper` over x.
public struct BandSeries: Sendable {
    public var x: [Double]
    public var lower: [Double]
    public var upper: [Double]
    public var color: Color
    public var opacity: Double = 0.2
    public var label: String?
}

/// Standalone markers, e.g. the learning rate where a run diverged.
public struct MarkerSeries: Sendable {
    public var x: [Double]
    public var y: [Double]
    public var marker: Marker
    public var color: Color
    public var size: Double
    public var label: String?
}

/// Grouped bars: one group per category, one bar per series in each group.
public struct BarGroup: Sendable {
    public struct Series: Sendable {
        public var label: String?
        /// values: [categories]
        public var values: [Double]
        public var color: Color
    }
    public var categories: [String]
    public var series: [Series]
}

/// A histogram; histograms in the same axes share bin edges so overlays line up.
public struct HistogramSeries: Sendable {
    public var values: [Double]
    public var bins: Int
    public var color: Color
    public var opacity: Double = 0.45
    public var label: String?
}

/// A matrix drawn cell-exact: one crisp block per value, row 0 at the top.
public struct Heatmap: Sendable {
    public var rows: Int
    public var columns: Int
    /// values: [rows, columns] row-major; non-finite cells are drawn light grey.
    public var values: [Double]
    public var colormap: Colormap
    /// Colour limits; nil uses the data range (±max|v| for a diverging map, so zero is the centre).
    public var range: ClosedRange<Double>?
    public var rowLabels: [String]?
    public var columnLabels: [String]?
    /// Decimals for a value printed in every cell; nil prints none.
    public var annotationDecimals: Int?
    /// Square cells (for images such as activation maps).
    public var squareCells: Bool
    /// Draw a colorbar next to this heatmap (ignored when the figure shares one colorbar).
    public var showColorbar: Bool
    public var colorbarLabel: String?
    /// Whether it joins the figure's shared colorbar (false: its own range and colormap, no
    /// colorbar; e.g. the input images beside a grid of feature maps).
    public var sharesColorbar = true
}
