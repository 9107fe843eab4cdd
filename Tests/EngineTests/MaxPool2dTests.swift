import Testing
@testable import Engine

@Suite struct MaxPool2dTests {
    @Test(arguments: [(2, nil), (3, 2), (3, 1)] as [(Int, Int?)])
    func gradientsMatchFiniteDifferences(kernel: Int, stride: Int?) throws {
        // Distinct values 0.1 apart: no ties and no argmax switch within ±h.
        var rng = SeededGenerator(seed: UInt64(kernel))
        let count = 2 * 3 * 7 * 7
        let values = (0..<count).map { Float($0) * 0.1 - 10 }.shuffled(using: &rng)
        let pool = try MaxPool2d(kernelSize: kernel, stride: stride)
        GradientCheck().check(pool, input: Tensor(shape: [2, 3, 7, 7], data: values), rng: &rng)
    }

    @Test func defaultsAndFloorMode() throws {
        let pool = try MaxPool2d(kernelSize: 2)
        #expect(pool.stride == 2)
        let y = pool.forward(Tensor(shape: [1, 1, 5, 5], data: (0..<25).map(Float.init)))
        #expect(y == Tensor(shape: [1, 1, 2, 2], data: [6, 8, 16, 18]))   // last row/column dropped
    }

    @Test func tiesGoToTheFirstMaximumAsInPyTorch() throws {
        for f in LayerFixtures.shared.maxpool {
            let pool = try MaxPool2d(kernelSize: f.kernel, stride: f.stride)
            let y = pool.forward(Tensor(shape: f.x_shape, data: f.x))
            #expect(y.shape == f.y_shape)
            #expect(y.data == f.y)
            let dx = pool.backward(Tensor(shape: f.y_shape, data: f.dy))
            #expect(dx.data == f.dx, "kernel \(f.kernel) stride \(f.stride)")
        }
    }

    @Test func allEqualWindowRoutesToTopLeft() throws {
        let pool = try MaxPool2d(kernelSize: 2)
        _ = pool.forward(Tensor(repeating: 1, shape: [1, 1, 2, 2]))
        #expect(pool.backward(Tensor(shape: [1, 1, 1, 1], data: [5])).data == [5, 0, 0, 0])
    }

    @Test func nanWinsAndTheLastNaNTakesTheGradientAsInPyTorch() throws {
        // torch: max_pool2d of [[1, nan], [nan, 5]] and [[nan, 2], [3, 1]] is nan, nan with
        // x.grad = [0, 0, 1, 0] and [1, 0, 0, 0]
        let pool = try MaxPool2d(kernelSize: 2)
        let y = pool.forward(Tensor(shape: [2, 1, 2, 2], data: [1, .nan, .nan, 5, .nan, 2, 3, 1]))
        #expect(y.data.allSatisfy { $0.isNaN })
        #expect(pool.backward(Tensor(repeating: 1, shape: [2, 1, 1, 1])).data == [0, 0, 1, 0, 1, 0, 0, 0])
    }

    @Test func rejectsBadArguments() {
        #expect(throws: LayerError.self) { try MaxPool2d(kernelSize: 0) }
        #expect(throws: LayerError.self) { try MaxPool2d(kernelSize: 2, stride: 0) }
    }

    /// The 2×2 fast path (four lanes, the last block of a row overlapping; scalar below 4 outputs)
    /// against a plain reading of torch's rule, with ties, −∞ and NaNs, on rows of 3, 4, 5, 7
    /// (the deep model's 14 → 7), 10 and 12 outputs (odd input widths drop their last column).
    /// The gradient of a random dy lands on each window's first maximum (its last NaN); without
    /// gradients the output is the same.
    @Test(arguments: [6, 9, 11, 14, 20, 25])
    func twoByTwoLanesMatchTheScalarRule(width: Int) throws {
        var rng = SeededGenerator(seed: UInt64(width))
        let (n, c, h) = (2, 3, 6)
        var x = randomTensor([n, c, h, width], &rng)
        for i in 0..<x.count {
            switch rng.next() % 10 {
            case 0: x.data[i] = .nan
            case 1, 2: x.data[i] = 0.5       // ties
            case 3: x.data[i] = -.infinity
            default: break
            }
        }
        let pool = try MaxPool2d(kernelSize: 2)
        let y = pool.forward(x)
        let (ho, wo) = (h / 2, width / 2)
        let dy = randomTensor([n, c, ho, wo], &rng)
        let dx = pool.backward(dy)
        var expectedDx = [Float](repeating: 0, count: x.count)
        for plane in 0..<(n * c) {
            for oh in 0..<ho {
                for ow in 0..<wo {
                    var (best, at) = (-Float.infinity, plane * h * width + 2 * oh * width + 2 * ow)
                    for ki in 0..<2 {
                        for kj in 0..<2 {
                            let i = plane * h * width + (2 * oh + ki) * width + 2 * ow + kj
                            if x.data[i] > best || x.data[i].isNaN { (best, at) = (x.data[i], i) }
                        }
                    }
                    let got = y.data[(plane * ho + oh) * wo + ow]
                    #expect(got == best || (got.isNaN && best.isNaN), "plane \(plane) (\(oh), \(ow))")
                    expectedDx[at] += dy.data[(plane * ho + oh) * wo + ow]
                }
            }
        }
        #expect(dx.data == expectedDx)
        let free = GradientMode.disabled { pool.forward(x) }
        #expect(free.data.map(\.bitPattern) == y.data.map(\.bitPattern))
    }
}
