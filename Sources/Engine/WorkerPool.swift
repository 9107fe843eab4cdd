import Foundation
import Synchronization

/// Threads that stay awake between a training step's parallel regions, so that a region of a few
/// microseconds is worth splitting: `parallelChunks`' engine when `Threads.count` > 1.
///
/// `DispatchQueue.concurrentPerform` wakes a sleeping worker for every call, about 25 µs on this
/// machine: two 15 µs halves took 45 µs, slower than one thread (measured). PyTorch's OpenMP
/// threads spin between regions instead (GOMP_SPINCOUNT); these do too, for `spinTime`, and then
/// sleep until the next region. Chunk c always runs `body(c, …)` with the range the caller gave
/// it, whichever thread runs it, so results do not depend on this pool.
final class WorkerPool: @unchecked Sendable {
    /// The pool `parallelChunks` uses.
    static let shared = WorkerPool()

    /// How long an idle worker spins before it sleeps (a step's regions come closer than this).
    private static let spinTime: UInt64 = 2_000_000   // ns

    /// Held by the one caller running a region; others (and nested calls) use `concurrentPerform`.
    private let busy = Mutex(false)
    /// Bumped once per region; workers run the region whose number they have not seen.
    private let generation = Atomic<Int>(0)
    /// Workers finished with the current region.
    private let finished = Atomic<Int>(0)
    /// Workers waiting on `wake` (so that the caller signals only when one sleeps).
    private let sleepers = Atomic<Int>(0)
    private let wake = NSCondition()
    /// The current region: its chunk count and body, written before `generation` is bumped.
    private var chunks = 0
    private var body: ((Int) -> Void)?
    /// Worker threads started so far; worker w runs chunk w (the caller runs chunk 0).
    private var workers = 0

    private init() {}

    /// Runs `body(c)` for c in 0..<count at once, chunk 0 on the calling thread; false (nothing
    /// run) when another region holds the pool.
    func run(_ count: Int, _ body: (Int) -> Void) -> Bool {
        let acquired = busy.withLock { held in
            if held { return false }
            held = true
            return true
        }
        guard acquired else { return false }
        defer { busy.withLock { $0 = false } }
        while workers < count - 1 { startWorker(workers + 1) }

        withoutActuallyEscaping(body) { body in
            self.body = body
            chunks = count
            finished.store(0, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wake.lock(); wake.broadcast(); wake.unlock()
            }
            body(0)
            // every worker takes part (those beyond `count` run nothing), so none can still be
            // reading `body` once this returns
            while finished.load(ordering: .acquiring) < workers {}
            self.body = nil
        }
        return true
    }

    private func startWorker(_ index: Int) {
        workers += 1
        let seen = generation.load(ordering: .sequentiallyConsistent)
        let thread = Thread { [self] in work(index, seen) }
        thread.name = "bnlab-worker-\(index)"
        thread.start()
    }

    /// A worker's life: wait for a region (spinning, then sleeping), run its chunk, repeat.
    private func work(_ index: Int, _ start: Int) {
        var seen = start
        while true {
            var spins = 0
            var idleSince: UInt64 = 0
            while generation.load(ordering: .acquiring) == seen {
                spins += 1
                guard spins & 1023 == 0 else { continue }
                let now = DispatchTime.now().uptimeNanoseconds
                if idleSince == 0 { idleSince = now; continue }
                guard now - idleSince > Self.spinTime else { continue }
                // sleep; the caller bumps `generation` before it reads `sleepers` (both
                // sequentially consistent), so one of the two sees the other's write
                wake.lock()
                sleepers.add(1, ordering: .sequentiallyConsistent)
                while generation.load(ordering: .sequentiallyConsistent) == seen { wake.wait() }
                sleepers.subtract(1, ordering: .sequentiallyConsistent)
                wake.unlock()
                spins = 0
                idleSince = 0
            }
            seen = generation.load(ordering: .acquiring)
            if index < chunks, let body { body(index) }
            finished.add(1, ordering: .releasing)
        }
    }
}
