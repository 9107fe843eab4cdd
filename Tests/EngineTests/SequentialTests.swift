import Testing
@testable import Engine

@Suite struct SequentialTests {
    /// conv1 → relu1 → pool1 → flatten → fc on [N, 2, 8, 8] images, 3 classes.
    static func smallNet(_ rng: inout SeededGenerator) throws -> Sequential {
        try Sequential([
            ("conv1", try Conv2d(inChannels: 2, outChannels: 4, kernelSize: 3, padding: 1, rng: &rng)),
            ("relu1", ReLU()),
            ("pool1", try MaxPool2d(kernelSize: 2)),
            ("flatten", Flatten()),
            ("fc", try Linear(inFeatures: 4 * 4 * 4, outFeatures: 3, rng: &rng)),
        ])
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        // A weight step moves every conv output, so ±h must cross no ReLU or pooling kink
        // anywhere in the batch: a small net, a small h and a seed whose kinks are ≥ 10·h away.
        var rng = SeededGenerator(seed: 9)
        let net = try Sequential([
            ("conv1", try Conv2d(inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1, rng: &rng)),
            ("relu1", ReLU()),
            ("pool1", try MaxPool2d(kernelSize: 2)),
            ("flatten", Flatten()),
            ("fc", try Linear(inFeatures: 2 * 3 * 3, outFeatures: 3, rng: &rng)),
        ])
        let x = randomTensor([2, 1, 6, 6], &rng)
        let h: Float = 1e-3
        #expect(Self.kinkMargin(net.child(named: "conv1")!.forward(x)) > 10 * h)
        GradientCheck(h: h).check(net, input: x, rng: &rng)
    }

    /// The smallest distance of a conv output `[N, C, H, W]` from ReLU's kink at 0, or between
    /// the two largest positive values of a 2×2 pooling window.
    static func kinkMargin(_ y: Tensor) -> Float {
        let (h, w) = (y.shape[2], y.shape[3])
        var margin = y.data.map(abs).min()!
        for plane in 0..<(y.shape[0] * y.shape[1]) {
            for oh in 0..<(h / 2) {
                for ow in 0..<(w / 2) {
                    let window = [(0, 0), (0, 1), (1, 0), (1, 1)]
                        .map { max(0, y.data[plane * h * w + (2 * oh + $0.0) * w + 2 * ow + $0.1]) }
                        .sorted(by: >)
                    if window[0] > 0 { margin = min(margin, window[0] - window[1]) }
                }
            }
        }
        return margin
    }

    @Test func namesFollowPyTorch() throws {
        var rng = SeededGenerator(seed: 1)
        let net = try Self.smallNet(&rng)
        #expect(net.namedParameters().map(\.0) == ["conv1.weight", "conv1.bias", "fc.weight", "fc.bias"])
        let unnamed = Sequential([try Linear(inFeatures: 2, outFeatures: 2, rng: &rng), ReLU(),
                                  try Linear(inFeatures: 2, outFeatures: 1, bias: false, rng: &rng)])
        #expect(unnamed.namedParameters().map(\.0) == ["0.weight", "0.bias", "2.weight"])
        let nested = try Sequential([("features", net), ("head", ReLU())])
        #expect(nested.namedParameters().first?.0 == "features.conv1.weight")
        #expect(nested.child(named: "features.pool1") is MaxPool2d)
        #expect(net.child(named: "fc") is Linear)
        #expect(net.child(named: "bn1") == nil)
    }

    @Test func hooksSeeEachChildInputAndOutput() throws {
        var rng = SeededGenerator(seed: 2)
        let net = try Self.smallNet(&rng)
        var seen: [String: ([Int], [Int])] = [:]
        var calls: [String: ForwardHookCall] = [:]
        for name in ["conv1", "relu1", "pool1", "fc"] {
            try net.registerForwardHook(name) { call in
                seen[call.name] = (call.input.shape, call.output.shape)
                calls[call.name] = call
            }
        }
        let x = randomTensor([5, 2, 8, 8], &rng)
        let y = net.forward(x)
        #expect(seen.mapValues { [$0.0, $0.1] } == [
            "conv1": [[5, 2, 8, 8], [5, 4, 8, 8]], "relu1": [[5, 4, 8, 8], [5, 4, 8, 8]],
            "pool1": [[5, 4, 8, 8], [5, 4, 4, 4]], "fc": [[5, 64], [5, 3]],
        ])
        let (conv, relu) = (try #require(calls["conv1"]), try #require(calls["relu1"]))
        #expect(conv.input == x)
        #expect(conv.module === net.child(named: "conv1"))
        // relu1's input is conv1's output, un-rectified; its output is the rectified tensor
        #expect(relu.input == conv.output)
        #expect(relu.input.data.contains { $0 < 0 })
        #expect(relu.output.data == conv.output.data.map { max(0, $0) })
        #expect(calls["fc"]?.output == y)
    }

    @Test func hooksRunInOrderUntilRemoved() throws {
        var rng = SeededGenerator(seed: 3)
        let net = try Self.smallNet(&rng)
        var order: [String] = []
        let first = try net.registerForwardHook("pool1") { _ in order.append("first") }
        let second = try net.registerForwardHook("pool1") { _ in order.append("second") }
        let x = randomTensor([2, 2, 8, 8], &rng)
        _ = net.forward(x)
        #expect(order == ["first", "second"])
        first.remove()
        _ = net.forward(x)
        #expect(order == ["first", "second", "second"])
        first.remove()   // a second removal does nothing
        second.remove()
        _ = net.forward(x)
        #expect(order.count == 3)
        #expect(net.fused == [0])   // with its hooks gone, conv1 fuses with relu1 again
    }

    @Test func hooksReachNestedLayersByPath() throws {
        var rng = SeededGenerator(seed: 4)
        let inner = try Self.smallNet(&rng)
        let net = try Sequential([("features", inner), ("head", ReLU())])
        var names: [String] = []
        var reluInput: Tensor?
        let handle = try net.registerForwardHook("features.relu1") { call in
            names.append(call.name)
            reluInput = call.input
            #expect(call.module is ReLU)
        }
        _ = net.forward(randomTensor([2, 2, 8, 8], &rng))
        #expect(names == ["features.relu1"])
        #expect(reluInput?.shape == [2, 4, 8, 8])
        #expect(inner.fused.isEmpty)   // the inner Sequential runs the pair, so it unfuses it
        handle.remove()
        _ = net.forward(randomTensor([2, 2, 8, 8], &rng))
        #expect(names.count == 1)
        #expect(throws: LayerError.unknownLayer("features.bn9")) { try net.registerForwardHook("features.bn9") { _ in } }
        #expect(throws: LayerError.unknownLayer("head.x")) { try net.registerForwardHook("head.x") { _ in } }
        #expect(throws: LayerError.unknownLayer("")) { try net.registerForwardHook("") { _ in } }
    }

    @Test func trainAndEvalReachChildren() throws {
        let dropout = try Dropout(p: 0.5, seed: 1)
        let net = try Sequential([("inner", try Sequential([("drop", dropout)]))])
        net.eval()
        #expect(!dropout.isTraining)
        net.train()
        #expect(dropout.isTraining)
    }

    @Test func rejectsDuplicateOrDottedNames() {
        #expect(throws: LayerError.self) { try Sequential([("a", ReLU()), ("a", ReLU())]) }
        #expect(throws: LayerError.self) { try Sequential([("a.b", ReLU())]) }
    }

    // MARK: - Fusion with the ReLU that follows

    /// conv → [bn] → relu → conv → [bn] → relu: the first convolution on the im2col path, the
    /// second on the Winograd path.
    static func fusableNet(batchNorm: Bool, _ rng: inout SeededGenerator) throws -> Sequential {
        var layers: [(String, any Layer)] = []
        for (i, inputs) in [2, 8].enumerated() {
            layers.append(("conv\(i)", try Conv2d(inChannels: inputs, outChannels: 8, kernelSize: 3, padding: 1, rng: &rng)))
            if batchNorm { layers.append(("bn\(i)", BatchNorm2d(numFeatures: 8))) }
            layers.append(("relu\(i)", ReLU()))
        }
        return try Sequential(layers)
    }

    /// A fused pair (BatchNorm or Conv2d, then ReLU) is bit-identical to the layers run one by
    /// one, in training and evaluation mode, forward and backward, on 1 and 2 threads; a hook on
    /// the first layer of a pair turns fusion off.
    @Test(arguments: [(true, true, 1), (true, true, 2), (true, false, 1), (false, true, 1), (false, true, 2)])
    func fusedPairsMatchTheLayersOneByOne(batchNorm: Bool, training: Bool, threads: Int) throws {
        var rng = SeededGenerator(seed: 11)
        let fused = try Self.fusableNet(batchNorm: batchNorm, &rng)
        rng = SeededGenerator(seed: 11)
        let plain = try Self.fusableNet(batchNorm: batchNorm, &rng)
        for net in [fused, plain] {
            // non-trivial affine parameters, so the mask depends on γ and β
            for (name, p) in net.namedParameters() where name.hasPrefix("bn") {
                p.value = Tensor(shape: p.value.shape, data: (0..<p.value.count).map { Float($0 % 3) * 0.5 - 0.4 })
            }
            if training { net.train() } else { net.eval() }
        }
        let x = randomTensor([4, 2, 7, 6], &rng), dy = randomTensor([4, 8, 7, 6], &rng)
        try Threads.with(threads) {
            let y = fused.forward(x)
            var h = x
            for (_, layer) in plain.layers { h = layer.forward(h) }
            #expect(y == h)
            #expect(y.data.contains(0) && y.data.contains { $0 > 0 })
            let dx = fused.backward(dy)
            var g = dy
            for (_, layer) in plain.layers.reversed() { g = layer.backward(g) }
            #expect(dx == g)
            for ((name, a), (_, b)) in zip(fused.namedParameters(), plain.namedParameters()) {
                #expect(a.grad == b.grad, "\(name)")
            }
            for ((name, a), (_, b)) in zip(fused.namedBuffers(), plain.namedBuffers()) {
                #expect(a.value == b.value, "\(name)")
            }
            // with a hook on the last pair's first layer, it runs unfused and the hook sees
            // the un-rectified output
            let hooked = batchNorm ? "bn1" : "conv1"
            var seen: Tensor?
            let handle = try fused.registerForwardHook(hooked) { seen = $0.output }
            let again = fused.forward(x)
            let firstOutput = try #require(seen)
            #expect(firstOutput.data.contains { $0 < 0 })
            #expect(again.data.allSatisfy { $0 >= 0 })
            handle.remove()
        }
    }

    /// conv → norm → relu → conv → norm → relu with GroupNorm, LayerNorm or InstanceNorm2d
    /// (affine; InstanceNorm with running statistics, so evaluation uses them).
    static func normNet(_ kind: NormKind, _ rng: inout SeededGenerator) throws -> Sequential {
        var layers: [(String, any Layer)] = []
        for (i, inputs) in [2, 8].enumerated() {
            layers.append(("conv\(i)", try Conv2d(inChannels: inputs, outChannels: 8, kernelSize: 3, padding: 1, rng: &rng)))
            let norm: any Layer = switch kind {
            case .group: GroupNorm(numGroups: 4, numChannels: 8)
            case .layer: LayerNorm(normalizedShape: [8, 7, 6])
            default: InstanceNorm2d(numFeatures: 8, affine: true, trackRunningStats: true)
            }
            layers.append(("norm\(i)", norm))
            layers.append(("relu\(i)", ReLU()))
        }
        return try Sequential(layers)
    }

    /// GroupNorm, LayerNorm and InstanceNorm2d fused with their ReLU are bit-identical to the
    /// layers one by one, forward and backward, on 1 and 2 threads.
    @Test(arguments: [NormKind.group, .layer, .instance], [true, false])
    func fusedNormPairsMatchTheLayersOneByOne(kind: NormKind, training: Bool) throws {
        for threads in [1, 2] {
            var rng = SeededGenerator(seed: 13)
            let fused = try Self.normNet(kind, &rng)
            rng = SeededGenerator(seed: 13)
            let plain = try Self.normNet(kind, &rng)
            for net in [fused, plain] {
                for (name, p) in net.namedParameters() where name.hasPrefix("norm") {
                    p.value = Tensor(shape: p.value.shape, data: (0..<p.value.count).map { Float($0 % 3) * 0.5 - 0.4 })
                }
                if training { net.train() } else { net.eval() }
            }
            let x = randomTensor([4, 2, 7, 6], &rng), dy = randomTensor([4, 8, 7, 6], &rng)
            try Threads.with(threads) {
                let y = fused.forward(x)
                #expect(fused.fused == [1, 4])
                var h = x
                for (_, layer) in plain.layers { h = layer.forward(h) }
                #expect(y == h)
                #expect(y.data.contains(0) && y.data.contains { $0 > 0 })
                let dx = fused.backward(dy)
                var g = dy
                for (_, layer) in plain.layers.reversed() { g = layer.backward(g) }
                #expect(dx == g)
                for ((name, a), (_, b)) in zip(fused.namedParameters(), plain.namedParameters()) {
                    #expect(a.grad == b.grad, "\(name)")
                }
            }
        }
    }

    /// A norm layer's output and gradients do not depend on the thread count (rows are whole to
    /// one thread; γ and β gradients are summed in sample order).
    @Test(arguments: [NormKind.group, .layer, .instance], [true, false])
    func normLayersAreIndependentOfTheThreadCount(kind: NormKind, rectified: Bool) throws {
        var results: [[Tensor]] = []
        for threads in [1, 2, 3] {
            var rng = SeededGenerator(seed: 14)
            let net = try Self.normNet(kind, &rng)
            let layer = try #require(net.child(named: "norm1"))
            for (_, p) in layer.namedParameters() { p.value = randomTensor(p.value.shape, &rng) }
            let x = randomTensor([5, 8, 7, 6], &rng), dy = randomTensor([5, 8, 7, 6], &rng)
            try Threads.with(threads) {
                let fusable = try #require(layer as? any ReLUFusable)
                let y = fusable.forward(consuming: x, rectified: rectified)
                let dx = layer.backward(dy)
                results.append([y, dx] + layer.namedParameters().map(\.1.grad))
            }
        }
        #expect(results[0] == results[1] && results[0] == results[2])
    }

    /// Only a pair with a hooked layer (either one) runs unfused; every output, gradient and
    /// buffer stays bit-identical to the unhooked network, with and without gradient recording.
    @Test(arguments: [["relu0"], ["bn1"], ["bn0", "relu1"]])
    func hooksUnfuseOnlyTheirPair(hooked: [String]) throws {
        var rng = SeededGenerator(seed: 12)
        let watched = try Self.fusableNet(batchNorm: true, &rng)
        rng = SeededGenerator(seed: 12)
        let plain = try Self.fusableNet(batchNorm: true, &rng)
        let x = randomTensor([4, 2, 7, 6], &rng), dy = randomTensor([4, 8, 7, 6], &rng)
        var calls = 0
        for name in hooked { try watched.registerForwardHook(name) { _ in calls += 1 } }

        let y = watched.forward(x)
        #expect(y == plain.forward(x))
        // layers 0 conv0, 1 bn0, 2 relu0, 3 conv1, 4 bn1, 5 relu1: BatchNorms fuse with their ReLU
        let pairs = [1: ["bn0", "relu0"], 4: ["bn1", "relu1"]]
        #expect(watched.fused == Set(pairs.filter { Set($0.value).isDisjoint(with: hooked) }.keys))
        #expect(plain.fused == [1, 4])
        #expect(calls == hooked.count)
        #expect(watched.backward(dy) == plain.backward(dy))
        for ((name, a), (_, b)) in zip(watched.namedParameters(), plain.namedParameters()) {
            #expect(a.grad == b.grad, "\(name)")
        }
        for ((name, a), (_, b)) in zip(watched.namedBuffers(), plain.namedBuffers()) {
            #expect(a.value == b.value, "\(name)")
        }
        // without gradients, holding a hooked layer's input costs a copy but changes nothing
        watched.eval(); plain.eval()
        let (evalWatched, evalPlain) = GradientMode.disabled { (watched.forward(x), plain.forward(x)) }
        #expect(evalWatched == evalPlain)
        #expect(calls == 2 * hooked.count)
    }
}
