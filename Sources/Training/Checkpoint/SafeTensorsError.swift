import Engine
/// Why a safetensors file could not be read or written.
public enum SafeTensorsError: Error, Equatable, CustomStringConvertible {
    /// Fewer than the 8 bytes of the header-size prefix.
    case fileTooShort(byteCount: Int)
    /// The header-size prefix points past the end of the file.
    case headerTooLarge(headerSize: UInt64, fileSize: Int)
    /// The header is not valid JSON (or not UTF-8).
    case invalidJSON(String)
    /// The header is JSON but not a valid safetensors header (wrong types, missing fields, bad shape).
    case invalidHeader(String)
    /// A tensor's dtype is not one this reader converts.
    case unknownDType(tensor: String, dtype: String)
    /// `shape × dtype size` differs from `end − begin`.
    case byteCountMismatch(tensor: String, expected: Int, actual: Int)
    /// A tensor's `data_offsets` fall outside the byte buffer or have end < begin.
    case offsetsOutOfRange(tensor: String, begin: Int, end: Int, bufferSize: Int)
    /// Tensors overlap or leave a gap: the next tensor should begin at `expected`.
    case offsetsNotContiguous(tensor: String, expected: Int, begin: Int)
    /// The tensors end before the byte buffer does.
    case bufferNotCovered(dataEnd: Int, bufferSize: Int)
    /// A lookup asked for a tensor the file does not hold.
    case missingTensor(String)
    /// A lookup asked for integers from a float tensor (or the reverse).
    case wrongKind(tensor: String, expected: String)
    /// Reading or writing the file failed.
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .fileTooShort(let n):
            "safetensors: file has \(n) bytes, fewer than the 8-byte header size"
        case .headerTooLarge(let size, let fileSize):
            "safetensors: header size \(size) exceeds the file's \(fileSize) bytes"
        case .invalidJSON(let why):
            "safetensors: header is not valid JSON: \(why)"
        case .invalidHeader(let why):
            "safetensors: invalid header: \(why)"
        case .unknownDType(let name, let dtype):
            "safetensors: tensor '\(name)' has unsupported dtype \(dtype)"
        case .byteCountMismatch(let name, let expected, let actual):
            "safetensors: tensor '\(name)' needs \(expected) bytes for its shape and dtype, offsets give \(actual)"
        case .offsetsOutOfRange(let name, let begin, let end, let size):
            "safetensors: tensor '\(name)' has data_offsets [\(begin), \(end)] outside the \(size)-byte buffer"
        case .offsetsNotContiguous(let name, let expected, let begin):
            "safetensors: tensor '\(name)' begins at byte \(begin), expected \(expected) (overlap or gap)"
        case .bufferNotCovered(let end, let size):
            "safetensors: tensors end at byte \(end) of a \(size)-byte buffer"
        case .missingTensor(let name):
            "safetensors: no tensor named '\(name)'"
        case .wrongKind(let name, let expected):
            "safetensors: tensor '\(name)' is not \(expected)"
        case .io(let path, let message):
            "safetensors: \(path): \(message)"
        }
    }
}
