import Testing
@testable import Engine

@Suite struct Conv2dTests {
    // MARK: - Gradients by finite differences

    @Test(arguments: [(1, 0, true), (1, 1, true), (2, 0, true), (2, 1, false), (1, 1, false)])
    func gradientsMatchFiniteDifferences(stride: Int, padding: Int, bias: Bool) throws {
        var rng = SeededGenerator(seed: UInt64(10 * stride + padding))
        let conv = try Conv2d(inChannels: 2, outChannels: 3, kernelSize: 3, stride: stride,
                              padding: padding, bias: bias, rng: &rng)
        #expect(conv.namedParameters().map(\.0) == (bias ? ["weight", "bias"] : ["weight"]))
        let x = randomTensor([2, 2, 6, 7], &rng)
        GradientCheck().check(conv, input: x, rng: &rng)
    }

    @Test func gradientsWithPaddingWiderThanTheImage() throws {
        var rng = SeededGenerator(seed: 4)
        let conv = try Conv2d(inChannels: 2, outChannels: 2, kernelSize: 5, padding: 3, rng: &rng)
        GradientCheck().check(conv, input: randomTensor([2, 2, 1, 3], &rng), rng: &rng)
    }

    // MARK: - Against PyTorch

    @Test func forwardAndBackwardMatchPyTorch() throws {
        var rng = SeededGenerator(seed: 0)
        for c in LayerFixtures.shared.conv {
            let conv = try Conv2d(inChannels: c.weight_shape[1], outChannels: c.weight_shape[0],
                                  kernelSize: c.kernel, stride: c.stride, padding: c.padding,
                                  bias: c.bias != nil, rng: &rng)
            conv.weight.value = Tensor(shape: c.weight_shape, data: c.weight)
            if let b = c.bias { conv.bias!.value = Tensor(shape: [b.count], data: b) }
            let y = conv.forward(Tensor(shape: c.x_shape, data: c.x))
            #expect(y.shape == c.y_shape)
            expectClose(y.data, c.y, "y (stride \(c.stride), padding \(c.padding))")
            let dx = conv.backward(Tensor(shape: c.y_shape, data: c.dy))
            expectClose(dx.data, c.dx, "dx")
            expectClose(conv.weight.grad.data, c.dweight, "dweight")
            if let db = c.dbias { expectClose(conv.bias!.grad.data, db, "dbias") }
        }
    }

    @Test func tinyForwardByHand() throws {
        // One 3×3 image of 1…9, a 2×2 all-ones kernel, bias 0.5: each output is a window sum.
        var rng = SeededGenerator(seed: 1)
        let conv = try Conv2d(inChannels: 1, outChannels: 1, kernelSize: 2, rng: &rng)
        conv.weight.value = Tensor(repeating: 1, shape: [1, 1, 2, 2])
        conv.bias!.value = Tensor(shape: [1], data: [0.5])
        let y = conv.forward(Tensor(shape: [1, 1, 3, 3], data: (1...9).map(Float.init)))
        #expect(y == Tensor(shape: [1, 1, 2, 2], data: [12.5, 16.5, 24.5, 28.5]))
    }

    @Test func gradientsAccumulateAndScratchIsReused() throws {
        // Two identical backward passes give exactly twice the first pass's weight gradient.
        var rng = SeededGenerator(seed: 2)
        let conv = try Conv2d(inChannels: 3, outChannels: 4, kernelSize: 3, padding: 1, rng: &rng)
        let x = randomTensor([2, 3, 5, 5], &rng), dy = randomTensor([2, 4, 5, 5], &rng)
        let y1 = conv.forward(x)
        let dx1 = conv.backward(dy)
        let g1 = conv.weight.grad
        #expect(conv.forward(x) == y1)
        #expect(conv.backward(dy) == dx1)
        var twice = g1
        twice.scale(by: 2)
        expectClose(conv.weight.grad.data, twice.data, atol: 1e-6, "accumulated dW")
    }

    @Test func skippingTheInputGradientKeepsWeightGradients() throws {
        var rng = SeededGenerator(seed: 5)
        let full = try Conv2d(inChannels: 1, outChannels: 3, kernelSize: 3, padding: 1, rng: &rng)
        let first = try Conv2d(inChannels: 1, outChannels: 3, kernelSize: 3, padding: 1, rng: &rng)
        first.weight.value = full.weight.value
        first.bias!.value = full.bias!.value
        first.computesInputGradient = false
        let x = randomTensor([2, 1, 5, 5], &rng), dy = randomTensor([2, 3, 5, 5], &rng)
        _ = full.forward(x)
        _ = first.forward(x)
        #expect(full.backward(dy) != Tensor(zeros: [2, 1, 5, 5]))
        #expect(first.backward(dy) == Tensor(zeros: [2, 1, 5, 5]))
        #expect(first.weight.grad == full.weight.grad)
        #expect(first.bias!.grad == full.bias!.grad)
    }

    @Test func rejectsBadArguments() {
        var rng = SeededGenerator(seed: 3)
        #expect(throws: LayerError.self) { try Conv2d(inChannels: 0, outChannels: 4, kernelSize: 3, rng: &rng) }
        #expect(throws: LayerError.self) { try Conv2d(inChannels: 1, outChannels: 4, kernelSize: 3, stride: 0, rng: &rng) }
        #expect(throws: LayerError.self) { try Conv2d(inChannels: 1, outChannels: 4, kernelSize: 3, padding: -1, rng: &rng) }
    }
}
