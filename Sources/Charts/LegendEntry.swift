/// One legend row: a small sample of how a plot looks, and its label.
public struct LegendEntry: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case line(color: Color, width: Double, dashed: Bool, marker: Marker?, markerSize: Double, band: Bool)
        case patch(Color, edge: Color?)
        case marker(Marker, Color, Double)
    }
    public var label: String
    public var kind: Kind

    /// Draws the sample in `box` (the handle area of the row).
    func drawHandle(on canvas: Canvas, in box: Rect) {
        let y = box.midY
        switch kind {
        case let .line(color, width, dashed, marker, markerSize, band):
            if band { canvas.fill(Path(rect: Rect(x: box.minX, y: y - 4, width: box.width, height: 8)), color: color.withAlpha(0.2)) }
            if width > 0 {
                var p = Path(); p.move(to: Point(box.minX, y)); p.line(to: Point(box.maxX, y))
                canvas.stroke(p, style: StrokeStyle(color: color, width: width, dash: dashed ? [4, 2] : [], round: false))
            }
            marker?.draw(on: canvas, at: Point(box.midX, y), size: markerSize, color: color)
        case let .patch(color, edge):
            let r = Rect(x: box.minX + 2, y: y - 4.5, width: box.width - 4, height: 9)
            canvas.fill(Path(rect: r), color: color)
            if let edge { canvas.stroke(Path(rect: r), style: StrokeStyle(color: edge, width: 0.8)) }
        case let .marker(m, color, size):
            m.draw(on: canvas, at: Point(box.midX, y), size: min(size, 9), color: color)
        }
    }
}
