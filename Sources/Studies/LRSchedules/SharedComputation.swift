import Foundation

/// Results that several units need (an arm's range test, a run two comparisons share), computed
/// once per process and shared. Every unit could compute them alone and would get the same
/// values: sharing saves time and changes no result, whatever `--jobs` is. A unit asking for a
/// value another thread is computing waits for it.
final class SharedComputation: @unchecked Sendable {
    static let shared = SharedComputation()

    private let condition = NSCondition()
    private var values: [String: Any] = [:]
    private var inFlight: Set<String> = []

    /// Forgets every stored value (for tests that check a unit computes the same alone).
    func removeAll() {
        condition.lock()
        values.removeAll()
        condition.unlock()
    }

    func value<T>(_ key: String, compute: () throws -> T) throws -> T {
        condition.lock()
        while inFlight.contains(key) { condition.wait() }
        if let v = values[key] as? T { condition.unlock(); return v }
        inFlight.insert(key)
        condition.unlock()
        defer {
            condition.lock()
            inFlight.remove(key)
            condition.broadcast()
            condition.unlock()
        }
        let v = try compute()
        condition.lock()
        values[key] = v
        condition.unlock()
        return v
    }
}
