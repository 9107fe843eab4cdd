import Engine
import Foundation

/// The contents of a safetensors file (https://github.com/huggingface/safetensors): named tensors
/// and a string-to-string `__metadata__` dictionary.
///
/// Layout: an 8-byte little-endian u64 N, N bytes of JSON header
/// `{"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}`
/// (space-padded), then the byte buffer; offsets are relative to the buffer start. Reading accepts
/// F32, F64, F16, BF16, I64 and I32 and checks every offset and size; writing produces F32 and I64.
public struct SafeTensors: Equatable, Sendable {
    /// The tensors by name.
    public var tensors: [String: StoredTensor]
    /// The `__metadata__` dictionary (empty when the file has none).
    public var metadata: [String: String]

    /// Creates an in-memory file.
    public init(tensors: [String: StoredTensor] = [:], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor names in sorted order.
    public var names: [String] { tensors.keys.sorted() }

    /// Gets or sets one tensor.
    public subscript(_ name: String) -> StoredTensor? {
        get { tensors[name] }
        set { tensors[name] = newValue }
    }

    /// The named tensor as Float32 (integer tensors converted).
    public func tensor(_ name: String) throws(SafeTensorsError) -> Tensor {
        guard let t = tensors[name] else { throw .missingTensor(name) }
        return t.floatTensor
    }

    /// The named integer tensor's values.
    public func int64s(_ name: String) throws(SafeTensorsError) -> [Int64] {
        guard let t = tensors[name] else { throw .missingTensor(name) }
        guard case .int64(_, let values) = t else { throw .wrongKind(tensor: name, expected: "an integer tensor") }
        return values
    }

    // MARK: - Files

    /// Reads and validates a file.
    public init(contentsOf url: URL) throws(SafeTensorsError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .io(path: url.path, message: error.localizedDescription)
        }
        try self.init(bytes: [UInt8](data))
    }

    /// Writes the file, replacing any existing one.
    public func write(to url: URL) throws(SafeTensorsError) {
        do { try Data(serialized()).write(to: url, options: .atomic) } catch {
            throw .io(path: url.path, message: error.localizedDescription)
        }
    }
}
