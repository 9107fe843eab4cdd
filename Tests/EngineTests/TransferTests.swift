import Foundation
import Testing
import Training
@testable import Engine

/// Fine-tuning against PyTorch (transfer_steps and transfer_load fixtures,
/// `Fixtures/make_transfer_fixtures.py`): frozen parameters, BatchNorm in eval mode while the rest
/// trains, a replaced head, and `load_state_dict`'s strict and non-strict loading.
@Suite struct TransferTests {
    /// The source model (10-class head) with the fixture's pretrained state, its head replaced
    /// by the fixture's new 5-class head.
    func model(_ f: SafeTensors) throws -> Sequential {
        var rng = SeededGenerator(seed: 1)
        let m = try ModelSpec(family: .convnetBN).build(rng: &rng)
        try m.loadStateDict(Dictionary(uniqueKeysWithValues: f.names.filter { $0.hasPrefix("source.") }.map {
            (String($0.dropFirst(7)), f[$0]!)
        }))
        let head = try Linear(inFeatures: 1568, outFeatures: 5, rng: &rng)
        head.weight.value = try f.tensor("head.weight")
        head.bias!.value = try f.tensor("head.bias")
        try m.replaceChild("fc", with: head)
        #expect(m.child(named: "fc") === head)
        return m
    }

    /// Sets a scenario up as the script does (after `model.train()`).
    func setUp(_ scenario: String, _ m: Sequential) {
        let backbone = ["conv1", "bn1", "conv2", "bn2"].map { m.child(named: $0)! }
        m.train()
        if scenario == "recipe" || scenario == "frozen_bn_train" { for l in backbone { l.setRequiresGrad(false) } }
        if scenario == "recipe" { for (_, bn) in m.namedBatchNorms() { bn.eval() } }
        if scenario == "bn_affine" { for name in ["conv1", "conv2"] { m.child(named: name)!.setRequiresGrad(false) } }
    }

    @Test(arguments: ["recipe", "bn_affine", "frozen_bn_train", "refreeze"], [1, 2])
    func threeFineTuningStepsMatchPyTorch(scenario: String, threads: Int) throws {
        try Threads.with(threads) {
            let f = try fixture("transfer_steps")
            let m = try model(f)
            setUp(scenario, m)
            let (x, y) = (try f.tensor("x"), try f.int64s("y").map(Int32.init))
            let sgd = try SGD(parameters: m.parameters(), lr: 0.05, momentum: 0.9, weightDecay: 1e-3)
            let expectedLosses = try f.tensor("\(scenario).loss").data
            for step in 0..<3 {
                if scenario == "refreeze" && step == 1 { m.child(named: "conv1")!.setRequiresGrad(false) }
                sgd.zeroGrad()
                let batch = Tensor(shape: [16, 1, 28, 28], data: Array(x.data[(step * 16 * 784)..<((step + 1) * 16 * 784)]))
                let logits = m.forward(batch)
                let (loss, dLogits) = try crossEntropy(logits: logits, labels: Array(y[(step * 16)..<((step + 1) * 16)]))
                #expect(abs(loss - expectedLosses[step]) < 1e-4, "\(scenario) step \(step + 1) loss \(loss) vs \(expectedLosses[step])")
                _ = m.backward(dLogits)
                sgd.step()
            }
            for (name, p) in m.namedParameters() {
                // torch leaves a frozen parameter's grad None; here it stays zero
                if let g = f["\(scenario).grad.\(name)"] {
                    expectClose(p.grad, g.floatTensor, atol: 2e-5, rtol: 1e-3, "\(scenario) grad \(name)")
                } else {
                    #expect(!p.requiresGrad && p.grad == Tensor(zeros: p.value.shape), "\(scenario) \(name) has a gradient")
                }
                expectClose(p.value, try f.tensor("\(scenario).step3.\(name)"), atol: 2e-5, rtol: 1e-4, "\(scenario) \(name)")
            }
            for (name, b) in m.namedBuffers() {
                expectClose(b.value, try f.tensor("\(scenario).step3.\(name)"), atol: 2e-5, rtol: 1e-4, "\(scenario) \(name)")
            }
        }
    }

    /// The recipe's backbone is bit-for-bit the source's after training: frozen weights, BN in eval.
    @Test func recipeLeavesTheBackboneAndItsStatisticsExactlyAlone() throws {
        let f = try fixture("transfer_steps")
        let m = try model(f)
        setUp("recipe", m)
        let before = Checkpoint.stateDict(of: m)
        let sgd = try SGD(parameters: m.parameters(), lr: 0.05, momentum: 0.9, weightDecay: 1e-3)
        let x = try f.tensor("x")
        for _ in 0..<2 {
            sgd.zeroGrad()
            let logits = m.forward(x)
            let (_, d) = try crossEntropy(logits: logits, labels: try f.int64s("y").map(Int32.init))
            #expect(m.backward(d) == Tensor(zeros: x.shape))   // stopped below the head
            sgd.step()
        }
        let after = Checkpoint.stateDict(of: m)
        for key in before.keys where !key.hasPrefix("fc.") { #expect(after[key] == before[key], "\(key) changed") }
        #expect(after["fc.weight"] != before["fc.weight"])
        #expect(sgd.momentumBuffer(for: (m.child(named: "conv1") as! Conv2d).weight) == nil)
    }

    /// Freezing changes nothing but the frozen parameters: the trainable ones get the gradients
    /// a fully trainable twin computes, whichever layers backward can skip.
    @Test func frozenLayersPassTheSameGradientsThrough() throws {
        let f = try fixture("transfer_steps")
        let (a, b) = (try model(f), try model(f))
        (a.child(named: "conv2") as! Conv2d).setRequiresGrad(false)
        (a.child(named: "conv1") as! Conv2d).setRequiresGrad(false)
        let x = Tensor(shape: [16, 1, 28, 28], data: Array(try f.tensor("x").data[..<(16 * 784)]))
        let y = Array(try f.int64s("y").map(Int32.init)[..<16])
        for m in [a, b] {
            m.train()
            let (_, d) = try crossEntropy(logits: m.forward(x), labels: y)
            _ = m.backward(d)
        }
        for ((name, p), (_, q)) in zip(a.namedParameters(), b.namedParameters()) {
            if name.hasPrefix("conv") { #expect(p.grad == Tensor(zeros: p.value.shape), "\(name)") } else { #expect(p.grad == q.grad, "\(name)") }
        }
    }

    // MARK: - load_state_dict

    struct LoadCases: Decodable {
        struct BackboneOnly: Decodable { var strict_error: String; var missing_keys: [String]; var unexpected_keys: [String] }
        struct SizeMismatch: Decodable { var error: String }
        struct NoNumBatchesTracked: Decodable {
            var missing_keys: [String]; var unexpected_keys: [String]
            var bn1_num_batches_tracked: Int; var bn2_num_batches_tracked: Int; var source_num_batches_tracked: Int
        }
        var backbone_only: BackboneOnly
        var size_mismatch: SizeMismatch
        var no_num_batches_tracked: NoNumBatchesTracked
    }

    func loadCases() throws -> LoadCases {
        let url = try #require(Bundle.module.url(forResource: "transfer_load", withExtension: "json", subdirectory: "Fixtures"))
        return try JSONDecoder().decode(LoadCases.self, from: Data(contentsOf: url))
    }

    func sourceDict() throws -> [String: StoredTensor] {
        let f = try fixture("transfer_steps")
        return Dictionary(uniqueKeysWithValues: f.names.filter { $0.hasPrefix("source.") }.map { (String($0.dropFirst(7)), f[$0]!) })
    }

    func fiveClassModel() throws -> Sequential {
        var rng = SeededGenerator(seed: 2)
        return try ModelSpec(family: .convnetBN, classes: 5).build(rng: &rng)
    }

    /// PyTorch's message without its class name and `torch.Size`, on one line.
    func plain(_ torch: String) -> String {
        torch.replacingOccurrences(of: "torch.Size(", with: "").replacingOccurrences(of: "])", with: "]")
            .replacingOccurrences(of: " \n\t", with: " ").replacingOccurrences(of: "\n\t", with: " ")
            .replacingOccurrences(of: "Error(s) in loading state_dict for Net: ", with: "Error(s) in loading state_dict: ")
            .trimmingCharacters(in: .whitespaces)
    }

    @Test func strictLoadingNamesMissingAndUnexpectedKeysAsPyTorch() throws {
        let cases = try loadCases()
        var dict = try sourceDict().filter { !$0.key.hasPrefix("fc.") }
        dict["head.weight"] = .float(Tensor(zeros: [5, 1568]))
        let m = try fiveClassModel()
        let before = Checkpoint.stateDict(of: m)
        let error = try #require(throws: StateDictError.self) { try m.loadStateDict(dict) }
        #expect(error.keys.missingKeys == cases.backbone_only.missing_keys)
        #expect(error.keys.unexpectedKeys == cases.backbone_only.unexpected_keys)
        #expect(error.description == plain(cases.backbone_only.strict_error))
        #expect(Checkpoint.stateDict(of: m) == before, "a failed load changed the model")

        let keys = try m.loadStateDict(dict, strict: false)
        #expect(keys.missingKeys == cases.backbone_only.missing_keys && keys.unexpectedKeys == cases.backbone_only.unexpected_keys)
        let after = Checkpoint.stateDict(of: m)
        for (key, value) in dict where key != "head.weight" { #expect(after[key]?.floatTensor == value.floatTensor, "\(key)") }
        #expect(after["fc.weight"] == before["fc.weight"])
    }

    @Test func shapeMismatchFailsEvenWhenNotStrict() throws {
        let cases = try loadCases()
        let m = try fiveClassModel()
        let before = Checkpoint.stateDict(of: m)
        let error = try #require(throws: StateDictError.self) { try m.loadStateDict(try sourceDict(), strict: false) }
        #expect(error.sizeMismatches.map(\.key) == ["fc.weight", "fc.bias"])
        #expect(error.description == plain(cases.size_mismatch.error))
        #expect(Checkpoint.stateDict(of: m) == before)
    }

    @Test func missingNumBatchesTrackedKeepsTheBufferAsPyTorch() throws {
        let c = try loadCases().no_num_batches_tracked
        let m = try fiveClassModel()
        m.namedBatchNorms()[0].1.numBatchesTracked.value = Tensor(scalar: 7)
        var dict = try sourceDict().filter { !$0.key.hasSuffix("num_batches_tracked") && !$0.key.hasPrefix("fc.") }
        for (k, v) in Checkpoint.stateDict(of: m.child(named: "fc")!) { dict["fc." + k] = v }
        let keys = try m.loadStateDict(dict)
        #expect(keys.missingKeys == c.missing_keys && keys.unexpectedKeys == c.unexpected_keys)
        #expect(m.namedBatchNorms().map { Int($0.1.numBatchesTracked.value.data[0]) } == [c.bn1_num_batches_tracked, c.bn2_num_batches_tracked])
        // a dict that has them loads them
        try m.loadStateDict(try sourceDict().filter { !$0.key.hasPrefix("fc.") }.merging(dict) { a, _ in a })
        #expect(Int(m.namedBatchNorms()[0].1.numBatchesTracked.value.data[0]) == c.source_num_batches_tracked)
    }

    @Test func replacingAnUnknownChildThrowsAndDropsTheOldHooks() throws {
        let m = try fiveClassModel()
        var rng = SeededGenerator(seed: 3)
        #expect(throws: LayerError.unknownLayer("head")) { try m.replaceChild("head", with: ReLU()) }
        var calls = 0
        try m.registerForwardHook("fc") { _ in calls += 1 }
        _ = m.forward(Tensor(zeros: [2, 1, 28, 28]))
        try m.replaceChild("fc", with: try Linear(inFeatures: 1568, outFeatures: 3, rng: &rng))
        let y = m.forward(Tensor(zeros: [2, 1, 28, 28]))
        #expect(calls == 1 && y.shape == [2, 3])
        #expect(m.namedParameters().map(\.0).suffix(2) == ["fc.weight", "fc.bias"])
    }
}
