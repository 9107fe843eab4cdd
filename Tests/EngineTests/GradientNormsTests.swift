import Testing
@testable import Engine

@Suite struct GradientNormsTests {
    @Test func totalIsTheNormOfAllGradients() {
        let a = Parameter(Tensor(zeros: [2])), b = Parameter(Tensor(zeros: [1, 1]))
        a.grad = Tensor(shape: [2], data: [3, 4])
        b.grad = Tensor(shape: [1, 1], data: [12])
        #expect(GradientNorms.total([a, b]) == 13)
        let named = GradientNorms.perParameter([("fc.weight", a), ("fc.bias", b)])
        #expect(named.map(\.0) == ["fc.weight", "fc.bias"])
        #expect(named.map(\.1) == [5, 12])
    }

    @Test func totalMatchesPerParameterNormsOfARealBackward() throws {
        var rng = SeededGenerator(seed: 4)
        let net = try SequentialTests.smallNet(&rng)
        let y = net.forward(randomTensor([3, 2, 8, 8], &rng))
        _ = net.backward(try crossEntropy(logits: y, labels: [0, 1, 2]).dLogits)
        let parts = GradientNorms.perParameter(net.namedParameters()).map { Double($0.1) }
        let combined = parts.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(Double(GradientNorms.total(net.parameters())) - combined) < 1e-6 * combined)
        #expect(combined > 0)
    }

    @Test func nonFiniteGradientGivesNonFiniteNorm() {
        let p = Parameter(Tensor(zeros: [2]))
        p.grad = Tensor(shape: [2], data: [.infinity, 1])
        #expect(GradientNorms.total([p]) == .infinity)
    }
}
