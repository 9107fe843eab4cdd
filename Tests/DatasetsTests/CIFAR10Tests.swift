import Foundation
import Testing
@testable import Datasets

@Suite struct CIFAR10Tests {
    /// `count` records: label, then 3072 pixel bytes; pixel k of record n is (n * 31 + k) mod 256.
    func records(_ count: Int, firstLabel: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        for n in 0..<count {
            bytes.append(UInt8((firstLabel + n) % 10))
            bytes += (0..<3072).map { UInt8(truncatingIfNeeded: n * 31 + $0) }
        }
        return bytes
    }

    @Test func loadsSplitsFromNestedDirectory() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("cifar-10-batches-bin"), withIntermediateDirectories: true)
        for b in 1...5 { try dir.write("cifar-10-batches-bin/data_batch_\(b).bin", records(2, firstLabel: 2 * b)) }
        try dir.write("cifar-10-batches-bin/test_batch.bin", records(3, firstLabel: 7))

        let data = try Dataset.load(.cifar10, directory: dir.path)
        #expect(data.train.shape == [10, 3, 32, 32])
        #expect(data.test.shape == [3, 3, 32, 32])
        #expect(data.train.labels == [2, 3, 4, 5, 6, 7, 8, 9, 0, 1])
        #expect(data.test.labels == [7, 8, 9])
        // Record bytes are already channel-major: test image 1, channel 2 (blue), row 5, column 7.
        let k = 2 * 1024 + 5 * 32 + 7
        #expect(data.test.pixels[1 * 3072 + k] == UInt8(truncatingIfNeeded: 31 + k))
        #expect(data.normalization.mean.count == 3)
        #expect(data.classNames[0] == "airplane")
    }

    @Test func errorsForWrongSizeBadLabelAndMissingFiles() throws {
        let dir = try TempDirectory(); defer { dir.remove() }
        try dir.write("data_batch_1.bin", records(2, firstLabel: 0) + [1, 2, 3, 4, 5])
        #expect(throws: DatasetError.corrupt(file: "data_batch_1.bin", reason: "wrong size: 6151 bytes is not a whole number of 3073-byte records (1 label + 3×32×32 pixels): 2 records and 5 bytes left over")) {
            try CIFAR10.readBatch(dir.file("data_batch_1.bin"))
        }
        var bad = records(2, firstLabel: 0); bad[3073] = 10
        try dir.write("data_batch_1.bin", bad)
        #expect(throws: DatasetError.corrupt(file: "data_batch_1.bin", reason: "label 10 in record 1 is outside 0..<10")) {
            try CIFAR10.readBatch(dir.file("data_batch_1.bin"))
        }
        try dir.write("data_batch_1.bin", records(2, firstLabel: 0))
        #expect(throws: DatasetError.notFound(path: dir.file("data_batch_2.bin"), help: CIFAR10.installHelp)) {
            try CIFAR10.load(.train, directory: dir.path)
        }
        do {
            _ = try Dataset.load(.cifar10)
            Issue.record("CIFAR-10 without a directory should throw")
        } catch {
            #expect(error.description.contains("cifar-10-binary.tar.gz") && error.description.contains("--data DIR"))
        }
    }
}
