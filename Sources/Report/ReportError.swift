/// Why a report could not be written.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    /// The templates directory has no `page.mustache` (or cannot be read).
    case missingTemplate(directory: String, name: String)
    /// A template does not parse.
    case invalidTemplate(file: String, message: String)
    /// A file of the report cannot be written.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case let .missingTemplate(dir, name): "templates directory \(dir) has no \(name).mustache"
        case let .invalidTemplate(file, message): "template \(file) does not parse: \(message)"
        case let .io(path, reason): "cannot write \(path): \(reason)"
        }
    }
}
