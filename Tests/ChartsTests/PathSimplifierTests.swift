import Foundation
import Testing
@testable import Charts

/// Matplotlib-style path simplification: fewer points, same picture.
@Suite struct PathSimplifierTests {
    func points(_ path: Path) -> [Point] {
        path.elements.compactMap {
            switch $0 {
            case .move(let p), .line(let p): p
            default: nil
            }
        }
    }

    /// Distance from `p` to the polyline `line`.
    func distance(_ p: Point, to line: [Point]) -> Double {
        var best = Double.infinity
        for k in 1..<line.count {
            let a = line[k - 1], b = line[k]
            guard min(a.x, b.x) - 1 <= p.x, p.x <= max(a.x, b.x) + 1 else { continue }
            let dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy
            let t = len2 > 0 ? max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2)) : 0
            let ex = p.x - a.x - t * dx, ey = p.y - a.y - t * dy
            best = min(best, (ex * ex + ey * ey).squareRoot())
        }
        return best
    }

    @Test func collinearPointsMerge() {
        let line = (0...1000).map { Point(Double($0) * 0.5, 10 + Double($0) * 0.25) }
        let out = points(PathSimplifier.simplify(Path(polyline: line)))
        #expect(out == [line.first!, line.last!])
    }

    @Test func denseZigZagKeepsItsExtremesAndEnds() {
        // 4,000 samples of a noisy signal over 200 px: many points per pixel column
        var state: UInt64 = 7
        let line = (0..<4_000).map { i -> Point in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let noise = Double(state >> 11) / Double(1 << 53) - 0.5
            return Point(Double(i) * 0.05, 100 + 40 * noise + (i == 3000 ? 80 : 0))
        }
        let simplified = PathSimplifier.simplify(Path(polyline: line))
        let out = points(simplified)
        #expect(out.count < line.count * 3 / 4)
        #expect(out.first == line.first && out.last == line.last)
        // the spike and the overall extremes survive
        #expect(out.contains(line[3000]))
        #expect(out.map(\.y).max() == line.map(\.y).max() && out.map(\.y).min() == line.map(\.y).min())
        // every input point lies within the threshold of the merged vector's line, and the drawn
        // segment to the run's extreme may tilt by as much again: within 2 × threshold
        let worst = line.map { distance($0, to: out) }.max()!
        #expect(worst <= 2 * PathSimplifier.defaultThreshold)
    }

    @Test func smoothDenseCurveCollapses() {
        // 20,000 samples of a slow sine over 600 px: a few points per pixel column remain
        let line = (0..<20_000).map { i in Point(Double(i) * 0.03, 150 + 100 * sin(Double(i) / 3000)) }
        let out = points(PathSimplifier.simplify(Path(polyline: line)))
        #expect(out.count < 1_000)
        #expect(out.first == line.first && out.last == line.last)
    }

    @Test func sparsePathIsUnchanged() {
        let line = [Point(0, 0), Point(10, 5), Point(20, -3), Point(30, 8), Point(40, 8.5)]
        #expect(points(PathSimplifier.simplify(Path(polyline: line))) == line)
    }

    @Test func subpathsCurvesAndClosesPassThrough() {
        var path = Path()
        path.move(to: Point(0, 0)); path.line(to: Point(1, 0)); path.line(to: Point(2, 0))
        path.move(to: Point(0, 5)); path.line(to: Point(3, 5))
        path.addCircle(center: Point(10, 10), radius: 2)
        let out = PathSimplifier.simplify(path)
        #expect(out.elements.filter { if case .move = $0 { true } else { false } }.count == 3)
        #expect(out.elements.filter { if case .curve = $0 { true } else { false } }.count == 4)
        #expect(out.elements.last == .close)
        #expect(Array(out.elements.prefix(2)) == [.move(Point(0, 0)), .line(Point(2, 0))])
    }

    @Test func doublingBackKeepsBothEnds() {
        // along a line forward to x = 10, back to x = -4, then off the line: both extremes drawn
        let line = [Point(0, 0), Point(5, 0), Point(10, 0), Point(2, 0), Point(-4, 0), Point(-4, 10)]
        let out = points(PathSimplifier.simplify(Path(polyline: line)))
        #expect(out == [Point(0, 0), Point(10, 0), Point(-4, 0), Point(-4, 10)])
    }
}
