import Foundation

/// A figure: one or more `Axes` panels laid out in a grid, with an optional title, shared axes,
/// one shared legend and one shared colorbar. Sizes are in points (1/72 inch).
///
///     var fig = Figure(widthInches: 6, heightInches: 4, title: "Test accuracy")
///     fig.panels = [ax]
///     try fig.render(to: url, format: .png, metadata: FigureMetadata(title: "Test accuracy", source: runID))
public struct Figure: Sendable {
    /// Width in points.
    public var width: Double
    /// Height in points.
    public var height: Double
    public var title: String?
    public var panels: [Axes] = []
    /// Panels per row; rows follow from `panels.count`.
    public var columns = 1
    /// All panels use one x range; only the bottom row shows x tick labels and labels.
    public var sharedX = false
    /// All panels use one y range; only the left column shows y tick labels and labels.
    public var sharedY = false
    /// One legend for all panels (entries merged by label), outside on the right.
    public var sharedLegend = false
    /// One colorbar for all heatmaps (one common colour range), on the right.
    public var sharedColorbar = false
    public var sharedColorbarLabel: String?
    /// Space around each panel in points (matplotlib's `wspace`/`hspace`, in points); small for image grids.
    public var panelPadding = 6.0
    /// Base font size in points (tick labels, legend, axis labels); titles are larger.
    public var fontSize = 10.0

    /// A figure sized in points.
    public init(width: Double, height: Double, title: String? = nil) {
        self.width = width; self.height = height; self.title = title
    }

    /// A figure sized in inches (matplotlib's `figsize`).
    public init(widthInches: Double, heightInches: Double, title: String? = nil) {
        self.init(width: widthInches * 72, height: heightInches * 72, title: title)
    }

    /// Draws the figure on any canvas (e.g. a `RecordingCanvas` in tests). `pixelsPerPoint` lets
    /// hairlines snap to device pixels (dpi / 72 for images, 1 for vectors).
    public func draw(on canvas: Canvas, pixelsPerPoint: Double = 1) {
        var r = FigureRenderer(figure: self, canvas: canvas, px: pixelsPerPoint)
        r.draw()
    }

    /// Renders to a file: PNG at `dpi` (2× for high-DPI docs: `dpi: 200`) with tEXt metadata, or SVG
    /// / PDF (vector; `dpi` unused) from the same drawing code, with the same metadata (SVG:
    /// `<title>`, `<desc>`, `<metadata>`; PDF: the document information) and, in SVG, text as `<text>`.
    public func render(to url: URL, format: ImageFormat = .png, dpi: Double = 100,
                       metadata: FigureMetadata = FigureMetadata()) throws {
        switch format {
        case .png:
            let text = metadata.pngText(defaultTitle: title)
            let png = try CairoCanvas.rasterize(self, dpi: dpi) { try PNGWriter.encode($0, dpi: dpi, text: text) }
            do { try png.write(to: url) } catch { throw ChartError.io(path: url.path, reason: error.localizedDescription) }
        case .svg, .pdf:
            try CairoCanvas.renderVector(self, to: url, format: format, metadata: metadata.pngText(defaultTitle: title))
        }
    }
}
