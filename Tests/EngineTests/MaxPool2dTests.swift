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
}
