import Datasets
import Engine
import Foundation

/// A trained model in a safetensors file with PyTorch's state_dict names and self-describing metadata.
///
/// `__metadata__` keys: `bnlab.model` (e.g. `convnet-bn`), `bnlab.spec` (the ModelSpec as JSON:
/// input shape, depth, norm, dropout, classes), `bnlab.normalization` (per-channel mean and standard
/// deviation applied to pixels scaled to [0, 1], as JSON), `bnlab.version`, and `format: pt` as
/// `safetensors.torch.save_file` writes it.
public struct Checkpoint {
    public var spec: ModelSpec
    /// The input normalisation the model was trained with (nil for a foreign file that has none).
    public var normalization: Normalization?
    public var model: Sequential

    public init(spec: ModelSpec, normalization: Normalization?, model: Sequential) {
        self.spec = spec
        self.normalization = normalization
        self.model = model
    }

    /// The state_dict: every parameter and buffer by dotted name; integer buffers as int64.
    public static func stateDict(of model: some Module) -> [String: StoredTensor] {
        var out: [String: StoredTensor] = [:]
        for (name, p) in model.namedParameters() { out[name] = .float(p.value) }
        for (name, b) in model.namedBuffers() { out[name] = b.isInteger ? .integers(b.value) : .float(b.value) }
        return out
    }

    /// Writes the checkpoint (atomically).
    public func write(to url: URL, version: String = "") throws {
        try safeTensors(version: version).write(to: url)
    }

    /// The file's contents: the state_dict and the metadata (`safeTensors().serialized()` are its bytes).
    public func safeTensors(version: String = "") throws -> SafeTensors {
        let encoder = JSONCoding.encoder(pretty: false)
        var metadata = [
            "format": "pt",
            "bnlab.model": spec.family.rawValue,
            "bnlab.spec": String(decoding: try encoder.encode(spec), as: UTF8.self),
        ]
        if let normalization {
            metadata["bnlab.normalization"] = String(decoding: try encoder.encode(normalization), as: UTF8.self)
        }
        if !version.isEmpty { metadata["bnlab.version"] = version }
        return SafeTensors(tensors: Self.stateDict(of: model), metadata: metadata)
    }

    /// Reads a checkpoint. The architecture comes from the file's metadata, or from `fallbackSpec`
    /// for files without it (e.g. written by PyTorch); every state_dict key must match that
    /// architecture's, with the same shapes.
    public static func read(from url: URL, fallbackSpec: ModelSpec? = nil) throws -> Checkpoint {
        let file = try SafeTensors(contentsOf: url)
        let name = url.lastPathComponent
        let decoder = JSONCoding.decoder()
        let spec: ModelSpec
        if let json = file.metadata["bnlab.spec"] {
            do { spec = try decoder.decode(ModelSpec.self, from: Data(json.utf8)) } catch {
                throw CheckpointError(file: name, message: "its bnlab.spec metadata is not a valid model description (\(error))")
            }
            do { try spec.validate() } catch { throw CheckpointError(file: name, message: error.description) }
        } else if let fallbackSpec {
            spec = fallbackSpec
        } else {
            throw CheckpointError(file: name, message: "it has no bnlab metadata naming its model; pass --model")
        }
        let normalization = try file.metadata["bnlab.normalization"].map { json in
            do { return try decoder.decode(Normalization.self, from: Data(json.utf8)) } catch {
                throw CheckpointError(file: name, message: "its bnlab.normalization metadata is invalid (\(error))")
            }
        }

        if let n = normalization {
            guard n.mean.count == spec.inputShape[0], n.std.count == spec.inputShape[0],
                  n.mean.allSatisfy(\.isFinite), n.std.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw CheckpointError(file: name, message: "its bnlab.normalization metadata has \(n.mean.count) means and \(n.std.count) "
                    + "standard deviations (finite, positive) where the model's \(spec.inputShape[0])-channel input needs one each")
            }
        }
        var rng = SeededGenerator(seed: 0)
        let model = try spec.build(rng: &rng)
        let expected = Set(model.namedParameters().map(\.0) + model.namedBuffers().map(\.0))
        let missing = expected.subtracting(file.tensors.keys).sorted()
        let unexpected = Set(file.tensors.keys).subtracting(expected).sorted()
        guard missing.isEmpty, unexpected.isEmpty else {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
            if !unexpected.isEmpty { parts.append("unexpected \(unexpected.joined(separator: ", "))") }
            throw CheckpointError(file: name, message: "its tensors do not match model \(spec): " + parts.joined(separator: "; "))
        }
        func load(_ key: String, into value: inout Tensor) throws {
            let stored = file.tensors[key]!
            guard stored.shape == value.shape else {
                throw CheckpointError(file: name, message: "\(key) has shape \(stored.shape), model \(spec) needs \(value.shape)")
            }
            value = stored.floatTensor
        }
        for (key, p) in model.namedParameters() { try load(key, into: &p.value) }
        for (key, b) in model.namedBuffers() { try load(key, into: &b.value) }
        return Checkpoint(spec: spec, normalization: normalization, model: model)
    }
}

/// A checkpoint that cannot be used, naming the file and the reason.
public struct CheckpointError: Error, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { "\(file): \(message)" }
}
