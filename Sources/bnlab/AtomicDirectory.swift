import Foundation

/// Writes a directory by building it in a temporary sibling and renaming it into place at the end,
/// so an interrupted or failed run leaves the previous one intact.
struct AtomicDirectory {
    let destination: URL
    /// The temporary sibling being filled.
    let staging: URL
    /// Entries of the destination that `commit` carries over when the new content lacks them
    /// (e.g. `gallery/` or `.gitkeep` in `output/`).
    let preserveForeign: Bool

    init(_ destination: URL, preserveForeign: Bool = true) throws {
        self.destination = destination.standardizedFileURL
        let parent = self.destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        staging = parent.appendingPathComponent(".\(self.destination.lastPathComponent).tmp-\(getpid())")
        try? FileManager.default.removeItem(at: staging)
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        self.preserveForeign = preserveForeign
    }

    /// Moves the finished staging directory into place.
    func commit() throws {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: destination.path, isDirectory: &isDir) else {
            try fm.moveItem(at: staging, to: destination)
            return
        }
        guard isDir.boolValue else {
            throw CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: destination.path])
        }
        if preserveForeign {
            let fresh = Set(try fm.contentsOfDirectory(atPath: staging.path))
            for entry in try fm.contentsOfDirectory(atPath: destination.path) where !fresh.contains(entry) {
                try fm.moveItem(at: destination.appendingPathComponent(entry), to: staging.appendingPathComponent(entry))
            }
        }
        let old = destination.deletingLastPathComponent().appendingPathComponent(".\(destination.lastPathComponent).old-\(getpid())")
        try fm.moveItem(at: destination, to: old)
        try fm.moveItem(at: staging, to: destination)
        try? fm.removeItem(at: old)
    }

    /// Deletes the staging directory (after a failure or interruption).
    func discard() {
        try? FileManager.default.removeItem(at: staging)
    }
}
