/// A vector path in figure coordinates (points): straight segments, cubic curves and closes.
public struct Path: Sendable, Equatable {
    public enum Element: Sendable, Equatable {
        case move(Point)
        case line(Point)
        case curve(Point, Point, Point)
        case close
    }
    public private(set) var elements: [Element] = []

    public init() {}

    public mutating func move(to p: Point) { elements.append(.move(p)) }
    public mutating func line(to p: Point) { elements.append(.line(p)) }
    public mutating func curve(to p: Point, c1: Point, c2: Point) { elements.append(.curve(c1, c2, p)) }
    public mutating func close() { elements.append(.close) }
    public var isEmpty: Bool { elements.isEmpty }

    /// An open polyline through `points`.
    public init(polyline points: [Point]) {
        elements.reserveCapacity(points.count)
        for (i, p) in points.enumerated() { elements.append(i == 0 ? .move(p) : .line(p)) }
    }

    /// A closed rectangle.
    public init(rect r: Rect) {
        elements = [.move(Point(r.minX, r.minY)), .line(Point(r.maxX, r.minY)),
                    .line(Point(r.maxX, r.maxY)), .line(Point(r.minX, r.maxY)), .close]
    }

    /// Appends a circle as four cubic Béziers (kappa approximation).
    public mutating func addCircle(center c: Point, radius r: Double) {
        let k = 0.5522847498 * r
        move(to: Point(c.x + r, c.y))
        curve(to: Point(c.x, c.y + r), c1: Point(c.x + r, c.y + k), c2: Point(c.x + k, c.y + r))
        curve(to: Point(c.x - r, c.y), c1: Point(c.x - k, c.y + r), c2: Point(c.x - r, c.y + k))
        curve(to: Point(c.x, c.y - r), c1: Point(c.x - r, c.y - k), c2: Point(c.x - k, c.y - r))
        curve(to: Point(c.x + r, c.y), c1: Point(c.x + k, c.y - r), c2: Point(c.x + r, c.y - k))
        close()
    }

    /// Appends a closed polygon.
    public mutating func addPolygon(_ points: [Point]) {
        guard let first = points.first else { return }
        move(to: first)
        for p in points.dropFirst() { line(to: p) }
        close()
    }
}
