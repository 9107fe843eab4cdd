import Engine

/// The keys `loadStateDict(_:strict:)` did not match, as PyTorch's `_IncompatibleKeys`.
public struct IncompatibleKeys: Equatable, Sendable, CustomStringConvertible {
    /// The model's keys the state dict lacks, in the model's order (`state_dict()` order).
    public var missingKeys: [String]
    /// The state dict's keys the model lacks, sorted.
    public var unexpectedKeys: [String]

    public var isEmpty: Bool { missingKeys.isEmpty && unexpectedKeys.isEmpty }

    public var description: String {
        var parts: [String] = []
        if !missingKeys.isEmpty { parts.append("Missing key(s) in state_dict: \(Self.quoted(missingKeys)).") }
        if !unexpectedKeys.isEmpty { parts.append("Unexpected key(s) in state_dict: \(Self.quoted(unexpectedKeys)).") }
        return parts.isEmpty ? "All keys matched successfully" : parts.joined(separator: " ")
    }

    /// `"a", "b"` as PyTorch lists keys.
    static func quoted(_ keys: [String]) -> String { keys.map { "\"\($0)\"" }.joined(separator: ", ") }
}

/// Why `loadStateDict` loaded nothing: PyTorch's "Error(s) in loading state_dict", on one line.
public struct StateDictError: Error, Equatable, CustomStringConvertible {
    /// A tensor whose shape differs between the state dict and the model.
    public struct SizeMismatch: Equatable, Sendable {
        public var key: String
        public var checkpointShape: [Int]
        public var modelShape: [Int]
    }

    /// Reported only by strict loading (non-strict loading returns them instead).
    public var keys: IncompatibleKeys
    /// Reported whether strict or not, as PyTorch does.
    public var sizeMismatches: [SizeMismatch]

    public var description: String {
        var parts: [String] = []
        if !keys.isEmpty { parts.append(keys.description) }
        for m in sizeMismatches {
            parts.append("size mismatch for \(m.key): copying a param with shape \(m.checkpointShape) from checkpoint, "
                + "the shape in current model is \(m.modelShape).")
        }
        return "Error(s) in loading state_dict: " + parts.joined(separator: " ")
    }
}

extension Module {
    /// Copies a state dict's tensors into this model's parameters and buffers by name, as PyTorch's
    /// `model.load_state_dict(state_dict, strict=strict)` on a plain dict (as `safetensors.torch.load_file`
    /// returns):
    /// - strict: every key of the model must be in the dict and every key of the dict in the model,
    ///   or `StateDictError` names the missing and unexpected keys;
    /// - not strict: matching keys are loaded and the others returned (`missingKeys`, `unexpectedKeys`),
    ///   which is how a checkpoint with another head loads into a backbone;
    /// - a shape mismatch is an error either way;
    /// - a BatchNorm's `num_batches_tracked` missing from the dict is not reported and keeps its value
    ///   (PyTorch's `_load_from_state_dict` for state dicts without version metadata).
    ///
    /// Unlike PyTorch, an error loads nothing: the model is changed only when every check passes.
    /// Integer tensors load into Float storage as PyTorch's `copy_` casts them.
    @discardableResult
    public func loadStateDict(_ dict: [String: StoredTensor], strict: Bool = true) throws(StateDictError) -> IncompatibleKeys {
        let quietlyKept = Set(namedBatchNorms().filter(\.1.trackRunningStats).map { $0.0.isEmpty ? "num_batches_tracked" : "\($0.0).num_batches_tracked" })
        let targets: [(String, (Tensor) -> Void, [Int])] =
            namedParameters().map { name, p in (name, { p.value = $0 }, p.value.shape) }
            + namedBuffers().map { name, b in (name, { b.value = $0 }, b.value.shape) }
        let expected = Set(targets.map(\.0))
        var keys = IncompatibleKeys(
            missingKeys: targets.map(\.0).filter { dict[$0] == nil && !quietlyKept.contains($0) },
            unexpectedKeys: dict.keys.filter { !expected.contains($0) }.sorted())
        let mismatches = targets.compactMap { key, _, shape in
            dict[key].flatMap { $0.shape == shape ? nil : StateDictError.SizeMismatch(key: key, checkpointShape: $0.shape, modelShape: shape) }
        }
        if strict && !keys.isEmpty || !mismatches.isEmpty {
            if !strict { keys = IncompatibleKeys(missingKeys: [], unexpectedKeys: []) }
            throw StateDictError(keys: keys, sizeMismatches: mismatches)
        }
        for (key, assign, _) in targets {
            if let stored = dict[key] { assign(stored.floatTensor) }
        }
        return keys
    }
}
