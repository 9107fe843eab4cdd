import Testing
@testable import Engine

@Suite struct TensorTests {
    @Test func shapeAndIndexing() {
        var t = Tensor(zeros: [2, 3, 4])
        t[1, 2, 3] = 5
        #expect(t.data[1 * 12 + 2 * 4 + 3] == 5)
        #expect(t.count == 24)
        #expect(t.reshaped([6, 4])[5, 3] == 5)
    }

    @Test func generatorIsDeterministicAndRoughlyNormal() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        let xs = (0..<20_000).map { _ in a.normal() }
        let ys = (0..<20_000).map { _ in b.normal() }
        #expect(xs == ys)
        let mean = xs.reduce(0, +) / Float(xs.count)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(xs.count)
        #expect(abs(mean) < 0.03)
        #expect(abs(variance - 1) < 0.05)
    }
}
