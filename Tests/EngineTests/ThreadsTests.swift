import Dispatch
import Testing
@testable import Engine

@Suite struct ThreadsTests {
    @Test(arguments: [1, 2, 3])
    func chunksCoverEveryIndexOnceInOrder(threads: Int) {
        for n in [0, 1, 2, 5, 128] {
            let chunks = Threads.with(threads) { () -> [Range<Int>] in
                var ranges = [Range<Int>](repeating: 0..<0, count: chunkCount(n))
                ranges.withUnsafeMutableBufferPointer { r in
                    let r = r.baseAddress!
                    parallelChunks(n) { chunk, range in r[chunk] = range }
                }
                return ranges
            }
            #expect(chunks.count == max(1, min(threads, n)), "n \(n)")
            #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == n, "n \(n): \(chunks)")
            #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound }, "n \(n): \(chunks)")
        }
    }

    /// Regions from several threads at once: one holds the awake workers (`WorkerPool`), the
    /// others fall back to `concurrentPerform`; every index is visited once, by its own chunk.
    @Test func regionsFromSeveralCallersAtOnceVisitEveryIndexOnce() {
        let failures = Mismatches()
        DispatchQueue.concurrentPerform(iterations: 4) { caller in
            Threads.with(2 + caller % 2) {
                for round in 0..<300 {
                    let n = 5 + (round + caller) % 40
                    var owner = [Int](repeating: -1, count: n)
                    owner.withUnsafeMutableBufferPointer { o in
                        let o = o.baseAddress!
                        parallelChunks(n) { chunk, range in for i in range { o[i] = o[i] == -1 ? chunk : -2 } }
                    }
                    let t = chunkCount(n)
                    let expected = (0..<n).map { i in (0..<t).first { c in (n * c / t ..< n * (c + 1) / t).contains(i) }! }
                    if owner != expected { failures.add() }
                }
            }
        }
        #expect(failures.count == 0)
    }

    /// A region started inside another region's chunk runs (on concurrentPerform) and returns.
    @Test func nestedRegionsComplete() {
        let total = Threads.with(2) { () -> Int in
            var sums = [Int](repeating: 0, count: 2)
            sums.withUnsafeMutableBufferPointer { s in
                let s = s.baseAddress!
                parallelChunks(2) { chunk, _ in
                    var inner = [Int](repeating: 0, count: 10)
                    inner.withUnsafeMutableBufferPointer { p in
                        let p = p.baseAddress!
                        parallelChunks(10) { _, range in for i in range { p[i] = i } }
                    }
                    s[chunk] = inner.reduce(0, +)
                }
            }
            return sums.reduce(0, +)
        }
        #expect(total == 90)
    }

    /// Elementwise passes split only when each chunk gets at least `minimumChunk` elements.
    @Test func minimumChunkKeepsSmallPassesOnOneThread() {
        func chunks(_ n: Int, _ minimum: Int) -> Int {
            Threads.with(3) {
                var seen = [Bool](repeating: false, count: 3)
                seen.withUnsafeMutableBufferPointer { s in
                    let s = s.baseAddress!
                    parallelChunks(n, minimumChunk: minimum) { chunk, _ in s[chunk] = true }
                }
                return seen.filter { $0 }.count
            }
        }
        #expect(chunks(100, 64) == 1)
        #expect(chunks(130, 64) == 2)
        #expect(chunks(1000, 64) == 3)
    }

    @Test func scopedCountOverridesTheProcessSetting() {
        #expect(Threads.with(3) { Threads.count } == 3)
        #expect(Threads.with(0) { Threads.count } == 1)
    }

    /// OpenBLAS pinned to one thread per caller, called from four threads at once, gives the same
    /// bits as the same products computed one after another (what `--jobs` relies on).
    @Test func concurrentSingleThreadedSGEMMMatchesSequential() {
        BLAS.setThreads(1)
        var rng = SeededGenerator(seed: 7)
        let (m, n, k, jobs, reps) = (64, 80, 96, 4, 25)
        let a = (0..<jobs).map { _ in randomTensor([m, k], &rng).data }
        let b = (0..<jobs).map { _ in randomTensor([k, n], &rng).data }
        @Sendable func product(_ j: Int) -> [Float] {
            var c = [Float](repeating: 0, count: m * n)
            a[j].withUnsafeBufferPointer { a in
            b[j].withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                BLAS.sgemm(m: m, n: n, k: k, a: a.baseAddress!, lda: k, b: b.baseAddress!, ldb: n,
                           c: c.baseAddress!, ldc: n)
            }
            }
            }
            return c
        }
        let sequential = (0..<jobs).map(product)
        let mismatches = Mismatches()
        DispatchQueue.concurrentPerform(iterations: jobs) { j in
            for _ in 0..<reps where product(j) != sequential[j] { mismatches.add() }
        }
        #expect(mismatches.count == 0)
    }
}

/// A counter shared by concurrent test workers.
private final class Mismatches: @unchecked Sendable {
    private var value = 0
    private let queue = DispatchQueue(label: "mismatches")
    func add() { queue.sync { value += 1 } }
    var count: Int { queue.sync { value } }
}
