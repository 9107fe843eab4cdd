import Foundation
import Testing

/// Issue 16 end to end: three shards run as three processes and merge into the unsharded run's
/// metrics.json (byte for byte but for `timings`); bad shard sets are refused in one line without
/// touching the report; a run interrupted by SIGINT resumes to the same report.
@Suite(.serialized) struct ShardTests {
    let dir: URL = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-shard-\(UUID())")

    /// Cheap studies on the synthetic dataset: 14 units of a fraction of a second to a few seconds.
    static let config = """
        dataset: synthetic
        studies: [covariate-shift, batch-size, dropout]
        covariateShift:
          iterations: 20
          samples: 200
          seeds: 2
        batchSize:
          norms: [batch, group]
          batchSizes: [8, 16]
          depth: 2
          seeds: 2
          trainLimit: 16
          testLimit: 16
        dropout:
          depth: 2
          seeds: 1
          trainLimit: 32
          testLimit: 16
          batchSize: 16
          varianceImages: 16
        """
    static let unitCount = 14

    /// Starts bnlab without waiting; its stderr goes to `stderr`.
    func start(_ arguments: [String], stderr: URL) throws -> Process {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = arguments
        FileManager.default.createFile(atPath: stderr.path, contents: nil)
        p.standardError = try FileHandle(forWritingTo: stderr)
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        return p
    }

    /// metrics.json up to its `timings` section (the last key: keys are sorted).
    static func untimed(_ url: URL) throws -> Data {
        let data = try Data(contentsOf: url)
        let marker = Data("\n  \"timings\" : {".utf8)
        let cut = try #require(data.range(of: marker), "no timings in \(url.path)")
        return data[..<cut.lowerBound]
    }

    static func timedUnits(_ url: URL) throws -> Set<String> {
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let timings = try #require(json["timings"] as? [String: Any])
        return Set(try #require(timings["runs"] as? [String: Double]).keys)
    }

    @Test func shardsMergeIntoTheUnshardedReportAndAnInterruptedRunResumes() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let config = dir.appendingPathComponent("tiny.yaml")
        try Data(Self.config.utf8).write(to: config)
        func path(_ name: String) -> URL { dir.appendingPathComponent(name) }

        // MARK: The unsharded reference
        let plain = try CLI.run(["run", "--config", config.path, "--out", path("plain").path, "--jobs", "1"])
        #expect(plain.status == 0, "\(plain.err)")
        let reference = try Self.untimed(path("plain/metrics.json"))
        #expect(try Self.timedUnits(path("plain/metrics.json")).count == Self.unitCount)
        #expect(!FileManager.default.fileExists(atPath: path("plain/.bnlab-units").path), "finished units are removed with the report")

        // MARK: Three shards, three processes at once, then merge
        let shards = path("shards")
        let processes = try (1...3).map { k in
            try start(["run", "--config", config.path, "--shard", "\(k)/3", "--out", shards.path, "--jobs", "1"],
                      stderr: path("shard-\(k).err"))
        }
        for (k, p) in processes.enumerated() {
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(String(decoding: (try? Data(contentsOf: path("shard-\(k + 1).err"))) ?? Data(), as: UTF8.self))")
        }
        var keysByShard: [Int: [String]] = [:]
        for k in 1...3 {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: shards.appendingPathComponent("shard-\(k)-of-3.json"))) as? [String: Any])
            let units = try #require(json["units"] as? [[String: Any]])
            keysByShard[k] = units.map { "\($0["study"]!)/\($0["key"]!)" }
            #expect(!units.isEmpty, "shard \(k) has no units")
            #expect(json["configHash"] as? String != nil && json["bnlabVersion"] as? String != nil && json["config"] != nil)
        }
        #expect(Set(keysByShard.values.joined()).count == Self.unitCount)
        #expect(!FileManager.default.fileExists(atPath: shards.appendingPathComponent(".bnlab-units").path))
        #expect(!FileManager.default.fileExists(atPath: shards.appendingPathComponent("index.html").path), "a shard writes no report")

        let merged = path("merged")
        let merge = try CLI.run(["merge", shards.path, "--out", merged.path])
        #expect(merge.status == 0, "\(merge.err)")
        #expect(try Self.untimed(merged.appendingPathComponent("metrics.json")) == reference)
        #expect(try Self.timedUnits(merged.appendingPathComponent("metrics.json")).count == Self.unitCount)
        try OutputDirectoryTests.expectWhole(merged)
        let page = try Data(contentsOf: merged.appendingPathComponent("index.html"))

        // MARK: Bad shard sets: one line, exit 2, the previous report untouched, no new one
        func refused(_ arguments: [String], saying words: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
            for out in [merged, path("never")] {
                let r = try CLI.run(["merge"] + arguments + ["--out", out.path])
                #expect(r.status == 2, "\(r.err)", sourceLocation: sourceLocation)
                let lines = r.err.split(separator: "\n")
                #expect(lines.count == 1 && lines[0].hasPrefix("Error: "), "\(r.err)", sourceLocation: sourceLocation)
                for w in words { #expect(r.err.contains(w), "'\(w)' not in \(r.err)", sourceLocation: sourceLocation) }
            }
            #expect(try Data(contentsOf: merged.appendingPathComponent("index.html")) == page, sourceLocation: sourceLocation)
            #expect(!FileManager.default.fileExists(atPath: path("never").path), sourceLocation: sourceLocation)
        }
        let file = { (k: Int) in shards.appendingPathComponent("shard-\(k)-of-3.json").path }
        // A missing shard: which one, and the keys it should have produced.
        try refused([file(1), file(3)], saying: ["shard 2/3 (no file given)"] + keysByShard[2]!.map { "'\($0)'" })
        // The same shard twice (a copy under another name).
        let copy = path("copy-of-shard-1.json")
        try FileManager.default.copyItem(atPath: file(1), toPath: copy.path)
        try refused([shards.path, copy.path], saying: ["both shard 1/3"])
        // A shard of another config.
        let other = try CLI.run(["run", "--config", config.path, "--studies", "covariate-shift", "--shard", "2/3",
                                 "--out", path("other").path, "--quiet"])
        #expect(other.status == 0, "\(other.err)")
        try refused([file(1), path("other/shard-2-of-3.json").path, file(3)], saying: ["another config"])
        // A shard of another bnlab version.
        let old = path("old-shard-2.json")
        let text = try String(contentsOfFile: file(2), encoding: .utf8)
        let version = try #require(text.range(of: #""bnlabVersion":"[^"]*""#, options: .regularExpression))
        try Data(text.replacingCharacters(in: version, with: #""bnlabVersion":"0.0.1-old""#).utf8).write(to: old)
        try refused([file(1), old.path, file(3)], saying: ["0.0.1-old", old.path])
        // A truncated shard file.
        let truncated = path("truncated-shard-3.json")
        try Data(contentsOf: URL(fileURLWithPath: file(3))).prefix(500).write(to: truncated)
        try refused([file(1), file(2), truncated.path], saying: ["truncated", truncated.path])

        // MARK: Resume: SIGINT partway, then --resume runs only the rest, to the same report
        let resumed = path("resumed")
        let store = resumed.appendingPathComponent(".bnlab-units")
        func kept() -> Int {
            (FileManager.default.enumerator(atPath: store.path)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".json") }.count
        }
        let p = try start(["run", "--config", config.path, "--out", resumed.path, "--jobs", "1"], stderr: path("interrupted.err"))
        let deadline = Date().addingTimeInterval(600)
        while p.isRunning, kept() < 4, Date() < deadline { usleep(10_000) }
        p.interrupt()   // SIGINT, as Ctrl-C
        p.waitUntilExit()
        let interruptedErr = String(decoding: try Data(contentsOf: path("interrupted.err")), as: UTF8.self)
        #expect(p.terminationStatus == 130, "\(interruptedErr)")
        #expect(interruptedErr.contains("--resume"), "\(interruptedErr)")
        #expect(!FileManager.default.fileExists(atPath: resumed.appendingPathComponent("index.html").path))
        let done = kept()
        #expect(done >= 4 && done < Self.unitCount, "\(done) units kept")

        let resume = try CLI.run(["run", "--config", config.path, "--out", resumed.path, "--jobs", "1", "--resume"])
        #expect(resume.status == 0, "\(resume.err)")
        #expect(resume.err.contains("resuming: \(done) of \(Self.unitCount) units already done"), "\(resume.err)")
        let ran = resume.err.split(separator: "\n").filter { $0.hasPrefix("[") }
        #expect(ran.count == Self.unitCount - done, "\(resume.err)")
        #expect(try Self.untimed(resumed.appendingPathComponent("metrics.json")) == reference)
        #expect(try Self.timedUnits(resumed.appendingPathComponent("metrics.json")).count == Self.unitCount)
        #expect(!FileManager.default.fileExists(atPath: store.path), "kept units are removed once the report is written")
    }
}
