import Foundation

/// Reads a data file into memory, gunzipping it when it starts with the gzip magic number.
enum DataFile {
    /// The most bnlab reads from one data file, compressed or not (Fashion-MNIST's largest is 47 MB).
    static let maxBytes = 1 << 30

    /// The file's bytes, decompressed if gzip; `help` goes into the error when the file is missing.
    /// `expectedBytes` reads the size a file announces from its first 16 bytes (see `Gzip.decompress`).
    static func read(_ path: String, help: String, expectedBytes: (([UInt8]) -> Int?)? = nil) throws(DatasetError) -> [UInt8] {
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound(path: path, help: help) }
        // A directory, a device or a FIFO where a data file belongs: say so (reading /dev/zero never ends).
        if let problem = FileProblem.notARegularFile(path) { throw .unreadable(file: path, reason: problem) }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw .unreadable(file: path, reason: FileProblem.reason(error, path: path))
        }
        let name = displayName(path)
        // Data.withUnsafeBytes only rethrows untyped errors; the closure's result carries the typed one.
        let result = data.withUnsafeBytes { raw in
            Result { () throws(DatasetError) -> [UInt8] in
                guard raw.count <= maxBytes else {
                    throw .corrupt(file: name, reason: "is \(raw.count) bytes; bnlab reads at most \(maxBytes) from one file")
                }
                return Gzip.hasMagic(raw) ? try Gzip.decompress(raw, file: name, expectedBytes: expectedBytes) : [UInt8](raw)
            }
        }
        return try result.get()
    }

    /// The name used in error messages about a file's contents (its last path component).
    static func displayName(_ path: String) -> String {
        (path as NSString).lastPathComponent
    }

    /// The first of `candidates` (file names inside `directory`) that exists, e.g. the `.gz` or the raw name.
    static func find(_ candidates: [String], in directory: String) -> String? {
        candidates.map { (directory as NSString).appendingPathComponent($0) }
            .first { FileManager.default.fileExists(atPath: $0) }
    }
}
