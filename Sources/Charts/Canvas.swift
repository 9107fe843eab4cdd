// MARK: - The drawing surface every chart is drawn on

/// How a path's outline is drawn.
public struct StrokeStyle: Sendable, Equatable {
    public var color: Color
    /// Line width in points.
    public var width: Double
    /// Dash pattern in points (on, off, ...); empty for a solid line.
    public var dash: [Double]
    /// Round joins and caps (for data lines); otherwise miter joins and butt caps (for frames, ticks).
    public var round: Bool

    public init(color: Color, width: Double, dash: [Double] = [], round: Bool = false) {
        self.color = color; self.width = width; self.dash = dash; self.round = round
    }
}

/// A font request: DejaVu Sans at `size` points.
public struct Font: Sendable, Equatable {
    public var size: Double
    public var bold: Bool
    public init(size: Double, bold: Bool = false) { self.size = size; self.bold = bold }

    /// Height of digits and capitals, used to centre text on a point.
    public var capHeight: Double { 0.73 * size }
}

/// Where the anchor point of a text run sits on the run's box (before rotation).
public struct TextAnchor: Sendable, Equatable {
    public enum Horizontal: Sendable { case left, center, right }
    public enum Vertical: Sendable {
        /// The top of capitals/digits sits on the anchor.
        case top
        /// The middle of capitals/digits sits on the anchor.
        case middle
        case baseline
        /// The bottom of descenders sits on the anchor.
        case bottom
    }
    public var horizontal: Horizontal
    public var vertical: Vertical
    public init(_ horizontal: Horizontal, _ vertical: Vertical) {
        self.horizontal = horizontal; self.vertical = vertical
    }
}

/// Horizontal metrics of a text run.
public struct TextMetrics: Sendable, Equatable {
    public var width: Double
    public init(width: Double) { self.width = width }
}

/// A drawing surface in points. `CairoCanvas` draws pixels or vectors; `RecordingCanvas` records
/// the calls so tests can check layout without pixels.
public protocol Canvas: AnyObject {
    /// Outlines `path`.
    func stroke(_ path: Path, style: StrokeStyle)
    /// Fills `path` (non-zero winding).
    func fill(_ path: Path, color: Color)
    /// Draws one line of text anchored at `point`, rotated `rotation` degrees counter-clockwise
    /// about the anchor.
    func drawText(_ text: String, at point: Point, font: Font, color: Color, anchor: TextAnchor, rotation: Double)
    /// The advance width of `text` in `font`.
    func measureText(_ text: String, font: Font) -> TextMetrics
    /// Draws `image` stretched over `rect`, nearest-neighbour (every cell a crisp block).
    func drawImage(_ image: RasterImage, in rect: Rect)
    /// Restricts drawing to `rect`; `nil` removes the clip.
    func setClip(_ rect: Rect?)
}
