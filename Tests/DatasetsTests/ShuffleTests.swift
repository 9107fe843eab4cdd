import Engine
import Testing
@testable import Datasets

@Suite struct ShuffleTests {
    @Test func permutationIsDeterministicFromSeed() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let pa = Shuffle.permutation(1000, using: &a)
        #expect(pa == Shuffle.permutation(1000, using: &b))
        #expect(pa != Shuffle.permutation(1000, using: &c))
        #expect(pa.sorted() == Array(0..<1000))
        // Pinned so that a change to the algorithm (or the generator) is noticed.
        var pinned = SeededGenerator(seed: 7)
        #expect(Shuffle.permutation(10, using: &pinned) == [1, 8, 3, 0, 4, 5, 9, 6, 2, 7])
    }

    @Test func fisherYatesIsUniformOverSmallPermutations() {
        var rng = SeededGenerator(seed: 1)
        var counts: [[Int]: Int] = [:]
        for _ in 0..<6000 { counts[Shuffle.permutation(3, using: &rng), default: 0] += 1 }
        #expect(counts.count == 6)
        // Each of the 6 orders expects 1000 (σ ≈ 29); 150 is over 5σ.
        #expect(counts.values.allSatisfy { abs($0 - 1000) < 150 })
    }

    @Test func belowStaysInRangeWithoutBias() {
        var rng = SeededGenerator(seed: 3)
        var counts = [Int](repeating: 0, count: 3)
        for _ in 0..<30000 { counts[Shuffle.below(3, using: &rng)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10000) < 400 })
        #expect((0..<1000).allSatisfy { _ in Shuffle.below(1, using: &rng) == 0 })
    }
}
