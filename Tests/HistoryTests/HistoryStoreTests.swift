import Foundation
import History
import Studies
import Testing

/// Real SQLite files in a temporary directory: recording, reading, refusing, migrating.
@Suite struct HistoryStoreTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repoRoot = here.deletingLastPathComponent().deletingLastPathComponent()
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-history-\(UUID())")

    init() throws { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }

    /// A real run's metrics.json (written by an earlier bnlab), started `night` days later, with
    /// every accuracy shifted by `shift`.
    static func run(night: Int, shift: Double = 0, seconds: Double? = nil) throws -> RunResults {
        var r = try RunResults.read(from: repoRoot.appendingPathComponent("Tests/ReportTests/Fixtures/metrics-v1.json"))
        r.timings.startedAt = String(format: "2026-11-%02dT02:00:00Z", 1 + night)
        r.findings = r.findings.map { m in
            var m = m
            if m.unit == .accuracy, let v = m.value { m.value = v + shift }
            return m
        }
        if let seconds { r.timings.totalSeconds = seconds }
        return r
    }

    func path(_ name: String) -> String { dir.appendingPathComponent(name).path }

    @Test func recordsAndReadsBackInStartOrder() throws {
        let store = try HistoryStore(path: path("h.sqlite"), create: true)
        let late = try store.add(Self.run(night: 5), label: "late")
        let early = try store.add(Self.run(night: 2), label: "early", commit: "abc1234")
        #expect(try store.runs().map(\.label) == ["early", "late"])
        #expect(early.gitCommit == "abc1234" && late.machine == "2 cores, AMD EPYC, 24 GiB" && late.jobs == 2)
        let r = try Self.run(night: 5)
        let values = try store.values(runs: [late.id])
        // Every finding, the total wall time and each study's.
        #expect(values.count == r.findings.count + 1 + r.config.studies.filter { r.timings.studies[$0] != nil }.count)
        let best = try #require(values.first { $0.metric == "lr-sweep.depth2.bn.best_accuracy" })
        #expect(best.value == r.findings.first { $0.id == best.metric }?.value && best.unit == .accuracy && best.better == .higher)
        #expect(late.configHash == r.config.fingerprint && late.configHash.count == 16)
    }

    @Test func theSameRunIsRecordedOnce() throws {
        let store = try HistoryStore(path: path("h.sqlite"), create: true)
        let first = try store.add(Self.run(night: 1))
        #expect(throws: HistoryError.self) { try store.add(Self.run(night: 1)) }
        let tonight = try Self.run(night: 1)
        let again = Result { () throws(HistoryError) in try store.add(tonight) }
        if case .failure(let error) = again { #expect(error.description.contains("already recorded as run #\(first.id)")) }
        #expect(try store.runs().count == 1)
    }

    @Test func aMissingFileIsCreatedOnlyWhenAsked() throws {
        #expect(throws: HistoryError.self) { try HistoryStore(path: path("none.sqlite"), create: false) }
        #expect(!FileManager.default.fileExists(atPath: path("none.sqlite")))
        #expect(throws: HistoryError.self) { try HistoryStore(path: path("no/such/dir/h.sqlite"), create: true) }
    }

    // MARK: - Refusing what is not ours, untouched

    /// Opens `file` for writing; expects a refusal naming it, and the file byte for byte as it was.
    func expectRefused(_ file: String, containing words: String) throws {
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let message = Self.openingError(file)
        #expect(message != nil, "\(file) was accepted")
        if let message {
            #expect(message.hasPrefix(file + ": "), "\(message)")
            #expect(message.contains(words), "\(message)")
            #expect(!message.contains("\n"))
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
        #expect(!FileManager.default.fileExists(atPath: file + "-wal"))
    }

    /// The error opening `file` for writing gives, as the user reads it; nil if it opens.
    static func openingError(_ file: String) -> String? {
        let result = Result { () throws(HistoryError) -> HistoryStore in try HistoryStore(path: file, create: true) }
        if case .failure(let error) = result { return error.description }
        return nil
    }

    @Test func refusesATextFile() throws {
        try Data("date,accuracy\n2026-11-01,0.9\n".utf8).write(to: URL(fileURLWithPath: path("notes.csv")))
        try expectRefused(path("notes.csv"), containing: "not a SQLite database")
    }

    @Test func refusesAnotherApplicationsDatabase() throws {
        // A real SQLite file of someone else's: GRDB would happily turn it into a history.
        let foreign = path("other.sqlite")
        do {
            let other = try HistoryStore(path: foreign, create: true)  // make a SQLite file…
            _ = other
        }
        try Self.rewriteHeader(foreign, applicationID: 0x1234_5678)  // …and make it another application's
        try expectRefused(foreign, containing: "another application")
    }

    @Test func refusesANewerSchema() throws {
        let file = path("newer.sqlite")
        _ = try HistoryStore(path: file, create: true)
        try Self.rewriteHeader(file, userVersion: 99)
        try expectRefused(file, containing: "newer bnlab (history schema v99")
    }

    @Test func refusesACorruptFile() throws {
        let file = path("corrupt.sqlite")
        do {
            // Closing the store checkpoints the WAL into the main file.
            let store = try HistoryStore(path: file, create: true)
            for night in 0..<30 { try store.add(Self.run(night: night)) }
        }
        #expect(!FileManager.default.fileExists(atPath: file + "-wal"))
        // Scribble over the middle pages, keep the header: what a bad disk or a half-copied file gives.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        try #require(bytes.count > 4096 * 3)
        for i in 4096..<min(bytes.count, 4096 * 3) { bytes[i] = UInt8(truncatingIfNeeded: i &* 31) }
        try bytes.write(to: URL(fileURLWithPath: file))
        try? FileManager.default.removeItem(atPath: file + "-shm")
        try expectRefused(file, containing: "corrupt")
    }

    /// Sets the big-endian user version (offset 60) or application id (offset 68) in a SQLite header.
    static func rewriteHeader(_ file: String, userVersion: UInt32? = nil, applicationID: UInt32? = nil) throws {
        // Fold the WAL into the main file first, so the header is the whole truth.
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: file + suffix) {
            try FileManager.default.removeItem(atPath: file + suffix)
        }
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        func put(_ v: UInt32, at o: Int) { for k in 0..<4 { bytes[o + k] = UInt8(truncatingIfNeeded: v >> (24 - 8 * k)) } }
        if let userVersion { put(userVersion, at: 60) }
        if let applicationID { put(applicationID, at: 68) }
        try bytes.write(to: URL(fileURLWithPath: file))
    }

    // MARK: - Migrations

    /// `Fixtures/history-v1.sqlite` was written by schema v1 (two runs, no machine column).
    @Test func migratesACommittedVersion1File() throws {
        let file = path("v1.sqlite")
        try FileManager.default.copyItem(at: Self.here.appendingPathComponent("Fixtures/history-v1.sqlite"),
                                         to: URL(fileURLWithPath: file))
        let store = try HistoryStore(path: file, create: false)
        let runs = try store.runs()
        #expect(runs.map(\.label) == ["v1 night 1", "v1 night 2"])
        #expect(runs.allSatisfy { $0.machine == nil && $0.jobs == nil })
        #expect(try store.values(metrics: ["lr-sweep.depth2.bn.best_accuracy"]).compactMap(\.value) == [0.5, 0.52])
        // And the migrated file takes new runs, with the columns v2 added.
        let added = try store.add(Self.run(night: 20))
        #expect(added.machine != nil)
        #expect(try store.runs().count == 3)
        let reopened = try HistoryStore(path: file, create: false)
        #expect(try reopened.runs().count == 3)
    }
}
