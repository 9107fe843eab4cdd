import Foundation
import Testing
@testable import Engine

/// PyTorch reference values from `Fixtures/bn_fixtures.json` (made by `make_bn_fixtures.py`).
struct BNFixtures: Decodable {
    struct Step: Decodable {
        let mode: String
        let shape: [Int]
        let x, y, dy, dx, dweight, dbias: [Float]
        let running_mean, running_var: [Float]?
        let num_batches_tracked: Int?
    }
    struct Running: Decodable {
        let momentum: Float?
        let track: Bool
        let channels: Int
        let weight, bias: [Float]
        let steps: [Step]
        let state_dict_keys: [String]
    }
    struct Batch: Decodable { let shape: [Int]; let x: [Float] }
    struct Recalibration: Decodable {
        let dropout: Bool
        let training_after: Bool
        let state: [String: [Float]]
        let batches: [Batch]
        let after: [String: [Float]]
        let momenta: [Float?]
        let probe, probe_logits: [Float]
    }
    struct Group: Decodable {
        let groups, channels: Int
        let shape: [Int]
        let weight, bias, x, y, dy, dx, dweight, dbias: [Float]
    }
    struct ErrorCase: Decodable { let shape: [Int]; let training: Bool; let error: String? }

    let running: [Running]
    let recalibration: [Recalibration]
    let group: [Group]
    let errors: [String: ErrorCase]

    static let shared: BNFixtures = {
        let url = Bundle.module.url(forResource: "bn_fixtures", withExtension: "json", subdirectory: "Fixtures")!
        return try! JSONDecoder().decode(BNFixtures.self, from: Data(contentsOf: url))
    }()
}

/// BatchNorm's running-statistics options, recalibration, GroupNorm's groups and the single-value
/// error, against PyTorch 2.13 (outputs within 1e-5 + 1e-5·|y|, gradients within 2e-5).
@Suite struct BatchNormBehaviourTests {
    static let f = BNFixtures.shared

    @Test(arguments: 0..<3)
    func runningStatisticsOptionsMatchPyTorch(index: Int) {
        let c = Self.f.running[index]
        let bn = BatchNorm2d(numFeatures: c.channels, momentum: c.momentum, trackRunningStats: c.track)
        bn.weight!.value = Tensor(shape: [c.channels], data: c.weight)
        bn.bias!.value = Tensor(shape: [c.channels], data: c.bias)
        let what = "momentum \(c.momentum.map { "\($0)" } ?? "None") track \(c.track)"
        #expect(bn.namedParameters().map(\.0) + bn.namedBuffers().map(\.0) == c.state_dict_keys, "\(what) state_dict keys")
        for (k, s) in c.steps.enumerated() {
            s.mode == "train" ? bn.train() : bn.eval()
            bn.weight!.grad.zero(); bn.bias!.grad.zero()
            let y = bn.forward(Tensor(shape: s.shape, data: s.x))
            let dx = bn.backward(Tensor(shape: s.shape, data: s.dy))
            expectClose(y.data, s.y, "\(what) step \(k) y")
            expectClose(dx.data, s.dx, atol: 2e-5, "\(what) step \(k) dx")
            expectClose(bn.weight!.grad.data, s.dweight, atol: 2e-5, "\(what) step \(k) dweight")
            expectClose(bn.bias!.grad.data, s.dbias, atol: 2e-5, "\(what) step \(k) dbias")
            if let m = s.running_mean, let v = s.running_var, let n = s.num_batches_tracked {
                expectClose(bn.runningMean.value.data, m, "\(what) step \(k) running_mean")
                expectClose(bn.runningVar.value.data, v, "\(what) step \(k) running_var")
                #expect(Int(bn.numBatchesTracked.value.data[0]) == n, "\(what) step \(k) num_batches_tracked")
            }
        }
    }

    @Test func untrackedBatchNormUsesBatchStatisticsInEvaluation() {
        let bn = BatchNorm2d(numFeatures: 2, trackRunningStats: false)
        bn.eval()
        var rng = SeededGenerator(seed: 4)
        let x = randomTensor([3, 2, 2, 2], &rng, scale: 3)
        let y = bn.forward(x)
        #expect(bn.lastForwardUsedBatchStatistics)
        // each channel of the output has mean 0 over the batch
        for ch in 0..<2 {
            var s: Float = 0
            for i in 0..<3 { for j in 0..<4 { s += y.data[(i * 2 + ch) * 4 + j] } }
            #expect(abs(s / 12) < 1e-5)
        }
        #expect(bn.runningMean.value.data == [0, 0] && bn.numBatchesTracked.value.data == [0])
    }

    @Test(arguments: 0..<2)
    func recalibrationMatchesUpdateBN(index: Int) throws {
        let c = Self.f.recalibration[index]
        var rng = SeededGenerator(seed: 1)
        var layers: [any Layer] = [
            try Conv2d(inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, rng: &rng),
            BatchNorm2d(numFeatures: 4, momentum: 0.3), ReLU()]
        if c.dropout { layers.append(try Dropout(p: 0.5, seed: 9)) }
        layers += [Flatten(), try Linear(inFeatures: 100, outFeatures: 6, rng: &rng), BatchNorm1d(numFeatures: 6, momentum: nil)]
        let net = Sequential(layers)
        for (name, p) in net.namedParameters() {
            let v = try #require(c.state[name], "\(name) in fixture")
            p.value = Tensor(shape: p.value.shape, data: v)
        }
        for (name, b) in net.namedBuffers() {
            if name.hasSuffix("num_batches_tracked") { b.value.data[0] = 11; continue }
            let v = try #require(c.state[name], "\(name) in fixture")
            b.value = Tensor(shape: b.value.shape, data: v)
        }
        net.eval()
        updateBatchNorm(net, inputs: c.batches.map { Tensor(shape: $0.shape, data: $0.x) }, dropoutOff: c.dropout)
        for (name, b) in net.namedBuffers() {
            let expected = try #require(c.after[name])
            expectClose(b.value.data, expected, "recalibrated \(name)")
        }
        #expect(net.isTraining == c.training_after)
        #expect(net.namedBatchNorms().map(\.1.momentum) == c.momenta)
        #expect(net.namedBatchNorms().map(\.0) == (c.dropout ? ["1", "6"] : ["1", "5"]))
        let logits = GradientMode.disabled { net.forward(Tensor(shape: [2, 1, 5, 5], data: c.probe)) }
        expectClose(logits.data, c.probe_logits, atol: 2e-5, "logits after recalibration")
    }

    @Test(arguments: 0..<5)
    func groupNormGroupsMatchPyTorch(index: Int) {
        let c = Self.f.group[index]
        let gn = GroupNorm(numGroups: c.groups, numChannels: c.channels)
        gn.weight!.value = Tensor(shape: [c.channels], data: c.weight)
        gn.bias!.value = Tensor(shape: [c.channels], data: c.bias)
        let y = gn.forward(Tensor(shape: c.shape, data: c.x))
        let dx = gn.backward(Tensor(shape: c.shape, data: c.dy))
        let what = "GroupNorm(\(c.groups), \(c.channels))"
        expectClose(y.data, c.y, "\(what) y")
        expectClose(dx.data, c.dx, atol: 2e-5, "\(what) dx")
        expectClose(gn.weight!.grad.data, c.dweight, atol: 2e-5, "\(what) dweight")
        expectClose(gn.bias!.grad.data, c.dbias, atol: 2e-5, "\(what) dbias")
    }

    @Test func deepGroupNormModelUsesTheConfiguredGroups() throws {
        var rng = SeededGenerator(seed: 0)
        let spec = ModelSpec(family: .deep, depth: 3, norm: .group, groups: 4)
        let model = try spec.build(rng: &rng)
        let groups = model.allModules().compactMap { ($0 as? GroupNorm)?.numGroups }
        #expect(groups == [4, 4, 4])
        #expect(throws: ModelError.self) { try ModelSpec(family: .deep, depth: 3, norm: .group, groups: 3).validate() }
    }

    @Test func dropoutArrangementsShareTheirWeights() throws {
        func build(_ placement: DropoutPlacement?, momentum: BatchNormOptions.Momentum = .exponential(0.1)) throws -> Sequential {
            var rng = SeededGenerator(seed: 21)
            return try ModelSpec(family: .deep, depth: 3, norm: .batch, dropout: 0.3, batchNorm: BatchNormOptions(momentum: momentum),
                                 dropoutPlacement: placement).build(rng: &rng)
        }
        let plain = try build(nil), before = try build(.beforeNorm), after = try build(.afterNorm), none = try build(nil, momentum: .cumulative)
        let weights = { (m: Sequential) in m.parameters().map(\.value) }
        #expect(weights(plain) == weights(before) && weights(plain) == weights(after) && weights(plain) == weights(none))
        #expect(before.layers.filter { $0.1 is Dropout }.count == 2 && after.layers.filter { $0.1 is Dropout }.count == 1)
        #expect(none.namedBatchNorms().allSatisfy { $0.1.momentum == nil })
        // the dropout after BN sits just before the classifier
        #expect(after.layers[after.layers.count - 2].1 is Dropout)
    }

    @Test(arguments: ["bn1d_train", "bn1d_eval", "bn1d_untracked_eval", "bn2d_single_image_train", "bn2d_one_pixel_train"])
    func singleValuePerChannelThrowsPyTorchsError(name: String) throws {
        let c = try #require(Self.f.errors[name])
        let bn: BatchNorm = c.shape.count == 2
            ? BatchNorm1d(numFeatures: c.shape[1], trackRunningStats: !name.contains("untracked"))
            : BatchNorm2d(numFeatures: c.shape[1])
        c.training ? bn.train() : bn.eval()
        let x = Tensor(repeating: 0.5, shape: c.shape)
        do {
            _ = try bn.forward(checked: x)
            #expect(c.error == nil, "\(name): PyTorch raised \(c.error ?? "")")
        } catch {
            // PyTorch prints the size as torch.Size([1, 4])
            #expect(c.error == error.description.replacingOccurrences(of: "size [", with: "size torch.Size([") + ")", "\(name)")
        }
        // inside a model too, and the unchecked forward still returns finite values
        let net = Sequential([bn as any Layer])
        let threw = (try? net.forward(checked: x)) == nil, raises = c.error != nil
        #expect(threw == raises)
        let finite = net.forward(x).data.allSatisfy { $0.isFinite }
        #expect(finite)
    }

    @Test func evalModeSingleImageMatchesItsBatchOf1000() throws {
        var rng = SeededGenerator(seed: 7)
        let model = try ModelSpec(family: .convnetBN).build(rng: &rng)
        // running statistics away from their initial values
        for _ in 0..<3 { _ = model.forward(randomTensor([16, 1, 28, 28], &rng)) }
        model.eval()
        let batch = randomTensor([1000, 1, 28, 28], &rng)
        let all = GradientMode.disabled { model.forward(batch) }
        for i in [0, 1, 517, 999] {
            let one = Tensor(shape: [1, 1, 28, 28], data: Array(batch.data[(i * 784)..<((i + 1) * 784)]))
            let alone = GradientMode.disabled { model.forward(one) }
            let inBatch = Array(all.data[(i * 10)..<((i + 1) * 10)])
            let worst = zip(alone.data, inBatch).map { abs($0 - $1) }.max()!
            #expect(worst <= 1e-5, "image \(i): max |Δlogit| \(worst)")
        }
        // in training mode the same image alone gives other logits (its own statistics)
        model.train()
        let one = Tensor(shape: [1, 1, 28, 28], data: Array(batch.data[0..<784]))
        let trainAlone = GradientMode.disabled { model.forward(one) }
        #expect(zip(trainAlone.data, all.data.prefix(10)).map { abs($0 - $1) }.max()! > 1e-3)
    }
}
