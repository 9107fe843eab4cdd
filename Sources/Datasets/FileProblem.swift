import Foundation

/// Truthful reasons for file-system problems, without Foundation's error-domain text.
public enum FileProblem {
    /// Why `path` cannot be read as a regular file (missing, a directory, a device…), or nil when it can.
    public static func notARegularFile(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return errnoReason(errno) }
        return st.st_mode & S_IFMT == S_IFREG ? nil : describe(path: path, expectingDirectory: false)
    }

    /// Why a file cannot be written at `path` (its directory missing or read-only, a directory in
    /// the way), or nil when it can.
    public static func notWritableFile(_ path: String) -> String? {
        var st = stat()
        if stat(path, &st) == 0 {
            if st.st_mode & S_IFMT == S_IFDIR { return "is a directory, not a file" }
            return access(path, W_OK) == 0 ? nil : errnoReason(errno)
        }
        let parent = (path as NSString).deletingLastPathComponent
        let dir = parent.isEmpty ? "." : parent
        if let problem = notADirectory(dir) { return "its directory \(dir): \(problem)" }
        return access(dir, W_OK | X_OK) == 0 ? nil : "its directory \(dir): \(errnoReason(errno))"
    }

    /// Why `path` cannot be used as a directory, or nil when it can.
    public static func notADirectory(_ path: String) -> String? {
        var st = stat()
        guard stat(path, &st) == 0 else { return errnoReason(errno) }
        return st.st_mode & S_IFMT == S_IFDIR ? nil : describe(path: path, expectingDirectory: true)
    }

    /// What is wrong with `path` when a directory (or a regular file) was expected there.
    public static func describe(path: String, expectingDirectory: Bool) -> String {
        var st = stat()
        guard stat(path, &st) == 0 else { return errnoReason(errno) }
        switch st.st_mode & S_IFMT {
        case S_IFDIR: return expectingDirectory ? "is a directory" : "is a directory, not a file"
        case S_IFREG: return expectingDirectory ? "is a file, not a directory" : "is a file"
        case S_IFCHR, S_IFBLK: return "is a device, not a \(expectingDirectory ? "directory" : "file")"
        case S_IFIFO: return "is a pipe (FIFO), not a \(expectingDirectory ? "directory" : "file")"
        case S_IFSOCK: return "is a socket, not a \(expectingDirectory ? "directory" : "file")"
        default: return "is not a \(expectingDirectory ? "directory" : "file")"
        }
    }

    /// The reason in `error` without its Foundation domain and code.
    public static func reason(_ error: any Error, path: String) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return errnoReason(Int32(underlying.code))
        }
        if ns.domain == NSPOSIXErrorDomain { return errnoReason(Int32(ns.code)) }
        if ns.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: ns.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile: return "no such file or directory"
            case .fileReadNoPermission, .fileWriteNoPermission: return "permission denied"
            case .fileWriteOutOfSpace: return "no space left on the device"
            case .fileWriteVolumeReadOnly: return "the file system is read-only"
            case .fileWriteFileExists: return "a file is in the way"
            default: break
            }
        }
        // Errors whose text is meaningful; never "NSCocoaErrorDomain error 256".
        let text = ns.localizedDescription
        return text.contains("Domain") || text.contains("error ") ? "an I/O error" : text
    }

    public static func errnoReason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file or directory"
        case EACCES, EPERM: "permission denied"
        case ENOTDIR: "a component of the path is not a directory"
        case EISDIR: "is a directory"
        case EROFS: "the file system is read-only"
        case ENOSPC: "no space left on the device"
        case EDQUOT: "disk quota exceeded"
        case ENAMETOOLONG: "the name is too long"
        case ELOOP: "too many symbolic links"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
