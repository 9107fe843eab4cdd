import CZlib

/// gzip decompression through zlib's `inflate` (what `gunzip` does, in memory).
enum Gzip {
    /// Whether the bytes start with the gzip magic number 1f 8b.
    static func hasMagic(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// Decompresses a whole gzip file (one or more members); `file` names it in errors.
    ///
    /// The output is bounded before it is allocated: by `maxBytes`, and, once the first 16 bytes are
    /// out, by what `expectedBytes` reads from them (an IDX header says how large its file is), so a
    /// small file that inflates to gigabytes stops at the announced size.
    static func decompress(_ input: UnsafeRawBufferPointer, file: String, maxBytes: Int = DataFile.maxBytes,
                           expectedBytes: (([UInt8]) -> Int?)? = nil) throws(DatasetError) -> [UInt8] {
        guard input.count <= Int(UInt32.max) else {
            throw .corrupt(file: file, reason: "compressed file larger than 4 GiB is not supported")
        }
        var stream = z_stream()
        // windowBits 15 + 32: largest window, and detect the gzip (or zlib) header automatically.
        guard inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .corrupt(file: file, reason: "zlib inflateInit2 failed")
        }
        defer { inflateEnd(&stream) }

        // The trailer's ISIZE (uncompressed size mod 2^32) is only a capacity hint: the file may lie,
        // so it is capped by deflate's maximum compression ratio (about 1032:1).
        var hint = input.count * 4
        if input.count >= 18 {
            let n = input.count
            let isize = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
            if isize > 0 { hint = min(isize, input.count * 1032) }
        }
        var limit = maxBytes
        var limitKnown = expectedBytes == nil
        var output = [UInt8](repeating: 0, count: min(max(hint, 1 << 16), limit + 1))
        var produced = 0
        func tooLarge() -> DatasetError {
            .corrupt(file: file, reason: "decompresses to more than \(limit) bytes, "
                     + (limitKnown && expectedBytes != nil ? "over a megabyte beyond the size its header announces" : "the most bnlab reads from one file"))
        }

        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = UInt32(input.count)
        while true {
            let status: Int32 = output.withUnsafeMutableBufferPointer { out in
                let room = min(out.count - produced, Int(UInt32.max))
                stream.next_out = out.baseAddress! + produced
                stream.avail_out = UInt32(room)
                let status = inflate(&stream, Z_NO_FLUSH)
                produced += room - Int(stream.avail_out)
                return status
            }
            if !limitKnown, produced >= 16, let expectedBytes {
                // A megabyte of slack, so that a file with a few extra bytes gets its exact "wrong size" error.
                limit = min(maxBytes, expectedBytes(Array(output[0..<16])).map { $0 + (1 << 20) } ?? maxBytes)
                limitKnown = true
            }
            if produced > limit { throw tooLarge() }
            switch status {
            case Z_STREAM_END:
                // gzip allows several members back to back; anything else after the end is ignored (as gunzip does).
                let rest = UnsafeRawBufferPointer(start: stream.next_in, count: Int(stream.avail_in))
                guard hasMagic(rest) else {
                    output.removeLast(output.count - produced)
                    return output
                }
                inflateReset(&stream)
            case Z_OK, Z_BUF_ERROR:
                if stream.avail_out == 0 {
                    // Double the room, but never past one byte beyond the limit (which then fails).
                    let grown = min(output.count * 2, limit + 1)
                    guard grown > output.count else { throw tooLarge() }
                    output.append(contentsOf: repeatElement(0, count: grown - output.count))
                } else if stream.avail_in == 0 {
                    throw .corrupt(file: file, reason: "truncated gzip stream: compressed data ends after \(input.count) bytes (\(produced) bytes decompressed so far)")
                }
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                throw .corrupt(file: file, reason: "corrupt gzip stream: \(message)")
            }
        }
    }
}
