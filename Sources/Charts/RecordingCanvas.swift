/// A canvas that draws nothing and records every call, so tests can check where ticks, labels,
/// legend entries and colorbars landed. Text is measured with DejaVu Sans' average advance.
public final class RecordingCanvas: Canvas {
    public enum Operation: Sendable {
        case stroke(Path, StrokeStyle)
        case fill(Path, Color)
        case text(String, at: Point, font: Font, color: Color, anchor: TextAnchor, rotation: Double)
        case image(RasterImage, in: Rect)
        case clip(Rect?)
    }
    public private(set) var operations: [Operation] = []

    public init() {}

    public func stroke(_ path: Path, style: StrokeStyle) { operations.append(.stroke(path, style)) }
    public func fill(_ path: Path, color: Color) { operations.append(.fill(path, color)) }
    public func drawText(_ text: String, at point: Point, font: Font, color: Color, anchor: TextAnchor, rotation: Double) {
        operations.append(.text(text, at: point, font: font, color: color, anchor: anchor, rotation: rotation))
    }
    public func measureText(_ text: String, font: Font) -> TextMetrics {
        TextMetrics(width: Double(text.count) * 0.6 * font.size)
    }
    public func drawImage(_ image: RasterImage, in rect: Rect) { operations.append(.image(image, in: rect)) }
    public func setClip(_ rect: Rect?) { operations.append(.clip(rect)) }

    /// Every text run drawn, with its anchor point.
    public var texts: [(text: String, at: Point, rotation: Double)] {
        operations.compactMap { if case let .text(s, p, _, _, _, r) = $0 { (s, p, r) } else { nil } }
    }
}
