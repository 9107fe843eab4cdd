import Testing
@testable import Engine

/// ReLU, Flatten and Dropout: layers without weights.
@Suite struct ElementwiseLayerTests {
    // MARK: - ReLU

    @Test func reluGradientMatchesFiniteDifferences() {
        var rng = SeededGenerator(seed: 1)
        // Keep |x| ≥ 0.1 so x ± h never crosses the kink at 0.
        var x = randomTensor([3, 4, 5], &rng)
        for i in 0..<x.count where abs(x.data[i]) < 0.1 { x.data[i] = x.data[i] < 0 ? -0.1 : 0.1 }
        GradientCheck().check(ReLU(), input: x, rng: &rng)
    }

    @Test func reluMatchesPyTorchAtZeroAndNaN() {
        let relu = ReLU()
        let y = relu.forward(Tensor(shape: [4], data: [-1, 0, 2, .nan]))
        #expect(Array(y.data.prefix(3)) == [0, 0, 2])
        #expect(y.data[3].isNaN)   // torch.relu propagates NaN
        #expect(relu.backward(Tensor(repeating: 1, shape: [4])).data == [0, 0, 1, 1])
    }

    // MARK: - Flatten

    @Test func flattenKeepsBatchAndRestoresShape() {
        var rng = SeededGenerator(seed: 2)
        let flatten = Flatten()
        let x = randomTensor([2, 3, 4, 5], &rng)
        let y = flatten.forward(x)
        #expect(y.shape == [2, 60])
        #expect(y.data == x.data)
        #expect(flatten.backward(y).shape == [2, 3, 4, 5])
        GradientCheck().check(flatten, input: x, rng: &rng)
    }

    // MARK: - Dropout

    @Test func dropoutGradientWithReplayedMask() throws {
        var rng = SeededGenerator(seed: 3)
        let dropout = try Dropout(p: 0.4, seed: 9)
        GradientCheck().check(dropout, input: randomTensor([4, 50], &rng), rng: &rng,
                              reset: { dropout.generator = SeededGenerator(seed: 9) })
    }

    @Test func dropoutScalesSurvivorsAndDropsAboutP() throws {
        let dropout = try Dropout(p: 0.25, seed: 4)
        let y = dropout.forward(Tensor(repeating: 1, shape: [100_000]))
        let kept = y.data.filter { $0 != 0 }
        #expect(kept.allSatisfy { $0 == 1 / 0.75 })
        #expect(abs(Double(kept.count) / 100_000 - 0.75) < 0.01)
        // Same seed, same mask.
        #expect(try Dropout(p: 0.25, seed: 4).forward(Tensor(repeating: 1, shape: [100_000])) == y)
    }

    @Test func dropoutIsIdentityInEvalAndRejectsBadP() throws {
        var rng = SeededGenerator(seed: 5)
        let dropout = try Dropout(p: 0.5, seed: 1)
        dropout.eval()
        let x = randomTensor([3, 7], &rng)
        #expect(dropout.forward(x) == x)
        #expect(dropout.backward(x) == x)
        #expect(try Dropout(p: 1, seed: 1).forward(x) == Tensor(zeros: [3, 7]))
        #expect(throws: LayerError.self) { try Dropout(p: 1.5, seed: 1) }
        #expect(throws: LayerError.self) { try Dropout(p: -0.1, seed: 1) }
    }
}
