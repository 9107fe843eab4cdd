import Training
import Testing
@testable import Engine

/// LayerNorm, GroupNorm and InstanceNorm2d.
@Suite struct NormalizationTests {
    // MARK: - Gradient checks

    @Test(arguments: [true, false])
    func layerNormGradients(affine: Bool) {
        var rng = SeededGenerator(seed: 11)
        let ln = LayerNorm(normalizedShape: [3, 4], elementwiseAffine: affine)
        perturb(ln, &rng)
        GradientCheck().check(ln, input: randomTensor([2, 3, 4], &rng, scale: 2), rng: &rng)
    }

    @Test(arguments: [true, false])
    func groupNormGradients(affine: Bool) {
        var rng = SeededGenerator(seed: 12)
        let gn = GroupNorm(numGroups: 2, numChannels: 4, affine: affine)
        perturb(gn, &rng)
        GradientCheck().check(gn, input: randomTensor([2, 4, 3, 3], &rng, scale: 2), rng: &rng)
    }

    @Test(arguments: [(false, false, true), (true, false, true), (true, true, true), (true, true, false)])
    func instanceNormGradients(affine: Bool, tracked: Bool, training: Bool) {
        var rng = SeededGenerator(seed: 13)
        let inorm = InstanceNorm2d(numFeatures: 3, affine: affine, trackRunningStats: tracked)
        perturb(inorm, &rng)
        if tracked {
            for _ in 0..<3 { _ = inorm.forward(randomTensor([2, 3, 3, 3], &rng, scale: 2)) }
        }
        training ? inorm.train() : inorm.eval()
        GradientCheck().check(inorm, input: randomTensor([2, 3, 3, 3], &rng, scale: 2), rng: &rng)
    }

    // MARK: - Semantics

    @Test func layerNormNormalisesEachSampleOverTrailingDims() {
        var rng = SeededGenerator(seed: 14)
        let ln = LayerNorm(normalizedShape: [6])
        let y = ln.forward(randomTensor([4, 6], &rng, scale: 3))
        for r in 0..<4 {
            let row = y.data[r * 6..<(r + 1) * 6].map(Double.init)
            let mean = row.reduce(0, +) / 6
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 6
            #expect(abs(mean) < 1e-6)
            #expect(abs(variance - 1) < 1e-3)
        }
        #expect(ln.namedParameters().map(\.0) == ["weight", "bias"])
    }

    @Test func instanceNormDefaultsMatchPyTorch() {
        let inorm = InstanceNorm2d(numFeatures: 4)
        #expect(inorm.namedParameters().isEmpty)
        #expect(inorm.namedBuffers().isEmpty)
        let tracked = InstanceNorm2d(numFeatures: 4, affine: true, trackRunningStats: true)
        #expect(tracked.namedParameters().map(\.0) == ["weight", "bias"])
        #expect(tracked.namedBuffers().map(\.0) == ["running_mean", "running_var", "num_batches_tracked"])
    }

    // MARK: - PyTorch fixtures

    @Test func layerNormMatchesPyTorch() throws {
        let f = try fixture("norms")
        try compare(LayerNorm(normalizedShape: [4, 5]), f, "layernorm")
    }

    @Test func groupNormMatchesPyTorch() throws {
        let f = try fixture("norms")
        try compare(GroupNorm(numGroups: 2, numChannels: 6), f, "groupnorm")
    }

    @Test func instanceNormMatchesPyTorchInTrainingAndEvaluation() throws {
        let f = try fixture("norms")
        let train = InstanceNorm2d(numFeatures: 3, affine: true, trackRunningStats: true)
        try compare(train, f, "instancenorm")
        expectClose(train.runningMean!.value, try f.tensor("instancenorm.running_mean"), "running_mean")
        expectClose(train.runningVar!.value, try f.tensor("instancenorm.running_var"), "running_var")
        #expect(try f.int64s("instancenorm.num_batches_tracked") == [0])

        let eval = InstanceNorm2d(numFeatures: 3, affine: true, trackRunningStats: true)
        eval.runningMean!.value = try f.tensor("instancenorm_eval.running_mean")
        eval.runningVar!.value = try f.tensor("instancenorm_eval.running_var")
        eval.eval()
        try compare(eval, f, "instancenorm_eval")
    }

    // MARK: - Helpers

    /// Loads weight/bias, runs forward and backward, compares output and every gradient.
    private func compare(_ layer: some Layer, _ f: SafeTensors, _ prefix: String) throws {
        for (name, p) in layer.namedParameters() {
            p.value = try f.tensor("\(prefix).\(name)")
        }
        let y = layer.forward(try f.tensor("\(prefix).x"))
        let dx = layer.backward(try f.tensor("\(prefix).grad_out"))
        expectClose(y, try f.tensor("\(prefix).y"), "\(prefix) y")
        expectClose(dx, try f.tensor("\(prefix).grad_input"), atol: 2e-5, "\(prefix) grad_input")
        for (name, p) in layer.namedParameters() {
            expectClose(p.grad, try f.tensor("\(prefix).grad_\(name)"), atol: 2e-5, "\(prefix) grad_\(name)")
        }
    }

    /// Moves γ and β away from 1 and 0 so their gradients are exercised.
    private func perturb(_ m: some Module, _ rng: inout SeededGenerator) {
        for (_, p) in m.namedParameters() {
            for i in 0..<p.value.count { p.value.data[i] += 0.4 * rng.normal() }
        }
    }
}
