import Testing
@testable import Engine

@Suite struct LinearTests {
    @Test(arguments: [true, false])
    func gradientsMatchFiniteDifferences(bias: Bool) throws {
        var rng = SeededGenerator(seed: bias ? 1 : 2)
        let linear = try Linear(inFeatures: 7, outFeatures: 4, bias: bias, rng: &rng)
        GradientCheck().check(linear, input: randomTensor([5, 7], &rng), rng: &rng)
    }

    @Test func forwardAndBackwardMatchPyTorch() throws {
        let f = LayerFixtures.shared.linear
        var rng = SeededGenerator(seed: 0)
        let linear = try Linear(inFeatures: 5, outFeatures: 3, rng: &rng)
        #expect(linear.namedParameters().map(\.0) == ["weight", "bias"])
        #expect(linear.weight.value.shape == [3, 5])
        linear.weight.value = Tensor(shape: [3, 5], data: f.weight)
        linear.bias!.value = Tensor(shape: [3], data: f.bias)
        let y = linear.forward(Tensor(shape: [4, 5], data: f.x))
        expectClose(y.data, f.y, "y")
        let dx = linear.backward(Tensor(shape: [4, 3], data: f.dy))
        expectClose(dx.data, f.dx, "dx")
        expectClose(linear.weight.grad.data, f.dweight, "dweight")
        expectClose(linear.bias!.grad.data, f.dbias, "dbias")
    }

    @Test func rejectsBadArguments() {
        var rng = SeededGenerator(seed: 3)
        #expect(throws: LayerError.self) { try Linear(inFeatures: 0, outFeatures: 2, rng: &rng) }
    }
}
