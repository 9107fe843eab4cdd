import Foundation
import Studies
import Training

/// Finished units of a run in progress, kept on disk so that `bnlab run --resume` after a crash,
/// Ctrl-C or a killed job runs only what is missing.
///
/// Layout: `<out>/.bnlab-units/<config hash, 16 hex digits>/<study id>/<unit key>.json`, one file
/// per finished unit (its result, wall time and the bnlab build that ran it), each written to a
/// temporary name and renamed into place, so a file is whole or absent. Keys are made file-name
/// safe (`%XX` for anything but letters, digits, `.`, `_`, `-` and space). A run removes the files
/// of its own units once its report or shard file is written; several shards sharing one `--out`
/// (a cluster's shared directory) keep and remove only their own units.
struct UnitStore: Sendable {
    static let directoryName = ".bnlab-units"

    /// This config's directory in the store.
    let directory: URL
    let bnlabVersion: String
    let gitCommit: String?
    let registry: StudyRegistry

    init(out: URL, configHash: String, bnlabVersion: String, gitCommit: String?, registry: StudyRegistry) {
        directory = out.appendingPathComponent(Self.directoryName, isDirectory: true)
            .appendingPathComponent(String(configHash.prefix(16)), isDirectory: true)
        self.bnlabVersion = bnlabVersion
        self.gitCommit = gitCommit
        self.registry = registry
    }

    /// One unit's file.
    private struct Entry: Codable {
        var bnlabVersion: String
        var gitCommit: String?
        var unit: UnitRecord
    }

    /// A unit's file.
    func url(of id: UnitID) -> URL {
        directory.appendingPathComponent(Self.safeName(id.study), isDirectory: true)
            .appendingPathComponent(Self.safeName(id.key) + ".json")
    }

    /// Writes one finished unit (atomically: a temporary file renamed into place).
    func save(_ record: UnitRecord) throws {
        let target = url(of: record.id)
        let folder = target.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = try JSONCoding.encoder(pretty: false).encode(Entry(bnlabVersion: bnlabVersion, gitCommit: gitCommit, unit: record))
        // Unique across the machines of a cluster that share the directory.
        let temp = folder.appendingPathComponent(".tmp-\(Self.processTag)-\(UUID().uuidString.prefix(8))")
        do {
            try data.write(to: temp)
            guard rename(temp.path, target.path) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            unlink(temp.path)
            throw error
        }
    }

    /// The stored units among `ids` that this build ran; `skipped` counts files that are
    /// unreadable or of another bnlab build (those units run again).
    func load(_ ids: [UnitID]) -> (units: UnitResults, skipped: Int) {
        var units = UnitResults()
        var skipped = 0
        let decoder = JSONCoding.decoder()
        decoder.userInfo[.studyRegistry] = registry
        for id in ids {
            let file = url(of: id)
            guard let data = FileManager.default.contents(atPath: file.path) else { continue }
            guard let entry = try? decoder.decode(Entry.self, from: data), entry.unit.id == id,
                  entry.bnlabVersion == bnlabVersion, entry.gitCommit == gitCommit else { skipped += 1; continue }
            units.insert(entry.unit)
        }
        return (units, skipped)
    }

    /// How many of `ids` have a file.
    func countStored(_ ids: [UnitID]) -> Int {
        ids.filter { FileManager.default.fileExists(atPath: url(of: $0).path) }.count
    }

    /// Deletes the files of `ids`, then whatever directories of the store became empty.
    func remove(_ ids: [UnitID]) {
        for id in ids { unlink(url(of: id).path) }
        let studies = Set(ids.map { directory.appendingPathComponent(Self.safeName($0.study), isDirectory: true) })
        for dir in studies { rmdir(dir.path) }   // only succeeds when empty
        rmdir(directory.path)
        rmdir(directory.deletingLastPathComponent().path)
    }

    /// `<host>-<pid>`: unique among the processes of a cluster sharing a directory. (`gethostname`,
    /// not `ProcessInfo.hostName`, which may ask DNS.)
    static let processTag: String = {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "host"
        return safeName(host) + "-\(getpid())"
    }()

    /// `s` as a file name: letters, digits, `.`, `_`, `-` and space kept, anything else `%XX` (UTF-8).
    static func safeName(_ s: String) -> String {
        var out = ""
        for byte in s.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80, c.isLetter || c.isNumber || "._- ".contains(c), !(out.isEmpty && c == ".") {
                out.append(c)
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out.isEmpty ? "%" : out
    }
}
