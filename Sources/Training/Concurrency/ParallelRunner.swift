import Engine
import Foundation

/// Runs independent jobs on up to `jobs` threads and returns their results in input order.
///
/// Each job must be self-contained (its own model and generators), which is what makes results
/// independent of `jobs`. Each job runs its layers on one thread (`Threads.with(1)`), whatever `jobs` is,
/// and OpenBLAS is single-threaded per caller (`BLAS.singleThreaded`), which is safe to call concurrently.
public struct ParallelRunner: Sendable {
    public var jobs: Int
    public init(jobs: Int) { self.jobs = max(1, jobs) }

    /// Maps `body` over `items`, `jobs` at a time; stops starting new items once cancelled.
    public func map<T: Sendable, R: Sendable>(_ items: [T], isCancelled: @Sendable () -> Bool = { false },
                                              _ body: @escaping @Sendable (Int, T) throws -> R) throws -> [R] {
        let results = Results<R>(count: items.count)
        if jobs == 1 || items.count <= 1 {
            for (i, item) in items.enumerated() {
                if isCancelled() { throw CancellationError() }
                results.set(i, Result { try Threads.with(1) { try body(i, item) } })
            }
        } else {
            let next = Counter()
            DispatchQueue.concurrentPerform(iterations: min(jobs, items.count)) { _ in
                while !isCancelled(), let i = next.take(below: items.count) {
                    // one thread per job: the jobs themselves fill the cores
                    results.set(i, Result { try Threads.with(1) { try body(i, items[i]) } })
                }
            }
            if isCancelled() { throw CancellationError() }
        }
        return try results.values()
    }
}

/// A lock-protected result slot array.
private final class Results<R: Sendable>: @unchecked Sendable {
    private var slots: [Result<R, any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<R, any Error>) { lock.withLock { slots[i] = r } }
    func values() throws -> [R] {
        try lock.withLock { slots }.map { slot in
            guard let slot else { throw CancellationError() }
            return try slot.get()
        }
    }
}

/// A lock-protected work counter.
private final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func take(below n: Int) -> Int? {
        lock.withLock {
            guard value < n else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
