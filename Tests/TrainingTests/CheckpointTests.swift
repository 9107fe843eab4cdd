import Datasets
import Engine
import Foundation
import Testing
@testable import Training
import TestSupport

@Suite struct CheckpointTests {
    func fixtureURL(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures"))
    }

    /// A state_dict that PyTorch saved (no bnlab metadata) loads by --model and gives PyTorch's logits.
    @Test func loadsPyTorchWrittenCheckpoint() throws {
        let checkpoint = try Checkpoint.read(from: fixtureURL("torch_convnet_bn"), fallbackSpec: ModelSpec(family: .convnetBN))
        #expect(checkpoint.normalization == nil)
        let reference = try SafeTensors(contentsOf: fixtureURL("torch_convnet_bn_logits"))
        checkpoint.model.eval()
        let logits = checkpoint.model.forward(try reference.tensor("images"))
        let expected = try reference.tensor("logits")
        let worst = zip(logits.data, expected.data).map { abs($0 - $1) }.max() ?? .infinity
        #expect(logits.shape == expected.shape)
        #expect(worst <= 1e-4, "max |Δlogit| \(worst)")
        // The running statistics came from the file, not the initial ones.
        let bn = try #require(checkpoint.model.child(named: "bn1") as? BatchNorm2d)
        #expect(bn.numBatchesTracked.value.data[0] == 5)
    }

    /// Writing and reading back preserves every tensor bit for bit and describes the model.
    @Test func roundTripWithMetadata() throws {
        var rng = SeededGenerator(seed: 3)
        let spec = ModelSpec(family: .deep, depth: 3, norm: .batch)
        let model = try spec.build(rng: &rng)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-ckpt-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(spec: spec, normalization: .fashionMNIST, model: model).write(to: url, version: "test")
        let back = try Checkpoint.read(from: url)
        #expect(back.spec == spec)
        #expect(back.normalization == .fashionMNIST)
        let a = Checkpoint.stateDict(of: model), b = Checkpoint.stateDict(of: back.model)
        #expect(a == b)
        #expect(a["1.num_batches_tracked"]?.dtype == "I64")
    }

    /// The recurrent models round-trip too: per-step statistics ([steps, hidden], int64 counts per
    /// step), the permutation seed and the hidden size in the metadata, and the same logits after trained steps.
    @Test(arguments: [ModelSpec.Family.rnn, .rnnBNShared, .rnnBNStep, .rnnLN])
    func recurrentRoundTrip(family: ModelSpec.Family) throws {
        var rng = SeededGenerator(seed: 4)
        let spec = ModelSpec(family: family, inputShape: [1, 6, 5], classes: 3, hiddenSize: 7, permutationSeed: 11)
        let model = try spec.build(rng: &rng)
        let x = Tensor(shape: [4, 1, 6, 5], data: (0..<120).map { _ in rng.uniform(-1, 1) })
        _ = model.forward(x)   // training mode: the running statistics move
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-rnn-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Checkpoint(spec: spec, normalization: nil, model: model).write(to: url)
        let back = try Checkpoint.read(from: url)
        #expect(back.spec == spec)
        #expect(Checkpoint.stateDict(of: model) == Checkpoint.stateDict(of: back.model))
        if family == .rnnBNStep {
            #expect(Checkpoint.stateDict(of: model)["rnn.bn_hh.num_batches_tracked"]?.dtype == "I64")
        }
        model.eval(); back.model.eval()
        #expect(model.forward(x) == back.model.forward(x))
    }

    @Test func rejectsMismatchedArchitectureWithNames() throws {
        let url = try fixtureURL("torch_convnet_bn")
        #expect(throws: CheckpointError.self) { try Checkpoint.read(from: url) }  // no metadata, no --model
        do {
            _ = try Checkpoint.read(from: url, fallbackSpec: ModelSpec(family: .convnet))
            Issue.record("loaded a BN checkpoint as convnet")
        } catch let error as CheckpointError {
            #expect(error.description.contains("unexpected bn1.bias"))
        }
    }

    @Test func malformedFileGivesClearError() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-bad-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data("not a checkpoint".utf8).write(to: url)
        do {
            _ = try Checkpoint.read(from: url, fallbackSpec: ModelSpec(family: .convnetBN))
            Issue.record("read garbage")
        } catch let error as SafeTensorsError {
            #expect(!error.description.isEmpty)
        }
    }

    /// Metadata is input: sizes are bounded before anything is built, and the normalisation must fit the model.
    @Test func metadataIsCheckedBeforeBuilding() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-meta-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        func message(spec: String, normalization: String? = nil) throws -> String {
            var metadata = ["bnlab.spec": spec]
            metadata["bnlab.normalization"] = normalization
            try SafeTensors(tensors: [:], metadata: metadata).write(to: url)
            do { _ = try Checkpoint.read(from: url); return "accepted" } catch { return "\(error)" }
        }
        let huge = #"{"family":"convnet","inputShape":[1,60000,60000],"depth":2,"norm":"none","dropout":0,"classes":10}"#
        #expect(try message(spec: huge).contains("at most 64 channels of 1024×1024"))
        let classes = #"{"family":"convnet","inputShape":[1,28,28],"depth":2,"norm":"none","dropout":0,"classes":1099511627776}"#
        #expect(try message(spec: classes).contains("classes must be at most 100,000"))
        let fine = #"{"family":"convnet","inputShape":[1,28,28],"depth":2,"norm":"none","dropout":0,"classes":10}"#
        let threeChannels = #"{"mean":[0.1,0.2,0.3],"std":[1,1,1]}"#
        #expect(try message(spec: fine, normalization: threeChannels).contains("3 means and 3 standard deviations"))
    }
}
