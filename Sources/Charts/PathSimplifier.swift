/// Matplotlib's path simplification (`path.simplify`, `src/path_converters.h`), applied to a path
/// already in device pixels before Cairo strokes it.
///
/// Consecutive segments are merged into one vector while every point stays within `threshold`
/// pixels (matplotlib's default 1/9) of that vector's line; the merged run is drawn as a line to
/// its furthest point forward and, if the run doubled back, to its furthest point backward, so
/// spikes and the extremes of dense zig-zags survive. First and last points of every subpath are
/// kept. A 10,000-step loss curve across 600 pixels collapses to a few points per pixel column;
/// a curve whose points are already several pixels apart keeps nearly all of them.
///
/// Only straight runs are simplified; curves and closes pass through unchanged.
enum PathSimplifier {
    static let defaultThreshold = 1.0 / 9
    /// Shorter paths are drawn as they are (matplotlib's rule too: frames, ticks, markers).
    static let minimumElements = 128

    static func simplify(_ path: Path, threshold: Double = defaultThreshold) -> Path {
        var out = Path()
        var run = Run(threshold: threshold)
        for e in path.elements {
            switch e {
            case .move(let p):
                run.finish(into: &out)
                run.start(p, into: &out)
            case .line(let p):
                if run.active { run.add(p, into: &out) } else { run.start(p, into: &out) }
            case let .curve(c1, c2, p):
                run.finish(into: &out)
                out.curve(to: p, c1: c1, c2: c2)
                run.resume(at: p)
            case .close:
                run.finish(into: &out)
                out.close()
            }
        }
        run.finish(into: &out)
        return out
    }

    /// The mean length of the straight segments of `path` (0 if it has none).
    static func meanSegmentLength(_ path: Path) -> Double {
        var total = 0.0, count = 0, at = Point(0, 0)
        for e in path.elements {
            switch e {
            case .move(let p): at = p
            case .line(let p):
                total += ((p.x - at.x) * (p.x - at.x) + (p.y - at.y) * (p.y - at.y)).squareRoot()
                count += 1; at = p
            case .curve(_, _, let p): at = p
            case .close: break
            }
        }
        return count > 0 ? total / Double(count) : 0
    }

    /// The state of one straight run: the last written point (`origin`), the current vector from
    /// it, the furthest points along it forward and backward, and the last input point.
    struct Run {
        let threshold2: Double
        var active = false
        var origin = Point(0, 0)
        var last = Point(0, 0)
        var hasVector = false
        var dx = 0.0, dy = 0.0, dnorm2 = 0.0
        var forwardMax = 0.0, backwardMax = 0.0
        var forward = Point(0, 0), backward = Point(0, 0)

        init(threshold: Double) { threshold2 = threshold * threshold }

        mutating func start(_ p: Point, into out: inout Path) {
            out.move(to: p)
            resume(at: p)
        }

        /// Continues a run from a point already written (after a curve).
        mutating func resume(at p: Point) {
            active = true; origin = p; last = p; hasVector = false
        }

        mutating func add(_ p: Point, into out: inout Path) {
            guard hasVector else {
                if p == origin { return }
                setVector(from: origin, to: p)
                last = p
                return
            }
            let tx = p.x - origin.x, ty = p.y - origin.y
            let cross = tx * dy - ty * dx
            if cross * cross < threshold2 * dnorm2 {
                // within the threshold of the vector's line: extend the run
                let dot = tx * dx + ty * dy
                let para2 = dot * dot / dnorm2
                if dot > 0 {
                    if para2 > forwardMax { forwardMax = para2; forward = p }
                } else if para2 > backwardMax {
                    backwardMax = para2; backward = p
                }
                last = p
                return
            }
            // the point leaves the run: write the run's extremes, then start a new vector at the
            // last input point
            push(into: &out)
            setVector(from: last, to: p)
            last = p
        }

        private mutating func push(into out: inout Path) {
            out.line(to: forward)
            if backwardMax > 0 { out.line(to: backward) }
            // the run ends where the input did, so the next vector starts from a written point
            if last != (backwardMax > 0 ? backward : forward) { out.line(to: last) }
            origin = last
        }

        private mutating func setVector(from a: Point, to b: Point) {
            origin = a
            dx = b.x - a.x; dy = b.y - a.y
            dnorm2 = dx * dx + dy * dy
            forwardMax = dnorm2; forward = b
            backwardMax = 0
            hasVector = true
        }

        mutating func finish(into out: inout Path) {
            guard active else { return }
            if hasVector { push(into: &out) }
            active = false; hasVector = false
        }
    }
}
