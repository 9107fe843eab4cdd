import Dispatch
import Synchronization

/// How many threads the layers split a batch over: a process-wide setting, like OpenBLAS's own.
///
/// Layers cut each batch into `count` contiguous ranges of images and run them at once, with
/// OpenBLAS single-threaded inside each (its own threading does little on per-image GEMMs this
/// small). Runs that train several models at once (`--jobs`) keep the default of 1.
public enum Threads {
    private static let storage = Atomic<Int>(1)
    /// A count bound for the current task (or thread) only, by `Threads.with(_:_:)`.
    @TaskLocal private static var scoped: Int?

    /// The number of threads a layer uses for one batch (at least 1).
    public static var count: Int { scoped ?? storage.load(ordering: .relaxed) }

    /// Runs `body` with layers called from it (on this task or thread) using `n` threads, whatever
    /// the process-wide setting: one per job in parallel runs, or a fixed count in a test.
    public static func with<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        try $scoped.withValue(max(1, n), operation: body)
    }

    /// Sets the thread count for layers (OpenBLAS itself stays at one thread per caller).
    public static func set(_ n: Int) {
        storage.store(max(1, n), ordering: .relaxed)
    }
}

/// A value handed to `concurrentPerform`, whose workers only touch disjoint memory.
private struct UncheckedSendable<Value>: @unchecked Sendable { let value: Value }

/// Splits `0..<n` into `min(Threads.count, n)` contiguous ranges and runs `body(chunk, range)`
/// on each at once; inline when one thread suffices. Chunk `c` always gets the same range for a
/// given `n` and thread count, so results do not depend on scheduling.
///
/// `minimumChunk` keeps small elementwise passes on one thread: below about 16k elements (a few
/// microseconds) handing half to another core costs more than it saves.
func parallelChunks(_ n: Int, minimumChunk: Int = 1, _ body: (_ chunk: Int, _ range: Range<Int>) -> Void) {
    let t = max(1, min(Threads.count, n / minimumChunk))   // chunkCount(n) when minimumChunk is 1
    if t <= 1 { body(0, 0..<n); return }
    withoutActuallyEscaping(body) { body in
        let chunk = { (c: Int) in body(c, n * c / t ..< n * (c + 1) / t) }
        // the awake workers when free; concurrentPerform when another region (or this one, nested) holds them
        if WorkerPool.shared.run(t, chunk) { return }
        let box = UncheckedSendable(value: chunk)
        DispatchQueue.concurrentPerform(iterations: t) { box.value($0) }
    }
}

/// The number of chunks `parallelChunks(n)` uses.
func chunkCount(_ n: Int) -> Int { max(1, min(Threads.count, n)) }

/// The `minimumChunk` of elementwise passes (ReLU, Sigmoid).
let elementwiseChunk = 16_384
