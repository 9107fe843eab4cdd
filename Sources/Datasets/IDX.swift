/// Reader for the IDX format of MNIST and Fashion-MNIST, gzip-compressed or raw.
///
/// An IDX file is a big-endian header, magic `00 00 <type> <rank>` then one UInt32 per dimension,
/// followed by the elements in row-major order. Only unsigned bytes (type 0x08) are supported.
public enum IDX {
    /// Magic number of an unsigned-byte image file [N, H, W].
    public static let imagesMagic: UInt32 = 0x0000_0803
    /// Magic number of an unsigned-byte label file [N].
    public static let labelsMagic: UInt32 = 0x0000_0801

    /// The images of an IDX3 file: pixels [count, height, width].
    public static func readImages(_ path: String, help: String = "") throws(DatasetError) -> (pixels: [UInt8], count: Int, height: Int, width: Int) {
        var bytes = try DataFile.read(path, help: help, expectedBytes: expectedSize)
        let (dims, headerSize) = try parseHeader(bytes, magic: imagesMagic, what: "images", file: DataFile.displayName(path))
        guard dims[1] > 0 && dims[2] > 0 else {
            throw .corrupt(file: DataFile.displayName(path), reason: "wrong dimensions: images of \(dims[1])×\(dims[2]) pixels")
        }
        bytes.removeFirst(headerSize)   // in place: a second copy of the pixels would double the loading peak
        return (bytes, dims[0], dims[1], dims[2])
    }

    /// The labels of an IDX1 file.
    public static func readLabels(_ path: String, help: String = "") throws(DatasetError) -> [UInt8] {
        let bytes = try DataFile.read(path, help: help, expectedBytes: expectedSize)
        let (_, headerSize) = try parseHeader(bytes, magic: labelsMagic, what: "labels", file: DataFile.displayName(path))
        return Array(bytes[headerSize...])
    }

    /// An image set from a pair of IDX files, checking that the counts agree and every label is below `classCount`.
    public static func loadImageSet(images: String, labels: String, classCount: Int = 10, help: String = "") throws(DatasetError) -> ImageSet {
        let (pixels, count, height, width) = try readImages(images, help: help)
        let labelBytes = try readLabels(labels, help: help)
        guard labelBytes.count == count else {
            throw .mismatch("\(DataFile.displayName(images)) has \(count) images but \(DataFile.displayName(labels)) has \(labelBytes.count) labels")
        }
        if let i = labelBytes.firstIndex(where: { Int($0) >= classCount }) {
            throw .corrupt(file: DataFile.displayName(labels), reason: "label \(labelBytes[i]) at index \(i) is outside 0..<\(classCount)")
        }
        return ImageSet(pixels: pixels, labels: labelBytes, channels: 1, height: height, width: width, classCount: classCount)
    }

    // MARK: - Header

    /// Checks the magic number and that the payload length equals the product of the dimensions;
    /// returns the dimensions and the header's size in bytes.
    /// The size of a whole IDX file of bytes as its first 16 bytes announce it (nil if they do not
    /// look like an IDX header, or the size overflows).
    static func expectedSize(_ head: [UInt8]) -> Int? {
        guard head.count >= 16, head[0] == 0, head[1] == 0, head[2] == 0x08, (1...3).contains(head[3]) else { return nil }
        let dims = (0..<Int(head[3])).map { (i: Int) -> Int in
            let o = 4 + 4 * i
            var v = 0
            for k in 0..<4 { v = v << 8 | Int(head[o + k]) }
            return v
        }
        var size = 4 + 4 * dims.count
        var payload = 1
        for d in dims {
            let (p, overflow) = payload.multipliedReportingOverflow(by: d)
            guard !overflow else { return nil }
            payload = p
        }
        let (total, overflow) = size.addingReportingOverflow(payload)
        guard !overflow else { return nil }
        size = total
        return size
    }

    static func parseHeader(_ bytes: [UInt8], magic: UInt32, what: String, file: String) throws(DatasetError) -> (dims: [Int], headerSize: Int) {
        func uint32(at offset: Int) -> UInt32 {
            UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
        }
        let rank = Int(magic & 0xFF)
        let headerSize = 4 + 4 * rank
        let expected = "expected 0x\(hex(magic)) (IDX \(what): unsigned bytes, \(rank) dimension\(rank == 1 ? "" : "s"))"
        guard bytes.count >= 4 else {
            throw .corrupt(file: file, reason: "truncated: \(bytes.count) bytes, too short for an IDX header")
        }
        let found = uint32(at: 0)
        guard found == magic else {
            var reason = "bad magic number 0x\(hex(found)), \(expected)"
            if found >> 16 == 0 && (found >> 8) & 0xFF != 0x08 { reason += "; data type 0x\(String((found >> 8) & 0xFF, radix: 16)) is not supported" }
            throw .corrupt(file: file, reason: reason)
        }
        guard bytes.count >= headerSize else {
            throw .corrupt(file: file, reason: "truncated: the \(what) header needs \(headerSize) bytes, file has \(bytes.count)")
        }
        let dims = (0..<rank).map { Int(uint32(at: 4 + 4 * $0)) }
        // Each dimension is below 2^32, so the product of at most three fits in Int only up to 2^63: check.
        var total = 1
        for d in dims {
            let (product, overflow) = total.multipliedReportingOverflow(by: d)
            guard !overflow else { throw .corrupt(file: file, reason: "wrong dimensions: header says \(shapeText(dims)), too large") }
            total = product
        }
        let payload = bytes.count - headerSize
        let says = "header says \(shapeText(dims))\(rank > 1 ? " = \(total)" : "") bytes"
        guard payload >= total else {
            throw .corrupt(file: file, reason: "truncated: \(says), file has \(payload) after the \(headerSize)-byte header")
        }
        guard payload == total else {
            throw .corrupt(file: file, reason: "wrong size: \(says), file has \(payload) after the \(headerSize)-byte header (\(payload - total) extra)")
        }
        return (dims, headerSize)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    private static func shapeText(_ dims: [Int]) -> String {
        dims.map(String.init).joined(separator: "×")
    }
}
