import Foundation
import Testing
@testable import Datasets

@Suite struct IDXTests {
    /// Writes a 5-image 3×4 set with its labels, compressed or not, and returns the directory.
    func writeFashionLike(_ dir: TempDirectory, gzipped: Bool, images: [UInt8]? = nil, labels: [UInt8]? = nil) throws -> ImageSet {
        let set = randomImageSet(count: 5, channels: 1, height: 3, width: 4)
        let imageFile = images ?? idxBytes(dims: [5, 3, 4], payload: set.pixels)
        let labelFile = labels ?? idxBytes(dims: [5], payload: set.labels)
        let suffix = gzipped ? ".gz" : ""
        try dir.write("images-idx3-ubyte" + suffix, gzipped ? gzip(imageFile) : imageFile)
        try dir.write("labels-idx1-ubyte" + suffix, gzipped ? gzip(labelFile) : labelFile)
        return set
    }

    func load(_ dir: TempDirectory, gzipped: Bool) throws(DatasetError) -> ImageSet {
        let suffix = gzipped ? ".gz" : ""
        return try IDX.loadImageSet(images: dir.file("images-idx3-ubyte" + suffix), labels: dir.file("labels-idx1-ubyte" + suffix))
    }

    /// The message of the error thrown by `body`, or nil when it does not throw.
    func message(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let error as DatasetError { return error.description } catch { return "not a DatasetError: \(error)" }
    }

    // MARK: - Round trip

    @Test(arguments: [false, true])
    func roundTrip(gzipped: Bool) throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        let written = try writeFashionLike(dir, gzipped: gzipped)
        let read = try load(dir, gzipped: gzipped)
        #expect(read == written)
        #expect(read.shape == [5, 1, 3, 4])
    }

    @Test func gzipOfLargerFileAndTwoMembers() throws {
        // Larger than the initial buffer so the output grows; a second gzip member is appended.
        let dir = try TempDirectory(); defer { dir.remove() }
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7919 >> 3) }
        let file = idxBytes(dims: [300_000], payload: payload)
        try dir.write("big.gz", gzip(Array(file[..<100_000])) + gzip(Array(file[100_000...])))
        #expect(try IDX.readLabels(dir.file("big.gz")) == payload)
    }

    // MARK: - Errors

    @Test func badMagic() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        let set = randomImageSet(count: 5, channels: 1, height: 3, width: 4)
        // A label file (0x00000801) where images are expected.
        _ = try writeFashionLike(dir, gzipped: true, images: idxBytes(dims: [60], payload: set.pixels))
        let text = try #require(message { _ = try load(dir, gzipped: true) })
        #expect(text.hasPrefix("images-idx3-ubyte.gz: bad magic number 0x00000801, expected 0x00000803"))
        // An unsupported data type (0x0D = float).
        _ = try writeFashionLike(dir, gzipped: false, images: idxBytes(dims: [5, 3, 4], payload: set.pixels, magic: 0x0000_0D03))
        let float = try #require(message { _ = try load(dir, gzipped: false) })
        #expect(float.contains("data type 0xd is not supported"))
        // Not an IDX file at all.
        try dir.write("junk", Array("hello world, not idx".utf8))
        #expect(message { _ = try IDX.readLabels(dir.file("junk")) }?.contains("bad magic number 0x68656C6C") == true)
    }

    @Test func truncatedPayloadNamesFileAndSizes() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        let full = idxBytes(dims: [60000, 28, 28], payload: [UInt8](repeating: 7, count: 1200))
        _ = try writeFashionLike(dir, gzipped: true, images: full)
        let text = try #require(message { _ = try load(dir, gzipped: true) })
        #expect(text == "images-idx3-ubyte.gz: truncated: header says 60000×28×28 = 47040000 bytes, file has 1200 after the 16-byte header")
    }

    @Test func truncatedHeaderAndGzipStream() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        try dir.write("short", [0, 0, 8])
        #expect(message { _ = try IDX.readLabels(dir.file("short")) } == "short: truncated: 3 bytes, too short for an IDX header")
        try dir.write("header", [0, 0, 8, 3, 0, 0, 0, 5, 0, 0])
        #expect(message { _ = try IDX.readImages(dir.file("header")) } == "header: truncated: the images header needs 16 bytes, file has 10")
        // A gzip file cut in half: zlib runs out of input before the end of the stream.
        let set = randomImageSet(count: 50, channels: 1, height: 8, width: 8)
        let compressed = gzip(idxBytes(dims: [50, 8, 8], payload: set.pixels))
        try dir.write("cut.gz", Array(compressed[..<(compressed.count / 2)]))
        #expect(message { _ = try IDX.readImages(dir.file("cut.gz")) }?.hasPrefix("cut.gz: truncated gzip stream") == true)
        // Corrupt deflate data after a valid gzip header.
        var garbled = compressed
        for i in 10..<40 { garbled[i] ^= 0xA5 }
        try dir.write("garbled.gz", garbled)
        #expect(message { _ = try IDX.readImages(dir.file("garbled.gz")) }?.hasPrefix("garbled.gz: corrupt gzip stream: ") == true)
    }

    /// A small gzip that inflates far beyond what its IDX header announces stops at the announced size.
    @Test func gzipBombStopsAtTheAnnouncedSize() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        let bomb = gzip(idxBytes(dims: [2, 10, 10], payload: [UInt8](repeating: 0, count: 64 << 20)))
        #expect(bomb.count < 200_000)
        try dir.write("bomb.gz", bomb)
        let text = try #require(message { _ = try IDX.readImages(dir.file("bomb.gz")) })
        #expect(text.hasPrefix("bomb.gz: decompresses to more than \(16 + 200 + (1 << 20)) bytes"), "\(text)")
        // A gzip of a few extra bytes still gets the exact size error.
        try dir.write("extra.gz", gzip(idxBytes(dims: [4], payload: [1, 2, 3, 4, 5, 6])))
        #expect(message { _ = try IDX.readLabels(dir.file("extra.gz")) }?.contains("(2 extra)") == true)
    }

    @Test func wrongDimensionsAndExtraBytes() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        try dir.write("zero", idxBytes(dims: [5, 0, 4], payload: []))
        #expect(message { _ = try IDX.readImages(dir.file("zero")) } == "zero: wrong dimensions: images of 0×4 pixels")
        try dir.write("long", idxBytes(dims: [4], payload: [1, 2, 3, 4, 5, 6]))
        #expect(message { _ = try IDX.readLabels(dir.file("long")) } == "long: wrong size: header says 4 bytes, file has 6 after the 8-byte header (2 extra)")
        try dir.write("huge", idxBytes(dims: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: [1]))
        #expect(message { _ = try IDX.readImages(dir.file("huge")) }?.contains("too large") == true)
    }

    @Test func mismatchedCountsAndBadLabels() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        _ = try writeFashionLike(dir, gzipped: false, labels: idxBytes(dims: [4], payload: [0, 1, 2, 3]))
        #expect(message { _ = try load(dir, gzipped: false) } == "images-idx3-ubyte has 5 images but labels-idx1-ubyte has 4 labels")
        _ = try writeFashionLike(dir, gzipped: false, labels: idxBytes(dims: [5], payload: [0, 1, 2, 10, 3]))
        #expect(message { _ = try load(dir, gzipped: false) } == "labels-idx1-ubyte: label 10 at index 3 is outside 0..<10")
    }

    @Test func missingFileAndDirectoryMentionAptGet() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        let missing = dir.file("nowhere")
        #expect(throws: DatasetError.notFound(path: missing, help: FashionMNIST.installHelp)) {
            try FashionMNIST.load(.train, directory: missing)
        }
        let text = try #require(message { _ = try FashionMNIST.load(.test, directory: dir.path) })
        #expect(text.contains("t10k-images-idx3-ubyte.gz: not found"))
        #expect(text.contains("apt-get install dataset-fashion-mnist"))
        #expect(text.contains("--data DIR"))
    }

    @Test func fashionMNISTAcceptsRawNamesAndChecksSize() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        let set = randomImageSet(count: 3, channels: 1, height: 28, width: 28)
        try dir.write("t10k-images-idx3-ubyte", idxBytes(dims: [3, 28, 28], payload: set.pixels))
        try dir.write("t10k-labels-idx1-ubyte.gz", gzip(idxBytes(dims: [3], payload: set.labels)))
        #expect(try FashionMNIST.load(.test, directory: dir.path) == set)
        let small = randomImageSet(count: 3, channels: 1, height: 27, width: 28)
        try dir.write("t10k-images-idx3-ubyte", idxBytes(dims: [3, 27, 28], payload: small.pixels))
        #expect(message { _ = try FashionMNIST.load(.test, directory: dir.path) }
                == "t10k-images-idx3-ubyte: wrong dimensions: Fashion-MNIST images are 28×28, file has 27×28")
    }
}
