import Engine
// MARK: - Encoding a safetensors byte image

extension SafeTensors {
    /// The file image. Tensors are laid out like the reference (Rust) writer: I64 before F32
    /// (larger element size first, keeping every tensor aligned), by name within a dtype; the
    /// header lists `__metadata__` (when not empty) first and is space-padded to a multiple of 8.
    public func serialized() -> [UInt8] {
        let order = tensors.keys.sorted { a, b in
            let sa = Self.elementSize[tensors[a]!.dtype]!, sb = Self.elementSize[tensors[b]!.dtype]!
            return sa != sb ? sa > sb : a < b
        }

        var json = "{"
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(Self.quoted($0)):\(Self.quoted(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for name in order {
            let t = tensors[name]!
            if case .int64(let shape, let values) = t {
                precondition(values.count == shape.reduce(1, *), "StoredTensor '\(name)': \(values.count) values for shape \(shape)")
            }
            let size = t.shape.reduce(1, *) * Self.elementSize[t.dtype]!
            let shape = t.shape.map(String.init).joined(separator: ",")
            fields.append("\(Self.quoted(name)):{\"dtype\":\"\(t.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
            offset += size
        }
        json += fields.joined(separator: ",") + "}"
        var header = Array(json.utf8)
        while header.count % 8 != 0 { header.append(0x20) }

        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { out += $0 }
        out += header
        for name in order {
            switch tensors[name]! {
            case .float(let t):
                t.data.withUnsafeBufferPointer { p in
                    for v in p { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
                }
            case .int64(_, let values):
                for v in values { withUnsafeBytes(of: v.littleEndian) { out += $0 } }
            }
        }
        return out
    }

    /// A JSON string literal.
    private static func quoted(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where u.value < 0x20:
                let hex = String(u.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
