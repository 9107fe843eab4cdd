import Testing
@testable import Engine

@Suite struct BatchNormTests {
    // MARK: - Gradient checks

    @Test(arguments: [true, false])
    func batchNorm2dGradients(training: Bool) {
        var rng = SeededGenerator(seed: 1)
        let bn = BatchNorm2d(numFeatures: 3)
        randomizeAffine(bn, &rng)
        warmUp(bn, shape: [4, 3, 3, 3], &rng)
        training ? bn.train() : bn.eval()
        let x = randomTensor([4, 3, 3, 3], &rng, scale: 2)
        GradientCheck().check(bn, input: x, rng: &rng)
    }

    @Test(arguments: [[5, 4], [3, 4, 3]], [true, false])
    func batchNorm1dGradients(shape: [Int], training: Bool) {
        var rng = SeededGenerator(seed: 2)
        let bn = BatchNorm1d(numFeatures: 4, momentum: nil)
        randomizeAffine(bn, &rng)
        warmUp(bn, shape: shape, &rng)
        training ? bn.train() : bn.eval()
        GradientCheck().check(bn, input: randomTensor(shape, &rng, scale: 1.5), rng: &rng)
    }

    @Test func withoutAffineHasNoParametersAndStillBackpropagates() {
        var rng = SeededGenerator(seed: 3)
        let bn = BatchNorm2d(numFeatures: 2, affine: false)
        #expect(bn.namedParameters().isEmpty)
        #expect(bn.namedBuffers().map(\.0) == ["running_mean", "running_var", "num_batches_tracked"])
        GradientCheck().check(bn, input: randomTensor([3, 2, 2, 2], &rng), rng: &rng)
    }

    // MARK: - PyTorch fixtures

    @Test(arguments: ["batchnorm2d", "batchnorm1d", "batchnorm1d_ncl"])
    func matchesPyTorch(name: String) throws {
        let f = try fixture(name)
        let momentum = Float(try #require(f.metadata["momentum"].flatMap(Double.init)))
        let c = try f.tensor("weight").count
        let bn: BatchNorm = f.metadata["layer"] == "BatchNorm2d"
            ? BatchNorm2d(numFeatures: c, momentum: momentum) : BatchNorm1d(numFeatures: c, momentum: momentum)
        bn.weight!.value = try f.tensor("weight")
        bn.bias!.value = try f.tensor("bias")

        for step in ["step1", "step2", "eval"] {
            if step == "eval" { bn.eval() }
            bn.weight!.grad.zero(); bn.bias!.grad.zero()
            let y = bn.forward(try f.tensor("\(step).x"))
            let dx = bn.backward(try f.tensor("\(step).grad_out"))
            expectClose(y, try f.tensor("\(step).y"), "\(name) \(step) y")
            expectClose(dx, try f.tensor("\(step).grad_input"), atol: 2e-5, "\(name) \(step) grad_input")
            expectClose(bn.weight!.grad, try f.tensor("\(step).grad_weight"), atol: 2e-5, "\(name) \(step) grad_weight")
            expectClose(bn.bias!.grad, try f.tensor("\(step).grad_bias"), atol: 2e-5, "\(name) \(step) grad_bias")
            if step != "eval" {
                expectClose(bn.runningMean.value, try f.tensor("\(step).running_mean"), "\(name) \(step) running_mean")
                expectClose(bn.runningVar.value, try f.tensor("\(step).running_var"), "\(name) \(step) running_var")
                #expect(try f.int64s("\(step).num_batches_tracked") == [Int64(bn.numBatchesTracked.value.data[0])])
            }
        }

        // momentum = nil: cumulative moving average
        let cma: BatchNorm = f.metadata["layer"] == "BatchNorm2d"
            ? BatchNorm2d(numFeatures: c, momentum: nil) : BatchNorm1d(numFeatures: c, momentum: nil)
        for step in 1...3 {
            _ = cma.forward(try f.tensor("cma\(step).x"))
            expectClose(cma.runningMean.value, try f.tensor("cma\(step).running_mean"), "\(name) cma\(step) running_mean")
            expectClose(cma.runningVar.value, try f.tensor("cma\(step).running_var"), "\(name) cma\(step) running_var")
            #expect(try f.int64s("cma\(step).num_batches_tracked") == [Int64(step)])
        }
    }

    // MARK: - Evaluation mode

    @Test func evalOutputOfOneSampleEqualsItsOutputInABatch() {
        var rng = SeededGenerator(seed: 4)
        let bn = BatchNorm2d(numFeatures: 3)
        randomizeAffine(bn, &rng)
        warmUp(bn, shape: [4, 3, 3, 3], &rng)
        bn.eval()
        let x = randomTensor([5, 3, 3, 3], &rng, scale: 3)
        let batch = bn.forward(x)
        let per = 3 * 3 * 3
        for i in 0..<5 {
            let one = bn.forward(Tensor(shape: [1, 3, 3, 3], data: Array(x.data[i * per..<(i + 1) * per])))
            #expect(one.data == Array(batch.data[i * per..<(i + 1) * per]))
        }
        // and evaluation leaves the running statistics alone
        #expect(bn.numBatchesTracked.value.data[0] == 3)
    }

    @Test func trainingUpdatesRunningStatisticsButEvalDoesNot() {
        var rng = SeededGenerator(seed: 5)
        let bn = BatchNorm1d(numFeatures: 2)
        let x = randomTensor([8, 2], &rng, scale: 2)
        _ = bn.forward(x)
        #expect(bn.runningMean.value != Tensor(zeros: [2]))
        let saved = (bn.runningMean.value, bn.runningVar.value)
        bn.eval()
        _ = bn.forward(x)
        #expect(bn.runningMean.value == saved.0 && bn.runningVar.value == saved.1)
        #expect(bn.numBatchesTracked.value.data[0] == 1)
    }

    // MARK: - One value per channel

    @Test func trainingBatchWithOneValuePerChannelFallsBackToRunningStatistics() {
        var rng = SeededGenerator(seed: 6)
        let bn = BatchNorm1d(numFeatures: 3)
        warmUp(bn, shape: [6, 3], &rng)
        let before = (bn.runningMean.value, bn.runningVar.value, bn.numBatchesTracked.value)
        let x = randomTensor([1, 3], &rng)
        let y = bn.forward(x)
        #expect(!bn.lastForwardUsedBatchStatistics)
        #expect(y.isFinite)
        #expect(bn.runningMean.value == before.0 && bn.runningVar.value == before.1)
        #expect(bn.numBatchesTracked.value == before.2)
        bn.eval()
        #expect(bn.forward(x) == y)

        // BatchNorm2d with N = 1 but H·W > 1 has a spread, so it uses batch statistics (as PyTorch)
        let bn2 = BatchNorm2d(numFeatures: 2)
        _ = bn2.forward(randomTensor([1, 2, 2, 2], &rng))
        #expect(bn2.lastForwardUsedBatchStatistics)
    }

    // MARK: - Helpers

    private func randomizeAffine(_ bn: BatchNorm, _ rng: inout SeededGenerator) {
        for i in 0..<bn.numFeatures {
            bn.weight?.value.data[i] = 1 + 0.5 * rng.normal()
            bn.bias?.value.data[i] = 0.3 * rng.normal()
        }
    }

    /// Three training batches so the running statistics are not the identity.
    private func warmUp(_ bn: BatchNorm, shape: [Int], _ rng: inout SeededGenerator) {
        bn.train()
        for _ in 0..<3 {
            var x = randomTensor(shape, &rng, scale: 2)
            for i in 0..<x.count { x.data[i] += 1 }
            _ = bn.forward(x)
        }
    }
}
