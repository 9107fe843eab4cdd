import Testing
@testable import Engine

/// `GradientMode.disabled` (PyTorch's `no_grad`): layers keep no activations for backward and drop
/// the ones they had, BatchNorm and ReLU compute in a handed-over input's storage, and every output
/// is bit-identical to the recording forward.
@Suite struct GradientModeTests {
    // MARK: - No cached activations

    /// Conv2d, BatchNorm and Linear hold their input for backward when recording (in training and
    /// in evaluation mode); a no-grad forward holds nothing and lets go of the input they had.
    @Test(arguments: [true, false])
    func inputCachingLayersKeepNothingWithoutGradients(training: Bool) throws {
        var rng = SeededGenerator(seed: 1)
        let cases: [(any Layer, [Int])] = [
            (try Conv2d(inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, rng: &rng), [2, 2, 6, 6]),
            (BatchNorm2d(numFeatures: 2), [3, 2, 4, 4]),
            (BatchNorm1d(numFeatures: 4), [5, 4]),
            (try Linear(inFeatures: 4, outFeatures: 3, rng: &rng), [5, 4]),
        ]
        for (layer, shape) in cases {
            let name = "\(type(of: layer)) training \(training)"
            training ? layer.train() : layer.eval()
            var first = randomTensor(shape, &rng)
            _ = layer.forward(first)
            #expect(!ownsStorage(&first), "\(name): a recording forward keeps its input")
            var second = randomTensor(shape, &rng)
            _ = layer.forward(second)
            var third = randomTensor(shape, &rng)
            _ = GradientMode.disabled { layer.forward(third) }
            #expect(ownsStorage(&second), "\(name): the recorded input is released")
            #expect(ownsStorage(&third), "\(name): the no-grad input is not kept")
        }
    }

    /// ReLU keeps its output, and GroupNorm, LayerNorm and InstanceNorm2d keep x̂ (their output
    /// without affine parameters); a no-grad forward keeps neither.
    @Test func outputCachingLayersKeepNothingWithoutGradients() {
        var rng = SeededGenerator(seed: 2)
        let cases: [(any Layer, [Int])] = [
            (ReLU(), [2, 3, 4, 4]),
            (GroupNorm(numGroups: 1, numChannels: 3, affine: false), [2, 3, 4, 4]),
            (LayerNorm(normalizedShape: [4], elementwiseAffine: false), [2, 3, 4]),
            (InstanceNorm2d(numFeatures: 3), [2, 3, 4, 4]),
        ]
        for (layer, shape) in cases {
            let name = "\(type(of: layer))"
            let x = randomTensor(shape, &rng)
            var first = layer.forward(x)
            #expect(!ownsStorage(&first), "\(name): a recording forward keeps its output")
            var second = layer.forward(x)
            var third = GradientMode.disabled { layer.forward(x) }
            #expect(ownsStorage(&second), "\(name): the recorded output is released")
            #expect(ownsStorage(&third), "\(name): the no-grad output is not kept")
        }
    }

    @Test func poolingDropoutAndRNNCellKeepNothingWithoutGradients() throws {
        var rng = SeededGenerator(seed: 3)
        let x = randomTensor([2, 3, 4, 4], &rng)
        let pool = try MaxPool2d(kernelSize: 2)
        _ = pool.forward(x)
        #expect(pool.argmax.count == 2 * 3 * 2 * 2)
        _ = GradientMode.disabled { pool.forward(x) }
        #expect(pool.argmax.isEmpty)

        let dropout = try Dropout(p: 0.5, seed: 1)
        _ = dropout.forward(x)
        #expect(dropout.mask.count == x.count)
        dropout.eval()
        _ = dropout.forward(x)
        #expect(dropout.mask.isEmpty)

        let cell = RNNCell(inputSize: 2, hiddenSize: 3, rng: &rng)
        let input = randomTensor([4, 2], &rng)
        _ = GradientMode.disabled { cell.forward(input) }
        #expect(cell.pendingSteps == 0)
        _ = cell.forward(input)
        #expect(cell.pendingSteps == 1)
    }

    // MARK: - In place

    /// BatchNorm in evaluation and ReLU write into the storage of a tensor handed over to them,
    /// bit-identical to the recording forward; a caller that keeps its tensor finds it intact.
    @Test(arguments: [1, 2])
    func batchNormAndReLUComputeInTheHandedOverStorage(threads: Int) throws {
        var rng = SeededGenerator(seed: 4)
        let bn = BatchNorm2d(numFeatures: 4)
        bn.weight!.value = randomTensor([4], &rng)
        bn.bias!.value = randomTensor([4], &rng)
        for _ in 0..<3 { _ = bn.forward(randomTensor([6, 4, 5, 5], &rng, scale: 2)) }   // running statistics
        let net = try Sequential([("bn", bn), ("relu", ReLU())])
        net.eval()
        let x = randomTensor([6, 4, 5, 5], &rng, scale: 2)
        let saved = bits(x)
        let expected = net.forward(x)
        #expect(expected.data.contains(0) && expected.data.contains { $0 > 0 })

        Threads.with(threads) {
            let (y, inPlace) = GradientMode.disabled { () -> (Tensor, Bool) in
                let h = Tensor(shape: x.shape, data: x.data.map { $0 })   // storage of its own
                let address = h.data.withUnsafeBufferPointer { $0.baseAddress }
                let y = net.forward(consuming: consume h)
                return (y, y.data.withUnsafeBufferPointer { $0.baseAddress } == address)
            }
            #expect(inPlace)
            #expect(bits(y) == bits(expected))
            let kept = GradientMode.disabled { net.forward(x) }
            #expect(bits(kept) == bits(expected))
            #expect(bits(x) == saved)
            #expect(bn.numBatchesTracked.value.data == [3])   // evaluation leaves the statistics alone
        }
    }

    // MARK: - Whole models

    /// Each model family and normalisation: a no-grad evaluation forward gives the recording
    /// forward's logits bit for bit and leaves the input intact; training afterwards gives the same
    /// gradients as a twin that never evaluated.
    @Test(arguments: [ModelSpec(family: .convnetBN, inputShape: [1, 12, 12]),
                      ModelSpec(family: .convnetBNDropout, inputShape: [1, 12, 12]),
                      ModelSpec(family: .deep, inputShape: [1, 12, 12], depth: 3, norm: .batch),
                      ModelSpec(family: .deep, inputShape: [1, 12, 12], depth: 3, norm: .group),
                      ModelSpec(family: .deep, inputShape: [1, 12, 12], depth: 3, norm: .layer),
                      ModelSpec(family: .deep, inputShape: [1, 12, 12], depth: 3, norm: .instance),
                      ModelSpec(family: .deep, inputShape: [1, 12, 12], depth: 3, norm: .none)])
    func noGradEvaluationIsBitIdenticalAndLeavesTrainingAlone(spec: ModelSpec) throws {
        var (r1, r2, rng) = (SeededGenerator(seed: 5), SeededGenerator(seed: 5), SeededGenerator(seed: 6))
        let (model, twin) = (try spec.build(rng: &r1), try spec.build(rng: &r2))
        let warm = randomTensor([8, 1, 12, 12], &rng)
        _ = model.forward(warm)            // training mode: running statistics and dropout masks move
        _ = twin.forward(warm)

        model.eval()
        let x = randomTensor([5, 1, 12, 12], &rng)
        let saved = bits(x)
        let recorded = model.forward(x)
        let free = GradientMode.disabled { model.forward(x) }
        #expect(bits(free) == bits(recorded), "\(spec)")
        #expect(bits(x) == saved, "\(spec): the caller's input is untouched")

        model.train()
        let batch = randomTensor([8, 1, 12, 12], &rng)
        let labels = (0..<8).map { Int32($0 % 10) }
        for m in [model, twin] {
            let (_, dLogits) = try crossEntropy(logits: m.forward(batch), labels: labels)
            _ = m.backward(dLogits)
        }
        #expect(model.parameters().map { bits($0.grad) } == twin.parameters().map { bits($0.grad) }, "\(spec)")
    }
}

// MARK: - Helpers

/// Whether nothing but `t` holds its storage: a write through `t` keeps the same buffer, where
/// copy-on-write would move a shared one (which `t` then owns alone).
private func ownsStorage(_ t: inout Tensor) -> Bool {
    let before = t.data.withUnsafeBufferPointer { $0.baseAddress }
    let after = t.data.withUnsafeMutableBufferPointer { UnsafePointer($0.baseAddress) }
    return before == after
}

private func bits(_ t: Tensor) -> [UInt32] { t.data.map(\.bitPattern) }
