import Foundation
import Testing

/// `bnlab history` and `compare --history` as a nightly job uses them: real processes, real files.
@Suite(.serialized) struct HistoryCLITests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-history-cli-\(UUID())")
    /// A real run's metrics.json in today's schema: the committed v1 file, rendered once by bnlab
    /// (reading v1 re-derives the findings, so edits must be made to a v2 file).
    static let metrics: URL = {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-history-cli-base-\(UUID())")
        let v1 = CLI.repoRoot.appendingPathComponent("Tests/ReportTests/Fixtures/metrics-v1.json")
        _ = try? CLI.run(["render", "--results", v1.path, "--out", out.path])
        return out.appendingPathComponent("metrics.json")
    }()

    init() throws { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }

    /// A copy of a real metrics.json started on `night`, every accuracy shifted by `shift`.
    func night(_ night: Int, shift: Double = 0) throws -> String {
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.metrics)) as! [String: Any]
        var timings = json["timings"] as! [String: Any]
        timings["startedAt"] = String(format: "2026-11-%02dT02:00:00Z", 1 + night)
        json["timings"] = timings
        json["findings"] = (json["findings"] as! [[String: Any]]).map { m in
            var m = m
            if m["unit"] as? String == "accuracy", let v = m["value"] as? Double { m["value"] = v + shift }
            return m
        }
        let url = dir.appendingPathComponent("night\(night)-\(shift).json")
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        return url.path
    }

    var db: String { dir.appendingPathComponent("history.sqlite").path }

    @Test func aNightlyJobRecordsListsShowsAndJudges() throws {
        for n in 0..<5 {
            let r = try CLI.run(["history", "add", night(n), "--db", db, "--label", "night \(n)"])
            #expect(r.status == 0, "\(r.err)")
            #expect(r.out.contains("recorded run #\(n + 1) 'night \(n)'"))
        }
        let list = try CLI.run(["history", "list", "--db", db])
        #expect(list.status == 0 && list.out.contains("night 4"))
        let show = try CLI.run(["history", "show", "lr-sweep.depth2.bn.best_accuracy", "--db", db])
        #expect(show.status == 0 && show.out.contains("5 runs") && show.out.contains("no step detected"), "\(show.out)")

        let same = try CLI.run(["compare", "--history", db, night(9)])
        #expect(same.status == 0, "\(same.out)\(same.err)")
        #expect(same.out.contains("OK against the last 5 runs"))
        let worse = try CLI.run(["compare", "--history", db, night(9, shift: -0.05)])
        #expect(worse.status == 1, "\(worse.out)")
        #expect(worse.out.contains("regressed") && worse.out.contains("REGRESSED against the last 5 runs"))
        let better = try CLI.run(["compare", "--history", db, night(9, shift: 0.05), "--json"])
        #expect(better.status == 0)
        #expect(better.out.contains("\"status\":\"ok\"") && better.out.contains("\"verdict\":\"improved\""))
    }

    @Test func badInputIsOneLineAndExitTwo() throws {
        let text = dir.appendingPathComponent("notes.txt")
        try Data("not a database".utf8).write(to: text)
        let add = try CLI.run(["history", "add", night(0), "--db", text.path])
        #expect(add.status == 2)
        #expect(add.err == "Error: \(text.path): is not a bnlab history (not a SQLite database); refusing to touch it\n")
        #expect(try String(contentsOf: text, encoding: .utf8) == "not a database")

        let missing = try CLI.run(["compare", "--history", dir.appendingPathComponent("none.sqlite").path, night(0)])
        #expect(missing.status == 2 && missing.err.contains("no such history file"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.sqlite").path))

        _ = try CLI.run(["history", "add", night(0), "--db", db])
        let twice = try CLI.run(["history", "add", night(0), "--db", db])
        #expect(twice.status == 2 && twice.err.contains("already recorded as run #1"))
        let unknown = try CLI.run(["history", "show", "lr-sweep.depth2.bn.best_acc", "--db", db])
        #expect(unknown.status == 2 && unknown.err.contains("did you mean"))
        let usage = try CLI.run(["compare", "--history", db])
        #expect(usage.status == 64)
    }

    @Test func twoJobsAddingAtOnceBothLand() throws {
        // Eight processes started together on a new file: its creation and every insert race.
        let files = try (0..<8).map { try night($0) }
        let processes = files.map { file -> Process in
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["history", "add", file, "--db", db]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            return p
        }
        for p in processes { try p.run() }
        for p in processes { p.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 }, "\(processes.map(\.terminationStatus))")
        let list = try CLI.run(["history", "list", "--db", db, "--json"])
        let runs = try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]]
        #expect(runs?.count == 8)
    }

    @Test func aCrashMidWriteLeavesTheStoreAsItWas() throws {
        _ = try CLI.run(["history", "add", night(0), "--db", db])
        let before = try CLI.run(["history", "list", "--db", db, "--json"]).out
        // Killed (SIGKILL) inside the transaction, after its rows are inserted.
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["history", "add", try night(1), "--db", db]
        p.environment = ProcessInfo.processInfo.environment.merging(["BNLAB_HISTORY_CRASH_MID_WRITE": "1"]) { $1 }
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal && p.terminationStatus == SIGKILL)
        #expect(try CLI.run(["history", "list", "--db", db, "--json"]).out == before)
        // And the store still takes the run afterwards.
        let retry = try CLI.run(["history", "add", night(1), "--db", db])
        #expect(retry.status == 0 && retry.out.contains("run #2"), "\(retry.err)")
    }
}
