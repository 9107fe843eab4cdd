import Testing
import Training
@testable import Engine

/// The recurrent networks against PyTorch (`Fixtures/make_rnn_fixtures.py`): a 5-step unroll,
/// a linear head and the mean cross-entropy, forward and backward through time, the running
/// statistics after the training pass, and the logits in evaluation mode.
@Suite struct RecurrentFixtureTests {
    static let (steps, batch, input, hidden, classes) = (5, 4, 3, 6, 3)

    private func model(_ family: ModelSpec.Family, steps: Int = steps) throws -> Sequential {
        var rng = SeededGenerator(seed: 0)
        let spec = ModelSpec(family: family, inputShape: [1, steps, Self.input], classes: Self.classes, hiddenSize: Self.hidden)
        return try spec.build(rng: &rng, inputGradient: true)
    }

    /// Loads the fixture's initial parameters, runs forward and backward in training mode and
    /// compares everything the fixture holds; returns the model (now holding PyTorch's running stats).
    @discardableResult
    private func check(_ name: String, _ family: ModelSpec.Family) throws -> (Sequential, SafeTensors) {
        let f = try fixture(name)
        let net = try model(family)
        for (key, p) in net.namedParameters() { p.value = try f.tensor("init." + key) }
        let x = try f.tensor("x").reshaped([Self.batch, 1, Self.steps, Self.input])
        let labels = try f.tensor("y").data.map { Int32($0) }

        var last = Tensor(zeros: [0])
        try net.registerForwardHook("rnn") { last = $0.output }
        let rnn = try #require(net.layers[0].1 as? SequenceRNN)
        var seen: [Int] = []
        rnn.hiddenGradientObserver = { t, _ in seen.append(t) }
        net.train()
        let logits = net.forward(x)
        expectClose(logits, try f.tensor("logits"), atol: 2e-5, "\(name) logits")
        let (loss, dLogits) = try crossEntropy(logits: logits, labels: labels)
        #expect(abs(loss - (try f.tensor("loss")).data[0]) <= 1e-5, "\(name) loss")
        let dx = net.backward(dLogits)
        #expect(seen == [5, 4, 3, 2, 1])
        expectClose(dx, try f.tensor("grad.x").reshaped(dx.shape), atol: 2e-5, rtol: 1e-4, "\(name) grad x")
        for (key, p) in net.namedParameters() {
            expectClose(p.grad, try f.tensor("grad." + key), atol: 2e-5, rtol: 1e-4, "\(name) grad \(key)")
        }
        for (key, b) in net.namedBuffers() where f.tensors["after." + key] != nil {
            expectClose(b.value, try f.tensor("after." + key), atol: 1e-5, "\(name) \(key) after training forward")
        }
        let hiddens = try f.tensor("hiddens")   // [N, T, H]
        var hT: [Float] = []
        for n in 0..<Self.batch {
            let start = (n * Self.steps + Self.steps - 1) * Self.hidden
            hT += hiddens.data[start..<(start + Self.hidden)]
        }
        expectClose(last, Tensor(shape: [Self.batch, Self.hidden], data: hT), atol: 2e-5, "\(name) h_T")
        net.eval()
        let evalLogits = GradientMode.disabled { net.forward(x) }
        expectClose(evalLogits, try f.tensor("eval.logits"), atol: 2e-5, "\(name) logits in evaluation mode")
        return (net, f)
    }

    @Test func plainRNN() throws { try check("rnn_plain", .rnn) }

    /// The deck's BatchNormRNN: one BatchNorm1d called at every step, its running statistics
    /// updated (and num_batches_tracked counted) once per step.
    @Test func deckBatchNormRNN() throws {
        let (net, _) = try check("rnn_bn_shared", .rnnBNShared)
        let tracked = try #require(net.namedBuffers().first { $0.0 == "rnn.bn.num_batches_tracked" }?.1)
        #expect(tracked.value.data == [Float(Self.steps)])
    }

    /// Cooijmans et al.'s per-step BN, and evaluation beyond the steps seen in training: a 7-step
    /// sequence whose steps 5 and 6 reuse the statistics of step 4.
    @Test func perStepBatchNormAndLongerSequences() throws {
        let (net, f) = try check("rnn_bn_step", .rnnBNStep)
        let rnn = try #require(net.layers[0].1 as? SequenceRNN)
        let longer = try Sequential([("rnn", SequenceRNN(cell: rnn.cell, inputShape: [1, 7, Self.input])), ("fc", net.layers[1].1)])
        longer.eval()
        let x7 = try f.tensor("x7").reshaped([Self.batch, 1, 7, Self.input])
        expectClose(GradientMode.disabled { longer.forward(x7) }, try f.tensor("eval7.logits"), atol: 2e-5, "7-step logits in evaluation mode")
    }

    @Test func layerNormRNN() throws { try check("rnn_ln", .rnnLN) }
}

/// Properties of the recurrent layers that need no PyTorch.
@Suite struct RecurrentLayerTests {
    /// Reading the pixels through a permutation is the same as permuting the image first.
    @Test func permutedReadingMatchesAPermutedImage() throws {
        var rng = SeededGenerator(seed: 5)
        let shape = [1, 4, 3]
        let spec = ModelSpec(family: .rnn, inputShape: shape, classes: 2, hiddenSize: 5, permutationSeed: 9)
        let permuted = try spec.build(rng: &rng)
        var rng2 = SeededGenerator(seed: 5)
        var plainSpec = spec
        plainSpec.permutationSeed = nil
        let plain = try plainSpec.build(rng: &rng2)
        let p = SequenceRNN.permutation(count: 12, seed: 9)
        #expect(Set(p) == Set(0..<12) && p != Array(0..<12))
        let x = Tensor(shape: [2] + shape, data: (0..<24).map { _ in rng.uniform(-1, 1) })
        var moved = x
        for n in 0..<2 { for k in 0..<12 { moved.data[n * 12 + k] = x.data[n * 12 + p[k]] } }
        #expect(permuted.forward(x) == plain.forward(moved))
    }

    /// Every family starts from the same W_ih, W_hh and head for a seed; γ of the per-step BN is 0.1.
    @Test func familiesShareInitialWeights() throws {
        var weights: [[Float]] = []
        for family in [ModelSpec.Family.rnn, .rnnBNShared, .rnnBNStep, .rnnLN] {
            var rng = SeededGenerator(seed: 3)
            let net = try ModelSpec(family: family, inputShape: [1, 5, 4], hiddenSize: 8).build(rng: &rng)
            let named = Dictionary(uniqueKeysWithValues: net.namedParameters())
            let wih = named["rnn.weight_ih"] ?? named["rnn.rnn_cell.weight_ih"]
            weights.append(try #require(wih).value.data + named["fc.weight"]!.value.data)
            if family == .rnnBNStep { #expect(named["rnn.bn_hh.weight"]!.value.data.allSatisfy { $0 == 0.1 }) }
        }
        #expect(Set(weights.map { $0.description }).count == 1)
    }

    /// Statistics per step: evaluation with a step limit k normalises every later step with step k − 1's.
    @Test func evaluationStepLimitReusesTheLastAllowedStep() {
        let bn = RecurrentBatchNorm1d(numFeatures: 2, timeSteps: 4)
        bn.runningMean.value = Tensor(shape: [4, 2], data: [0, 0, 1, 1, 2, 2, 3, 3])
        bn.eval()
        #expect((0..<6).map { bn.slot(forStep: $0) } == [0, 1, 2, 3, 3, 3])
        bn.evaluationStepLimit = 2
        #expect((0..<6).map { bn.slot(forStep: $0) } == [0, 1, 1, 1, 1, 1])
        let y = bn.forward(Tensor(repeating: 1, shape: [1, 2]), step: 5)
        #expect(abs(y.data[0]) < 1e-6)   // (1 − mean 1) · …: step 1's statistics
        bn.train()
        #expect(bn.slot(forStep: 5) == 3)
    }

    /// Evaluation keeps no caches; a training forward keeps one per step and backward pops them all.
    @Test func cachesFollowTheSequence() throws {
        var rng = SeededGenerator(seed: 1)
        let net = try ModelSpec(family: .rnnBNStep, inputShape: [1, 6, 4], hiddenSize: 5).build(rng: &rng)
        let cell = try #require((net.layers[0].1 as? SequenceRNN)?.cell as? NormalizedRNNCell)
        let x = Tensor(shape: [3, 1, 6, 4], data: (0..<72).map { _ in rng.uniform(-1, 1) })
        let logits = net.forward(x)
        #expect(cell.pendingSteps == 6)
        _ = net.backward(Tensor(repeating: 0.1, shape: logits.shape))
        #expect(cell.pendingSteps == 0)
        net.eval()
        _ = net.forward(x)
        #expect(cell.pendingSteps == 0)
    }
}
