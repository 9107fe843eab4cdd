import CZlib
import Engine
import Foundation
@testable import Datasets

/// A fresh directory under the system temp directory, removed by `remove()`.
struct TempDirectory {
    let path: String

    init() throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("bnlab-datasets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

    func write(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

// MARK: - IDX and gzip writers

/// An IDX file: magic 00 00 08 <rank>, big-endian UInt32 dimensions, then the bytes.
func idxBytes(dims: [Int], payload: [UInt8], magic: UInt32? = nil) -> [UInt8] {
    var out: [UInt8] = []
    func put(_ v: UInt32) { out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    put(magic ?? (0x0000_0800 | UInt32(dims.count)))
    for d in dims { put(UInt32(d)) }
    return out + payload
}

/// gzip-compresses with zlib's deflate (windowBits 15 + 16 = 31 writes a gzip header and trailer).
func gzip(_ input: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    precondition(deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK)
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
    var input = input
    let produced = input.withUnsafeMutableBufferPointer { inp in
        output.withUnsafeMutableBufferPointer { out in
            stream.next_in = inp.baseAddress
            stream.avail_in = UInt32(inp.count)
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(out.count)
            precondition(deflate(&stream, Z_FINISH) == Z_STREAM_END)
            return out.count - Int(stream.avail_out)
        }
    }
    return Array(output[..<produced])
}

/// A small random image set of the given shape, labels cycling through the classes.
func randomImageSet(count: Int, channels: Int, height: Int, width: Int, classCount: Int = 10, seed: UInt64 = 1) -> ImageSet {
    var rng = SeededGenerator(seed: seed)
    let pixels = (0..<count * channels * height * width).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
    let labels = (0..<count).map { UInt8($0 % classCount) }
    return ImageSet(pixels: pixels, labels: labels, channels: channels, height: height, width: width, classCount: classCount)
}
