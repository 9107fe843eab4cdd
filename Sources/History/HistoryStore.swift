import Foundation
import GRDB
import Studies

/// Every recorded run's numbers in one SQLite file (`history.sqlite`), for nightly trends.
///
/// The file is opened in WAL mode with a busy timeout, and every write is one `BEGIN IMMEDIATE`
/// transaction: two nightly jobs adding at once both land, one after the other, and a crash
/// mid-write leaves the store as it was (SQLite rolls the unfinished transaction back). A file that
/// is not a bnlab history (not SQLite, another application's database, a newer schema, corrupt) is
/// refused before anything is written to it.
public final class HistoryStore {
    /// The default file name of `--history` and `bnlab history`.
    public static let defaultPath = "history.sqlite"

    public let path: String
    private let db: DatabaseQueue

    /// Opens the store at `path`; `create` makes a new one when the file does not exist.
    public init(path: String, create: Bool) throws(HistoryError) {
        self.path = path
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        let exists = fm.fileExists(atPath: path, isDirectory: &isDirectory)
        if isDirectory.boolValue { throw HistoryError(path: path, "is a directory, not a history file") }
        if !exists {
            guard create else {
                throw HistoryError(path: path, "no such history file (`bnlab history add METRICS.json --db \(path)` creates it)")
            }
            let parent = (path as NSString).deletingLastPathComponent
            if !parent.isEmpty, !fm.fileExists(atPath: parent) {
                throw HistoryError(path: path, "cannot create: directory \(parent) does not exist")
            }
        } else {
            try Self.checkIsOurs(path)
        }
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(60)
            configuration.journalMode = .wal
            configuration.label = "bnlab history"
            db = try DatabaseQueue(path: path, configuration: configuration)
            try HistorySchema.migrate(db)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(path: path, "cannot open: \(Self.describe(error))")
        }
    }

    // MARK: - Adding

    /// Records one run's findings and wall times; refuses a run recorded before (same start time
    /// and configuration).
    @discardableResult
    public func add(_ results: RunResults, label: String? = nil, commit: String? = nil) throws(HistoryError) -> RecordedRun {
        let commit = commit ?? results.gitCommit
        let startedAt = results.timings.startedAt
        let label = label ?? Self.defaultLabel(startedAt: startedAt, commit: commit)
        let hash = results.config.fingerprint
        var values: [(String, String, Double?, Metric.Unit, Metric.Better)] = results.findings.map {
            ($0.id, $0.label, $0.value.flatMap { $0.isFinite ? $0 : nil }, $0.unit, $0.better)
        }
        values.append(("time.total", "Total wall time", results.timings.totalSeconds, .seconds, .lower))
        for id in results.config.studies {
            if let t = results.timings.studies[id] { values.append(("time.\(id)", "Wall time, \(id)", t, .seconds, .lower)) }
        }
        let recordedAt = ISO8601DateFormatter().string(from: Date())
        do {
            let id: Int64 = try db.writeWithoutTransaction { db in
                var id: Int64 = 0
                try db.inTransaction(.immediate) {
                    if let existing = try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE started_at = ? AND config_hash = ?",
                                                         arguments: [startedAt, hash]) {
                        throw HistoryError(path: path, "this run (started \(startedAt), config \(hash)) is already recorded as run #\(existing)")
                    }
                    try db.execute(sql: """
                        INSERT INTO runs (started_at, recorded_at, label, git_commit, config_hash, profile, studies,
                                          bnlab_version, machine, jobs, total_seconds)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [startedAt, recordedAt, label, commit, hash, results.config.profile,
                                         results.config.studies.joined(separator: ","), results.bnlabVersion,
                                         results.timings.machine, results.timings.jobs, results.timings.totalSeconds])
                    id = db.lastInsertedRowID
                    let insert = try db.makeStatement(sql: """
                        INSERT INTO run_values (run_id, metric, label, value, unit, better) VALUES (?, ?, ?, ?, ?, ?)
                        """)
                    for v in values {
                        try insert.execute(arguments: [id, v.0, v.1, v.2, v.3.rawValue, v.4.rawValue])
                    }
                    Self.crashForTesting()
                    return .commit
                }
                return id
            }
            guard let run = try runs(where: "id = ?", [id]).first else {
                throw HistoryError(path: path, "run #\(id) vanished after it was written")
            }
            return run
        } catch let error as HistoryError {
            throw error
        } catch {
            throw HistoryError(path: path, "cannot record the run: \(Self.describe(error))")
        }
    }

    /// `2026-12-02 a70ed9b`: the start date, and the commit when known.
    static func defaultLabel(startedAt: String, commit: String?) -> String {
        let date = String(startedAt.prefix(10))
        guard let commit, !commit.isEmpty else { return date }
        return date + " " + commit.prefix(7)
    }

    /// A test hook: `BNLAB_HISTORY_CRASH_MID_WRITE=1` kills the process inside the write transaction,
    /// after the rows are inserted and before the commit, as a power cut or `kill -9` would.
    private static func crashForTesting() {
        if ProcessInfo.processInfo.environment["BNLAB_HISTORY_CRASH_MID_WRITE"] == "1" { kill(getpid(), SIGKILL) }
    }

    // MARK: - Reading

    /// Every recorded run, oldest first (by start time).
    public func runs() throws(HistoryError) -> [RecordedRun] { try runs(where: nil, []) }

    /// The runs recorded under configuration `hash`, oldest first.
    public func runs(configHash hash: String) throws(HistoryError) -> [RecordedRun] { try runs(where: "config_hash = ?", [hash]) }

    /// The values of `metrics` (all metrics when nil) of the runs `runIDs` (all runs when nil).
    public func values(metrics: [String]? = nil, runs runIDs: [Int64]? = nil) throws(HistoryError) -> [RecordedValue] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let metrics {
            clauses.append("metric IN (\(Array(repeating: "?", count: metrics.count).joined(separator: ",")))")
            arguments += metrics
        }
        if let runIDs {
            clauses.append("run_id IN (\(Array(repeating: "?", count: runIDs.count).joined(separator: ",")))")
            arguments += runIDs
        }
        if (metrics?.isEmpty ?? false) || (runIDs?.isEmpty ?? false) { return [] }
        let sql = "SELECT run_id, metric, label, value, unit, better FROM run_values"
            + (clauses.isEmpty ? "" : " WHERE " + clauses.joined(separator: " AND "))
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                RecordedValue(runID: row[0], metric: row[1], label: row[2], value: row[3],
                              unit: Metric.Unit(rawValue: row[4]) ?? .number, better: Metric.Better(rawValue: row[5]) ?? .neither)
            }
        }
    }

    /// The metric ids recorded, with their labels, in first-recorded order.
    public func metrics() throws(HistoryError) -> [(id: String, label: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT metric, label FROM run_values GROUP BY metric ORDER BY MIN(rowid)").map { ($0[0], $0[1]) }
        }
    }

    private func runs(where clause: String?, _ arguments: [any DatabaseValueConvertible]) throws(HistoryError) -> [RecordedRun] {
        let sql = """
            SELECT id, started_at, recorded_at, label, git_commit, config_hash, profile, studies, bnlab_version,
                   machine, jobs, total_seconds FROM runs
            """ + (clause.map { " WHERE " + $0 } ?? "") + " ORDER BY started_at, id"
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { r in
                RecordedRun(id: r[0], startedAt: r[1], recordedAt: r[2], label: r[3], gitCommit: r[4], configHash: r[5],
                            profile: r[6], studies: r[7], bnlabVersion: r[8], machine: r[9], jobs: r[10], totalSeconds: r[11])
            }
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws(HistoryError) -> T {
        do { return try db.read(body) } catch {
            throw HistoryError(path: path, "cannot read: \(Self.describe(error))")
        }
    }

    // MARK: - Refusing what is not ours

    /// Throws unless `path` is empty, an empty SQLite database, or a bnlab history this version
    /// can read, judging by its header. Reads only: a refused file is left byte for byte as it was.
    static func checkIsOurs(_ path: String) throws(HistoryError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw HistoryError(path: path, "cannot be read (permissions?)") }
        let header = (try? handle.read(upToCount: 100)) ?? Data()
        try? handle.close()
        if header.isEmpty { return }  // a new empty file: SQLite treats it as an empty database
        guard header.count == 100, header.prefix(16) == Data("SQLite format 3\0".utf8) else {
            throw HistoryError(path: path, "is not a bnlab history (not a SQLite database); refusing to touch it")
        }
        // The header's application id (offset 68) and user version (offset 60), big-endian.
        func int32(at offset: Int) -> UInt32 { header[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        var applicationID = int32(at: 68)
        var userVersion = int32(at: 60)
        let pageSize = Int(header[16]) << 8 | Int(header[17])
        let fm = FileManager.default
        let size = (try? fm.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        // In WAL mode the newest header may still be in the -wal file (a job is writing, or one
        // crashed before a checkpoint): then ask SQLite, read-only. Otherwise someone else's
        // database is judged from its header alone, without opening SQLite on it.
        let wal = (try? fm.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        // A new empty database (one page: no table yet, e.g. from `sqlite3 FILE 'VACUUM'`, or one
        // another job is creating this moment) may become a history.
        var empty = wal == 0 && size <= (pageSize == 1 ? 65536 : pageSize)
        if wal > 0 && (applicationID != HistorySchema.applicationID || userVersion < HistorySchema.version) {
            (applicationID, userVersion, empty) = try pragmas(path)
        }
        if applicationID != HistorySchema.applicationID {
            if applicationID == 0, empty { return }
            throw HistoryError(path: path, "is not a bnlab history (a SQLite database of another application); refusing to touch it")
        }
        if userVersion > HistorySchema.version {
            throw HistoryError(path: path, "was written by a newer bnlab (history schema v\(userVersion); this bnlab reads up to v\(HistorySchema.version))")
        }
        try checkIntegrity(path)
    }

    /// `PRAGMA application_id`, `user_version` and whether the schema is empty, through a read-only
    /// connection that sees the WAL.
    static func pragmas(_ path: String) throws(HistoryError) -> (UInt32, UInt32, empty: Bool) {
        do {
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .timeout(60)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            defer { try? queue.close() }
            return try queue.read { db in
                (UInt32(truncatingIfNeeded: try Int.fetchOne(db, sql: "PRAGMA application_id") ?? 0),
                 UInt32(truncatingIfNeeded: try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0),
                 try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") == 0)
            }
        } catch {
            throw HistoryError(path: path, "is corrupt or unreadable (\(describe(error))); refusing to write to it")
        }
    }

    /// Refuses a damaged history before anything writes to it, reading through a read-only
    /// connection (a writable one may write to the file as it opens). SQLite may create the WAL
    /// index files beside a WAL database even then; they are removed again when this check made them.
    static func checkIntegrity(_ path: String) throws(HistoryError) {
        let fm = FileManager.default
        let siblings = ["-wal", "-shm"].map { path + $0 }.filter { !fm.fileExists(atPath: $0) }
        var problem: String?
        do {
            var configuration = Configuration()
            configuration.readonly = true
            // Another job may be creating or writing the file right now: wait for it, as writers do.
            configuration.busyMode = .timeout(60)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            let problems = try queue.read { db in try String.fetchAll(db, sql: "PRAGMA quick_check(3)") }
            if problems != ["ok"] { problem = problems.first { !$0.hasPrefix("***") } ?? problems.first ?? "no answer" }
            try queue.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw HistoryError(path: path, "is locked by another process (waited 60 s): \(describe(error))")
        } catch {
            problem = describe(error)
        }
        guard let problem else { return }
        for file in siblings { try? fm.removeItem(atPath: file) }
        throw HistoryError(path: path, "is corrupt (SQLite: \(problem)); refusing to write to it")
    }

    /// GRDB's error text, without its SQL echo.
    static func describe(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "SQLite error \(e.resultCode.rawValue)" }
        return "\(error)"
    }
}
