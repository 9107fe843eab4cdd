import Training
import Testing
@testable import Engine

/// `Sigmoid` and Ioffe & Szegedy's Figure 1 MLP (`mlp-sigmoid`, `mlp-sigmoid-bn`) against PyTorch
/// (fixtures from `Fixtures/make_mlp_fixtures.py`) and finite differences.
@Suite struct SigmoidMLPTests {
    // MARK: - Sigmoid

    @Test func sigmoidGradientMatchesFiniteDifferences() {
        var rng = SeededGenerator(seed: 31)
        GradientCheck().check(Sigmoid(), input: randomTensor([3, 4, 5], &rng, scale: 2), rng: &rng)
    }

    @Test func sigmoidMatchesPyTorchIncludingSaturation() throws {
        let f = try fixture("sigmoid")
        let layer = Sigmoid()
        let y = layer.forward(try f.tensor("x"))
        expectClose(y, try f.tensor("y"), atol: 1e-7, rtol: 1e-6, "sigmoid y")
        // exp overflows at −90: 1 / (1 + ∞) is exactly 0, as in torch
        #expect(y.data[3] == 0 && y.data[2] == 1)
        expectClose(layer.backward(try f.tensor("dy")), try f.tensor("dx"), atol: 1e-7, rtol: 1e-5, "sigmoid dx")
    }

    @Test func sigmoidPropagatesNaNAndKeepsNothingWithoutGradients() {
        let layer = Sigmoid()
        let y = GradientMode.disabled { layer.forward(Tensor(shape: [3], data: [.nan, 0, -.infinity])) }
        #expect(y.data[0].isNaN && y.data[1] == 0.5 && y.data[2] == 0)
    }

    // MARK: - The MLPs

    /// The model with its state loaded from a fixture's `init.` tensors.
    func model(_ spec: ModelSpec, _ f: SafeTensors) throws -> Sequential {
        var rng = SeededGenerator(seed: 1)
        let model = try spec.build(rng: &rng)
        for (name, p) in model.namedParameters() { p.value = try f.tensor("init." + name) }
        for (name, b) in model.namedBuffers() { b.value = try f.tensor("init." + name) }
        return model
    }

    @Test(arguments: [false, true])
    func stateDictNamesAndOneSGDStepMatchPyTorch(batchNorm: Bool) throws {
        let f = try fixture(batchNorm ? "mlp_sigmoid_bn_step" : "mlp_sigmoid_step")
        let spec = ModelSpec(family: batchNorm ? .mlpSigmoidBN : .mlpSigmoid, weightStd: 0.1)
        let m = try model(spec, f)
        let torchKeys = Set(f.names.filter { $0.hasPrefix("init.") }.map { String($0.dropFirst(5)) })
        #expect(Set(m.namedParameters().map(\.0) + m.namedBuffers().map(\.0)) == torchKeys)

        let x = try f.tensor("x")
        let y = try f.int64s("y").map(Int32.init)
        let sgd = try SGD(parameters: m.parameters(), lr: 0.5, momentum: 0)
        m.train()
        sgd.zeroGrad()
        let logits = m.forward(x)
        expectClose(logits, try f.tensor("logits"), atol: 1e-5, rtol: 1e-4, "logits")
        let (loss, dLogits) = try crossEntropy(logits: logits, labels: y)
        #expect(abs(loss - (try f.tensor("loss")).data[0]) < 1e-5)
        _ = m.backward(dLogits)
        for (name, p) in m.namedParameters() {
            expectClose(p.grad, try f.tensor("grad." + name), atol: 1e-6, rtol: 1e-3, "grad \(name)")
        }
        sgd.step()
        for (name, p) in m.namedParameters() { expectClose(p.value, try f.tensor("step1." + name), atol: 1e-6, rtol: 1e-4, name) }
        for (name, b) in m.namedBuffers() { expectClose(b.value, try f.tensor("step1." + name), atol: 1e-6, rtol: 1e-4, name) }
        sgd.zeroGrad()
        let logits2 = m.forward(x)
        expectClose(logits2, try f.tensor("logits2"), atol: 1e-5, rtol: 1e-4, "step 2 logits")
    }

    @Test func gaussianInitialisationAndTwinsShareWeights() throws {
        let spec = ModelSpec(family: .mlpSigmoid, weightStd: 0.05)
        var a = SeededGenerator(seed: 9), b = SeededGenerator(seed: 9)
        let plain = try spec.build(rng: &a)
        let bn = try spec.withNorm(.batch).build(rng: &b)
        #expect(spec.withNorm(.batch).family == .mlpSigmoidBN)
        #expect(plain.namedParameters().map(\.0) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias", "fc.weight", "fc.bias"])
        for (name, p) in plain.namedParameters() {
            #expect(bn.namedParameters().first { $0.0 == name }?.1.value.data == p.value.data, "\(name) shared")
        }
        let w = plain.namedParameters()[0].1.value.data.map(Double.init)
        let mean = w.reduce(0, +) / Double(w.count)
        let std = (w.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(w.count)).squareRoot()
        #expect(abs(mean) < 0.002 && abs(std - 0.05) < 0.002, "N(0, 0.05²): mean \(mean), std \(std)")
        #expect(plain.namedParameters()[1].1.value.data.allSatisfy { $0 == 0 })
        #expect(spec.description == "mlp-sigmoid-std0.05")
        #expect(throws: ModelError.self) { try ModelSpec(family: .mlpSigmoid, weightStd: -1).validate() }
        // PyTorch's default when no std is given (bias drawn, not zero)
        var c = SeededGenerator(seed: 9)
        #expect(try ModelSpec(family: .mlpSigmoidBN).build(rng: &c).namedParameters()[1].1.value.data.contains { $0 != 0 })
    }
}
