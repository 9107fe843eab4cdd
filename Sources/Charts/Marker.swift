/// A point marker symbol.
public enum Marker: Sendable, Equatable {
    case circle, square, triangle, diamond
    /// An ×, drawn as strokes (the default for diverged runs).
    case cross
    /// A +, drawn as strokes.
    case plus

    /// Stroked rather than filled.
    var isStroked: Bool { self == .cross || self == .plus }

    /// The symbol centred on `c`, `size` points across.
    func path(at c: Point, size: Double) -> Path {
        let r = size / 2
        var p = Path()
        switch self {
        case .circle: p.addCircle(center: c, radius: r)
        case .square: p = Path(rect: Rect(x: c.x - r * 0.9, y: c.y - r * 0.9, width: 1.8 * r, height: 1.8 * r))
        case .triangle: p.addPolygon([Point(c.x, c.y - 1.15 * r), Point(c.x + r, c.y + 0.75 * r), Point(c.x - r, c.y + 0.75 * r)])
        case .diamond: p.addPolygon([Point(c.x, c.y - 1.2 * r), Point(c.x + 0.85 * r, c.y), Point(c.x, c.y + 1.2 * r), Point(c.x - 0.85 * r, c.y)])
        case .cross:
            p.move(to: Point(c.x - r, c.y - r)); p.line(to: Point(c.x + r, c.y + r))
            p.move(to: Point(c.x - r, c.y + r)); p.line(to: Point(c.x + r, c.y - r))
        case .plus:
            p.move(to: Point(c.x - r, c.y)); p.line(to: Point(c.x + r, c.y))
            p.move(to: Point(c.x, c.y - r)); p.line(to: Point(c.x, c.y + r))
        }
        return p
    }

    /// Draws the marker on `canvas` in `color`.
    func draw(on canvas: Canvas, at c: Point, size: Double, color: Color) {
        let path = self.path(at: c, size: size)
        if isStroked {
            canvas.stroke(path, style: StrokeStyle(color: color, width: max(1.5, size / 4), round: false))
        } else {
            canvas.fill(path, color: color)
        }
    }
}
