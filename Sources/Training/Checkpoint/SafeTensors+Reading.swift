import Engine
import Foundation

// MARK: - Decoding a safetensors byte image

extension SafeTensors {
    /// Parses and validates a complete file image; any malformation throws, never traps.
    public init(bytes: [UInt8]) throws(SafeTensorsError) {
        guard bytes.count >= 8 else { throw .fileTooShort(byteCount: bytes.count) }
        var n: UInt64 = 0
        for i in 0..<8 { n |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard n <= UInt64(bytes.count - 8) else { throw .headerTooLarge(headerSize: n, fileSize: bytes.count) }
        let headerEnd = 8 + Int(n)
        let header = try Self.decodeHeader(bytes[8..<headerEnd])
        let bufferSize = bytes.count - headerEnd

        // Offsets: in range, sizes match shape × dtype, and sorted by begin they tile the buffer.
        var expected = 0
        for e in header.entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard e.begin <= e.end, e.end <= bufferSize else {
                throw .offsetsOutOfRange(tensor: e.name, begin: e.begin, end: e.end, bufferSize: bufferSize)
            }
            guard let size = Self.elementSize[e.dtype] else { throw .unknownDType(tensor: e.name, dtype: e.dtype) }
            let (bytesNeeded, overflow) = e.count.multipliedReportingOverflow(by: size)
            guard !overflow, bytesNeeded == e.end - e.begin else {
                throw .byteCountMismatch(tensor: e.name, expected: overflow ? .max : bytesNeeded, actual: e.end - e.begin)
            }
            guard e.begin == expected else { throw .offsetsNotContiguous(tensor: e.name, expected: expected, begin: e.begin) }
            expected = e.end
        }
        guard expected == bufferSize else { throw .bufferNotCovered(dataEnd: expected, bufferSize: bufferSize) }

        // Conversion: every range is now known to be valid.
        var tensors: [String: StoredTensor] = [:]
        bytes.withUnsafeBytes { raw in
            for e in header.entries {
                let base = headerEnd + e.begin
                tensors[e.name] = Self.convert(raw, at: base, dtype: e.dtype, shape: e.shape, count: e.count)
            }
        }
        self.init(tensors: tensors, metadata: header.metadata)
    }

    /// Bytes per element of the dtypes this reader converts.
    static let elementSize: [String: Int] = ["F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I64": 8, "I32": 4]

    // MARK: - Header

    struct Entry {
        var name: String
        var dtype: String
        var shape: [Int]
        var count: Int
        var begin: Int
        var end: Int
    }

    struct Header {
        var entries: [Entry] = []
        var metadata: [String: String] = [:]
    }

    /// The header's JSON shape; `__metadata__` is told apart from tensor entries by name.
    private struct HeaderJSON: Decodable {
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }
        struct Info: Decodable {
            var dtype: String
            var shape: [Int]
            var data_offsets: [Int]
        }
        var infos: [(String, Info)] = []
        var metadata: [String: String] = [:]

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: Key.self)
            for key in c.allKeys {
                if key.stringValue == "__metadata__" {
                    metadata = try c.decode([String: String].self, forKey: key)
                } else {
                    infos.append((key.stringValue, try c.decode(Info.self, forKey: key)))
                }
            }
        }
    }

    private static func decodeHeader(_ text: ArraySlice<UInt8>) throws(SafeTensorsError) -> Header {
        let data = Data(text)
        let json: HeaderJSON
        do { json = try JSONDecoder().decode(HeaderJSON.self, from: data) } catch {
            // Unparseable text is invalid JSON; parseable JSON of the wrong structure is an invalid header.
            do { _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed) } catch {
                throw .invalidJSON("\(error)")
            }
            throw describe(error)
        }
        var header = Header(metadata: json.metadata)
        for (name, info) in json.infos {
            guard info.shape.allSatisfy({ $0 >= 0 }) else {
                throw .invalidHeader("entry '\(name)' has a negative dimension in shape \(info.shape)")
            }
            let offsets = info.data_offsets
            guard offsets.count == 2, offsets.allSatisfy({ $0 >= 0 }) else {
                throw .invalidHeader("entry '\(name)' has data_offsets \(offsets), expected [begin, end]")
            }
            var count = 1
            for d in info.shape {
                let (c, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow else { throw .invalidHeader("entry '\(name)' has an overflowing shape \(info.shape)") }
                count = c
            }
            header.entries.append(Entry(name: name, dtype: info.dtype, shape: info.shape, count: count,
                                        begin: offsets[0], end: offsets[1]))
        }
        return header
    }

    private static func describe(_ error: any Error) -> SafeTensorsError {
        func path(_ ctx: DecodingError.Context) -> String {
            ctx.codingPath.isEmpty ? "top level" : ctx.codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error as? DecodingError {
        case .dataCorrupted(let ctx) where ctx.codingPath.isEmpty:
            // the JSON parsed, so a value failed to convert (a fraction or huge number in shape/data_offsets)
            return .invalidHeader("shape and data_offsets must hold integers (\(ctx.debugDescription))")
        case .dataCorrupted(let ctx), .typeMismatch(_, let ctx), .valueNotFound(_, let ctx):
            return .invalidHeader("\(path(ctx)): \(ctx.debugDescription)")
        case .keyNotFound(let key, let ctx):
            return .invalidHeader("\(path(ctx)): missing field '\(key.stringValue)'")
        default:
            return .invalidHeader(String(describing: error))
        }
    }

    // MARK: - Element conversion

    private static func convert(_ raw: UnsafeRawBufferPointer, at base: Int, dtype: String,
                                shape: [Int], count: Int) -> StoredTensor {
        func u16(_ i: Int) -> UInt16 { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: base + 2 * i, as: UInt16.self)) }
        func u32(_ i: Int) -> UInt32 { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4 * i, as: UInt32.self)) }
        func u64(_ i: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: base + 8 * i, as: UInt64.self)) }
        switch dtype {
        case "F32": return .float(Tensor(shape: shape, data: (0..<count).map { Float(bitPattern: u32($0)) }))
        case "F64": return .float(Tensor(shape: shape, data: (0..<count).map { Float(Double(bitPattern: u64($0))) }))
        case "F16": return .float(Tensor(shape: shape, data: (0..<count).map { halfToFloat(u16($0)) }))
        case "BF16": return .float(Tensor(shape: shape, data: (0..<count).map { Float(bitPattern: UInt32(u16($0)) << 16) }))
        case "I64": return .int64(shape: shape, values: (0..<count).map { Int64(bitPattern: u64($0)) })
        case "I32": return .int64(shape: shape, values: (0..<count).map { Int64(Int32(bitPattern: u32($0))) })
        default: preconditionFailure("dtype \(dtype) was validated")
        }
    }

    /// IEEE 754 binary16 to Float, by hand (Float16 is unavailable on some platforms).
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = h & 0x8000 != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F), mantissa = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24                       // zero and subnormals
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
