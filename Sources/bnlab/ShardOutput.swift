import Datasets
import Foundation
import Studies

/// Where a shard run writes its shard file: a plain directory (created when missing), shared by
/// the shards of a run, so nothing in it but the shard's own file is touched.
enum ShardOutput {
    /// Checks (and creates) `path`.
    static func directory(_ path: String) throws -> URL {
        guard !path.isEmpty else { throw InputError("--out: an empty path is not a directory; give e.g. --out shards") }
        let url = URL(fileURLWithPath: path, isDirectory: true)
        if let problem = FileProblem.notADirectory(url.path), FileManager.default.fileExists(atPath: url.path) {
            throw InputError("--out \(path): \(problem)")
        }
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw InputError("--out \(path): cannot create the directory: \(FileProblem.reason(error, path: url.path))")
        }
        guard access(url.path, W_OK | X_OK) == 0 else { throw InputError("--out \(path): \(FileProblem.errnoReason(errno))") }
        return url
    }

    /// Writes `file` as `<directory>/shard-K-of-N.json`: a temporary file renamed into place.
    static func write(_ file: ShardFile, into directory: URL) throws -> URL {
        let target = directory.appendingPathComponent(file.shard.fileName)
        let temp = directory.appendingPathComponent(".\(file.shard.fileName).tmp-\(UnitStore.processTag)")
        do {
            try file.encoded().write(to: temp)
        } catch {
            unlink(temp.path)
            throw InputError("\(target.path): cannot write: \(FileProblem.reason(error, path: target.path))")
        }
        guard rename(temp.path, target.path) == 0 else {
            let code = errno
            unlink(temp.path)
            throw InputError("\(target.path): cannot write: \(FileProblem.errnoReason(code))")
        }
        return target
    }
}
