import Foundation

/// Why a dataset could not be loaded; every case names the file or directory and what is wrong.
public enum DatasetError: Error, Equatable, Sendable {
    /// A directory or file does not exist; `help` says how to get it.
    case notFound(path: String, help: String)
    /// A file exists but could not be read (permissions, I/O error).
    case unreadable(file: String, reason: String)
    /// A file's contents are malformed: bad magic number, truncated, wrong dimensions, bad gzip stream.
    case corrupt(file: String, reason: String)
    /// Files that belong together disagree, e.g. image and label counts.
    case mismatch(String)
}

// MARK: - Messages

extension DatasetError: CustomStringConvertible, LocalizedError {
    public var description: String {
        switch self {
        case let .notFound(path, help): "\(path): not found. \(help)"
        case let .unreadable(file, reason): "\(file): cannot read: \(reason)"
        case let .corrupt(file, reason): "\(file): \(reason)"
        case let .mismatch(message): message
        }
    }

    public var errorDescription: String? { description }
}
