import Datasets
import Foundation

/// The report directory (`--out`), updated in place, file by file, touching only the files bnlab wrote.
///
/// The directory itself is never renamed, moved or recreated, so it may be a mount point (a Docker
/// volume) or a symlink (followed, and left a symlink), and it keeps its owner and permissions.
/// `.bnlab-manifest.json` lists the files the last report wrote (paths relative to the directory);
/// only those are ever replaced or deleted, so a user's own file, even inside `figures/`, stays.
///
/// Writing: the report is first written into a private staging directory *inside* `--out`
/// (`.bnlab-tmp-<pid>-staging`). Why a staging directory rather than a writer abstraction: the
/// figure renderers (Cairo, PNG) and `ReportWriter` write files by path, and a directory on the
/// same filesystem as the final files turns each commit step into a single `rename(2)`: atomic,
/// no copy. Only when a subdirectory is another filesystem (`EXDEV`) is the file copied to a
/// temporary name in its final directory and renamed from there.
///
/// Committing, so that a run interrupted, failed or killed at any moment leaves a whole, readable report:
/// 1. the manifest becomes old ∪ new (whatever happens next, every file bnlab wrote stays listed);
/// 2. each new file is renamed over its final name, `index.html` last, so a reader never sees a
///    page whose figures are missing (old figures are still there until step 4);
/// 3. the manifest becomes the new list;
/// 4. files of the old manifest that this report no longer writes are deleted.
/// Temporary names start with `.bnlab-tmp-<pid>`; those of a process that no longer runs are
/// removed on the next run. They are short, whatever the final names' length.
struct ReportDirectory {
    static let manifestName = ".bnlab-manifest.json"
    static let tempPrefix = ".bnlab-tmp-"
    /// Written last: the page that references everything else.
    static let indexName = "index.html"

    /// The directory as the user named it (a symlink is followed, never replaced).
    let url: URL
    /// Where the report is written before `commit` moves it into place.
    let staging: URL

    private var fm: FileManager { .default }

    /// Checks `path` before any work: not empty, a directory (created when missing) that can be
    /// written; removes stale temporary files of earlier runs that were killed.
    init(_ path: String) throws {
        guard !path.isEmpty else { throw InputError("--out: an empty path is not a directory; give e.g. --out output") }
        url = URL(fileURLWithPath: path, isDirectory: true)
        staging = url.appendingPathComponent("\(Self.tempPrefix)\(getpid())-staging", isDirectory: true)
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: url.path, isDirectory: &isDir) {   // follows a symlink
            guard isDir.boolValue else {
                throw InputError("--out \(path): \(FileProblem.describe(path: url.path, expectingDirectory: true))")
            }
        } else {
            if let dest = try? fm.destinationOfSymbolicLink(atPath: url.path) {
                throw InputError("--out \(path): a symbolic link to \(dest), which does not exist")
            }
            do { try fm.createDirectory(at: url, withIntermediateDirectories: true) } catch {
                throw InputError("--out \(path): cannot create the directory: \(FileProblem.reason(error, path: url.path))")
            }
        }
        guard access(url.path, W_OK | X_OK) == 0 else {
            throw InputError("--out \(path): \(FileProblem.errnoReason(errno))")
        }
        removeStaleTemporaries()
    }

    // MARK: - Writing

    /// Creates the (empty) staging directory to write the report into.
    func beginWriting() throws -> URL {
        try? fm.removeItem(at: staging)
        do { try fm.createDirectory(at: staging, withIntermediateDirectories: false) } catch {
            throw InputError("\(url.path): cannot write into it: \(FileProblem.reason(error, path: staging.path))")
        }
        return staging
    }

    /// Deletes the staging directory (after a failure or interruption); the report is untouched.
    func discard() {
        try? fm.removeItem(at: staging)
    }

    /// Moves every file of the staging directory into place (see the type's comment for the order).
    func commit() throws {
        defer { discard() }
        let fresh = try stagedFiles()
        let old = readManifest()
        let freshSet = Set(fresh)
        try writeManifest(old + fresh.filter { !Set(old).contains($0) })
        for rel in fresh {
            try place(rel)
        }
        try writeManifest(fresh)
        for rel in old where !freshSet.contains(rel) {
            let target = url.appendingPathComponent(rel)
            // Only a regular file (never a directory or a link someone put there).
            var st = stat()
            if lstat(target.path, &st) == 0, st.st_mode & S_IFMT == S_IFREG { unlink(target.path) }
        }
    }

    /// The staging directory's regular files, relative paths, `index.html` last.
    private func stagedFiles() throws -> [String] {
        guard let walker = fm.enumerator(at: staging, includingPropertiesForKeys: [.isRegularFileKey]) else {
            throw InputError("\(staging.path): cannot list the files just written")
        }
        let base = staging.standardizedFileURL.resolvingSymlinksInPath().path
        var files: [String] = []
        for case let file as URL in walker {
            guard (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true else { continue }
            let full = file.standardizedFileURL.resolvingSymlinksInPath().path
            guard full.hasPrefix(base + "/") else { continue }
            files.append(String(full.dropFirst(base.count + 1)))
        }
        return files.sorted { a, b in
            if (a == Self.indexName) != (b == Self.indexName) { return b == Self.indexName }
            return a < b
        }
    }

    /// Renames `staging/rel` over `url/rel`; across filesystems, via a temporary name in the final directory.
    private func place(_ rel: String) throws {
        let source = staging.appendingPathComponent(rel)
        let target = url.appendingPathComponent(rel)
        let parent = target.deletingLastPathComponent()
        var isDir: ObjCBool = false
        if fm.fileExists(atPath: parent.path, isDirectory: &isDir) {
            guard isDir.boolValue else {
                throw InputError("\(parent.path): \(FileProblem.describe(path: parent.path, expectingDirectory: true)); bnlab writes its \(rel) there")
            }
        } else {
            do { try fm.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
                throw InputError("\(parent.path): cannot create the directory: \(FileProblem.reason(error, path: parent.path))")
            }
        }
        if fm.fileExists(atPath: target.path, isDirectory: &isDir), isDir.boolValue {
            throw InputError("\(target.path): is a directory; bnlab writes its \(rel) there and does not replace a directory")
        }
        if rename(source.path, target.path) == 0 { return }
        let code = errno
        guard code == EXDEV else {
            throw InputError("\(target.path): cannot write: \(FileProblem.errnoReason(code))")
        }
        let temp = parent.appendingPathComponent("\(Self.tempPrefix)\(getpid())-file")
        unlink(temp.path)
        do { try fm.copyItem(at: source, to: temp) } catch {
            unlink(temp.path)
            throw InputError("\(target.path): cannot write: \(FileProblem.reason(error, path: target.path))")
        }
        guard rename(temp.path, target.path) == 0 else {
            let code = errno
            unlink(temp.path)
            throw InputError("\(target.path): cannot write: \(FileProblem.errnoReason(code))")
        }
    }

    // MARK: - Manifest

    private struct Manifest: Codable {
        var note = "Files written by bnlab's last report here; bnlab replaces or deletes only these."
        var files: [String]
    }

    /// The files the last report wrote; empty when there is no manifest (bnlab then deletes nothing).
    /// A path that could leave the directory is ignored.
    func readManifest() -> [String] {
        guard let data = try? Data(contentsOf: url.appendingPathComponent(Self.manifestName)),
              let manifest = try? JSONDecoder().decode(Manifest.self, from: data) else { return [] }
        return manifest.files.filter(Self.isSafeRelativePath)
    }

    static func isSafeRelativePath(_ rel: String) -> Bool {
        let parts = rel.split(separator: "/", omittingEmptySubsequences: false)
        return !rel.isEmpty && !rel.hasPrefix("/") && !rel.contains("\0")
            && parts.allSatisfy { !$0.isEmpty && $0 != "." && $0 != ".." }
            && rel != manifestName && !parts[0].hasPrefix(tempPrefix)
    }

    private func writeManifest(_ files: [String]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(Manifest(files: files))
        let temp = url.appendingPathComponent("\(Self.tempPrefix)\(getpid())-manifest")
        let target = url.appendingPathComponent(Self.manifestName)
        do { try data.write(to: temp) } catch {
            unlink(temp.path)
            throw InputError("\(target.path): cannot write: \(FileProblem.reason(error, path: target.path))")
        }
        guard rename(temp.path, target.path) == 0 else {
            let code = errno
            unlink(temp.path)
            throw InputError("\(target.path): cannot write: \(FileProblem.errnoReason(code))")
        }
    }

    // MARK: - Stale temporaries

    /// Removes `.bnlab-tmp-<pid>…` entries of processes that no longer run, in the directory and
    /// in the subdirectories the last report wrote into.
    private func removeStaleTemporaries() {
        var directories: Set<String> = [""]
        for rel in readManifest() {
            let dir = (rel as NSString).deletingLastPathComponent
            if !dir.isEmpty { directories.insert(dir) }
        }
        for dir in directories {
            let dirURL = dir.isEmpty ? url : url.appendingPathComponent(dir, isDirectory: true)
            guard let entries = try? fm.contentsOfDirectory(atPath: dirURL.path) else { continue }
            for name in entries where name.hasPrefix(Self.tempPrefix) {
                guard let pid = Int32(name.dropFirst(Self.tempPrefix.count).prefix { $0.isASCII && $0.isNumber }) else { continue }
                if pid != getpid(), kill(pid, 0) == -1, errno == ESRCH {
                    try? fm.removeItem(at: dirURL.appendingPathComponent(name))
                }
            }
        }
    }
}

