import Testing
@testable import Engine

/// The Winograd path against the direct sum (im2col), which the PyTorch fixtures pin.
@Suite struct WinogradTests {
    /// Two convolutions with the same parameters, one on each path.
    private func pair(_ c: Int, _ o: Int, bias: Bool = true, seed: UInt64) throws -> (fast: Conv2d, direct: Conv2d) {
        var rng = SeededGenerator(seed: seed)
        let fast = try Conv2d(inChannels: c, outChannels: o, kernelSize: 3, padding: 1, bias: bias, rng: &rng)
        let direct = try Conv2d(inChannels: c, outChannels: o, kernelSize: 3, padding: 1, bias: bias, rng: &rng)
        direct.weight.value = fast.weight.value
        if bias { direct.bias!.value = fast.bias!.value }
        direct.algorithm = .im2col
        return (fast, direct)
    }

    @Test func appliesOnlyToThreeByThreeStrideOnePaddingOneWithChannelsInEights() throws {
        var rng = SeededGenerator(seed: 1)
        #expect(try Conv2d(inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1, rng: &rng).usesWinograd)
        #expect(try !Conv2d(inChannels: 1, outChannels: 16, kernelSize: 3, padding: 1, rng: &rng).usesWinograd)
        #expect(try !Conv2d(inChannels: 16, outChannels: 32, kernelSize: 3, padding: 0, rng: &rng).usesWinograd)
        #expect(try !Conv2d(inChannels: 16, outChannels: 32, kernelSize: 3, stride: 2, padding: 1, rng: &rng).usesWinograd)
        #expect(try !Conv2d(inChannels: 16, outChannels: 12, kernelSize: 3, padding: 1, rng: &rng).usesWinograd)
        let forced = try Conv2d(inChannels: 16, outChannels: 32, kernelSize: 3, padding: 1, rng: &rng)
        forced.algorithm = .im2col
        #expect(!forced.usesWinograd)
    }

    /// Planes whose sides are multiples of 4, and ones that leave partial tiles (7×7 is the deep
    /// model's), one image or several groups of them, one thread or two.
    @Test(arguments: [(8, 16, 4, 4, 2), (16, 32, 14, 14, 3), (32, 32, 7, 7, 70), (8, 8, 5, 9, 2), (16, 8, 1, 3, 1)])
    func matchesTheDirectSum(c: Int, o: Int, h: Int, w: Int, n: Int) throws {
        for threads in [1, 2] {
            let (fast, direct) = try pair(c, o, seed: UInt64(h * 100 + w))
            #expect(fast.usesWinograd && !direct.usesWinograd)
            var rng = SeededGenerator(seed: 7)
            let x = randomTensor([n, c, h, w], &rng), dy = randomTensor([n, o, h, w], &rng)
            let (yf, yd) = Threads.with(threads) { (fast.forward(x), direct.forward(x)) }
            expectClose(yf, yd, atol: 2e-5, rtol: 1e-4, "y")
            let (dxf, dxd) = Threads.with(threads) { (fast.backward(dy), direct.backward(dy)) }
            expectClose(dxf, dxd, atol: 2e-5, rtol: 1e-4, "dx")
            // dW sums n·H·W products of unit-scale values: compare on the scale of the whole tensor
            let (gf, gd) = (fast.weight.grad.data, direct.weight.grad.data)
            let scale = gd.map(abs).max()!, error = zip(gf, gd).map { abs($0 - $1) }.max()!
            #expect(error <= 2e-5 * scale, "dweight: largest error \(error) on a scale of \(scale)")
            #expect(fast.bias!.grad == direct.bias!.grad)
        }
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 3)
        let conv = try Conv2d(inChannels: 8, outChannels: 8, kernelSize: 3, padding: 1, bias: false, rng: &rng)
        #expect(conv.usesWinograd)
        GradientCheck().check(conv, input: randomTensor([2, 8, 6, 5], &rng), rng: &rng)
    }

    @Test func skippedInputGradientKeepsTheWeightGradient() throws {
        let (full, first) = try pair(8, 16, seed: 4)
        first.algorithm = .automatic
        first.computesInputGradient = false
        var rng = SeededGenerator(seed: 5)
        let x = randomTensor([3, 8, 7, 7], &rng), dy = randomTensor([3, 16, 7, 7], &rng)
        _ = (full.forward(x), first.forward(x))
        #expect(full.backward(dy) != Tensor(zeros: x.shape))
        #expect(first.backward(dy) == Tensor(zeros: x.shape))
        #expect(first.weight.grad == full.weight.grad)
    }
}
