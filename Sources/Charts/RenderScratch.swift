import Synchronization

/// Reusable pixel memory for PNG renders. A fresh multi-megabyte surface costs more in page
/// faults than drawing a chart does, so renders borrow a buffer from a small pool and give it back.
final class RenderScratch: @unchecked Sendable {
    // Only the render that took this object from the pool touches it.
    var surface: [UInt32] = []

    private static let pool = Mutex<[RenderScratch]>([])

    /// Runs `body` with a scratch set taken from the pool (or a new one), then returns it.
    static func with<T>(_ body: (RenderScratch) throws -> T) rethrows -> T {
        let scratch = pool.withLock { $0.popLast() } ?? RenderScratch()
        defer { pool.withLock { if $0.count < 4 { $0.append(scratch) } } }
        return try body(scratch)
    }

    /// Grows `buffer` to at least `count` elements (contents unspecified).
    static func ensure<E: FixedWidthInteger>(_ buffer: inout [E], _ count: Int) {
        if buffer.count < count { buffer = [E](repeating: 0, count: count) }
    }
}
