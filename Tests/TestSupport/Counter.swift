import Foundation

/// A thread-safe counter, for callbacks called from several threads.
public final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    public init() {}
    public var value: Int { lock.withLock { n } }
    public func increment() -> Int { lock.withLock { n += 1; return n } }
}
