import Foundation

/// A small seeded mutator for fuzzing parsers: deterministic from its seed (SplitMix64), so a
/// failing iteration is reproduced by running the same campaign again.
struct Mutator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ n: Int) -> Int { n <= 0 ? 0 : Int(next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }

    /// Values that break length arithmetic: zero, one, sign boundaries, all ones, near overflow.
    static let extremes: [UInt64] = [0, 1, 0x7F, 0x80, 0xFF, 0x7FFF, 0x8000, 0xFFFF, 0x7FFF_FFFF, 0x8000_0000,
                                     0xFFFF_FFFF, 0x1_0000_0000, 0x7FFF_FFFF_FFFF_FFFF, 0x8000_0000_0000_0000,
                                     0xFFFF_FFFF_FFFF_FFFE, 0xFFFF_FFFF_FFFF_FFFF]

    /// 1–4 mutations of `input`: truncation, bit flips, a 1/2/4/8-byte field (at a random offset or
    /// one of `fields`, the format's length fields) set to an extreme in either byte order,
    /// duplicated, deleted or random regions, and for text formats inserted `tokens`.
    mutating func mutate(_ input: [UInt8], fields: [Int] = [], tokens: [String] = []) -> [UInt8] {
        var b = input
        for _ in 0..<(1 + below(4)) {
            switch below(tokens.isEmpty ? 7 : 9) {
            case 0:   // truncate
                b = Array(b.prefix(below(b.count + 1)))
            case 1:   // flip 1–8 bits
                guard !b.isEmpty else { continue }
                for _ in 0..<(1 + below(8)) { b[below(b.count)] ^= UInt8(1) << UInt8(below(8)) }
            case 2:   // a length field set to an extreme
                guard !b.isEmpty else { continue }
                let width = [1, 2, 4, 8][below(4)]
                let at = !fields.isEmpty && chance(0.7) ? fields[below(fields.count)] : below(b.count)
                var v = Self.extremes[below(Self.extremes.count)]
                if chance(0.3) { v = v &+ UInt64(below(3)) &- 1 }
                let bigEndian = chance(0.5)
                for k in 0..<width where at + k < b.count {
                    let shift = bigEndian ? (width - 1 - k) * 8 : k * 8
                    b[at + k] = UInt8(truncatingIfNeeded: v >> UInt64(shift))
                }
            case 3:   // duplicate a region
                guard !b.isEmpty else { continue }
                let start = below(b.count), length = 1 + below(min(b.count - start, 256))
                let region = Array(b[start..<start + length])
                let at = below(b.count + 1)
                b.insert(contentsOf: Array(repeating: region, count: 1 + below(3)).flatMap { $0 }, at: at)
            case 4:   // delete a region
                guard !b.isEmpty else { continue }
                let start = below(b.count), length = 1 + below(min(b.count - start, 256))
                b.removeSubrange(start..<start + length)
            case 5:   // random bytes inserted or overwritten
                let n = 1 + below(16)
                let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) }
                let at = below(b.count + 1)
                if chance(0.5) || at + n > b.count { b.insert(contentsOf: bytes, at: at) } else { b.replaceSubrange(at..<at + n, with: bytes) }
            case 6:   // a byte set to an interesting value
                guard !b.isEmpty else { continue }
                b[below(b.count)] = [0, 0xFF, 0x7F, 0x80, 0x0A, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D][below(11)]
            default:  // text formats: a syntax token inserted, or replacing a region
                let token = Array(tokens[below(tokens.count)].utf8)
                let at = below(b.count + 1)
                if chance(0.5), at < b.count {
                    b.replaceSubrange(at..<min(b.count, at + 1 + below(8)), with: token)
                } else {
                    b.insert(contentsOf: token, at: at)
                }
            }
        }
        return b
    }
}

/// Peak resident memory of this process (Linux `VmHWM`), in bytes.
func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kb * 1024
}

extension Mutator {
    /// Values that a schema must refuse or survive: empty containers, null, signs, fractions,
    /// huge numbers, wrong types.
    static var jsonExtremes: [Any] { [[Any](), [String: Any](), NSNull(), 0, -1, 1.5, 1e300, -1e300, 1e12, Int64.max,
                                      Int64.min, "", "x", true, [0], [-1, 1e300], [[Any]()]] }

    /// A structure-aware mutation of a JSON document (`nil` when `text` is not JSON): one node
    /// replaced by an extreme value, an array shortened, lengthened or emptied, or a key deleted.
    mutating func mutateJSON(_ text: [UInt8]) -> [UInt8]? {
        guard var tree = try? JSONSerialization.jsonObject(with: Data(text), options: [.fragmentsAllowed]) else { return nil }
        for _ in 0..<(1 + below(3)) { tree = mutateNode(tree, depth: 0) }
        return (try? JSONSerialization.data(withJSONObject: tree, options: [.fragmentsAllowed])).map { [UInt8]($0) }
    }

    private mutating func mutateNode(_ node: Any, depth: Int) -> Any {
        // Descend with probability growing with depth; otherwise mutate here.
        if var dict = node as? [String: Any], !dict.isEmpty, chance(0.8) {
            let keys = dict.keys.sorted()
            let key = keys[below(keys.count)]
            if chance(0.1) { dict[key] = nil } else { dict[key] = mutateNode(dict[key]!, depth: depth + 1) }
            return dict
        }
        if var array = node as? [Any], !array.isEmpty, chance(0.7) {
            switch below(5) {
            case 0: array.removeLast(1 + below(array.count))                        // shorter
            case 1: array += Array(repeating: array[below(array.count)], count: 1 + below(3))  // longer
            case 2: array.remove(at: below(array.count))
            default:
                let i = below(array.count)
                array[i] = mutateNode(array[i], depth: depth + 1)
            }
            return array
        }
        return Self.jsonExtremes[below(Self.jsonExtremes.count)]
    }
}
