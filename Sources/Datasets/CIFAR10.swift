import Foundation

/// CIFAR-10 in its binary format: 50,000 training and 10,000 test colour 32×32 images of 10 classes.
///
/// Each file is a run of 3073-byte records: 1 label byte, then 3×32×32 pixels channel-major (all red,
/// then green, then blue), each plane row-major — already NCHW.
public enum CIFAR10 {
    /// The class names, indexed by label.
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck"]

    /// Bytes per record: one label and 3×32×32 pixels.
    public static let recordSize = 1 + 3 * 32 * 32

    /// What to do when the files are missing.
    public static let installHelp = "CIFAR-10 is not installed by a package: download the binary version (cifar-10-binary.tar.gz), extract it, and pass --data DIR pointing at cifar-10-batches-bin (holding data_batch_1.bin … data_batch_5.bin and test_batch.bin)."

    /// The files of a split, in order.
    public static func fileNames(_ split: Split) -> [String] {
        split == .train ? (1...5).map { "data_batch_\($0).bin" } : ["test_batch.bin"]
    }

    /// Loads one split from `directory` (or its `cifar-10-batches-bin` subdirectory), concatenating its files.
    public static func load(_ split: Split, directory: String) throws(DatasetError) -> ImageSet {
        let nested = (directory as NSString).appendingPathComponent("cifar-10-batches-bin")
        let base = FileManager.default.fileExists(atPath: nested) ? nested : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: base, isDirectory: &isDirectory) else {
            throw .notFound(path: directory, help: installHelp)
        }
        if let problem = FileProblem.notADirectory(base) { throw .unreadable(file: base, reason: problem) }
        var sets: [ImageSet] = []
        for name in fileNames(split) {
            sets.append(try readBatch((base as NSString).appendingPathComponent(name)))
        }
        let set = ImageSet.concatenate(sets)
        guard set.count > 0 else {
            throw .corrupt(file: base, reason: "the \(split) batches hold no images; a dataset needs at least one to train or test on")
        }
        return set
    }

    /// Reads one batch file of whole records.
    public static func readBatch(_ path: String) throws(DatasetError) -> ImageSet {
        let bytes = try DataFile.read(path, help: installHelp)
        let file = DataFile.displayName(path)
        let imageSize = recordSize - 1
        guard !bytes.isEmpty, bytes.count % recordSize == 0 else {
            throw .corrupt(file: file, reason: "wrong size: \(bytes.count) bytes is not a whole number of \(recordSize)-byte records (1 label + 3×32×32 pixels): \(bytes.count / recordSize) records and \(bytes.count % recordSize) bytes left over")
        }
        let count = bytes.count / recordSize
        var pixels = [UInt8](repeating: 0, count: count * imageSize)
        var labels = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBufferPointer { dst in
                for n in 0..<count {
                    labels[n] = src[n * recordSize]
                    (dst.baseAddress! + n * imageSize).update(from: src.baseAddress! + n * recordSize + 1, count: imageSize)
                }
            }
        }
        if let n = labels.firstIndex(where: { $0 >= 10 }) {
            throw .corrupt(file: file, reason: "label \(labels[n]) in record \(n) is outside 0..<10")
        }
        return ImageSet(pixels: pixels, labels: labels, channels: 3, height: 32, width: 32, classCount: 10)
    }
}
