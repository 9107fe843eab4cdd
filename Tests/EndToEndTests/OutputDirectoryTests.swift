import Foundation
import Testing

/// `--out` end to end (issue 15, part 1): bnlab touches only the files it wrote, never moves the
/// directory, and a failed, interrupted or killed report leaves the previous one whole.
/// `render` of a committed metrics.json makes a full report in seconds, without training.
@Suite(.serialized) struct OutputDirectoryTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-out-\(UUID())")
    static let metrics = CLI.repoRoot.appendingPathComponent("Tests/ReportTests/Fixtures/metrics-v1.json").path

    init() throws { try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) }

    func render(_ out: String, _ extra: [String] = []) throws -> (status: Int32, out: String, err: String) {
        try CLI.run(["render", "--results", Self.metrics, "--out", out] + extra)
    }

    /// Every file below `dir` (relative path → bytes), following a symlinked `dir`.
    static func snapshot(_ dir: URL) -> [String: Data] {
        var out: [String: Data] = [:]
        let base = dir.resolvingSymlinksInPath()
        guard let walker = FileManager.default.enumerator(atPath: base.path) else { return out }
        for case let rel as String in walker {
            let url = base.appendingPathComponent(rel)
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue {
                out[rel] = (try? Data(contentsOf: url)) ?? Data()
            }
        }
        return out
    }

    /// The page and every image it references are there.
    static func expectWhole(_ dir: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        let sources = html.components(separatedBy: "src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(!sources.isEmpty, sourceLocation: sourceLocation)
        for src in sources where !src.hasPrefix("data:") {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(src).path), "\(src) missing",
                    sourceLocation: sourceLocation)
        }
    }

    static func mode(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions]) as? Int) ?? -1
    }

    @Test func userFilesStayAndOnlyBnlabsOwnFilesAreReplacedOrDeleted() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: out.appendingPathComponent("figures"), withIntermediateDirectories: true)
        // A user's files, beside the report and inside figures/, before and after the first report.
        try Data("mine".utf8).write(to: out.appendingPathComponent("notes.txt"))
        try Data("mine too".utf8).write(to: out.appendingPathComponent("figures/my-plot.png"))
        #expect(try render(out.path).status == 0)
        try Data("later".utf8).write(to: out.appendingPathComponent("figures/later.svg"))
        // A figure the previous report wrote and this one no longer writes: listed in the manifest, deleted.
        let manifestURL = out.appendingPathComponent(".bnlab-manifest.json")
        var manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        manifest["files"] = (manifest["files"] as! [String]) + ["figures/obsolete.png", "../escape.txt", "/etc/hostname"]
        try JSONSerialization.data(withJSONObject: manifest).write(to: manifestURL)
        try Data("old".utf8).write(to: out.appendingPathComponent("figures/obsolete.png"))
        try Data("outside".utf8).write(to: root.appendingPathComponent("escape.txt"))

        let second = try render(out.path)
        #expect(second.status == 0, "\(second.err)")
        #expect(try String(contentsOf: out.appendingPathComponent("notes.txt"), encoding: .utf8) == "mine")
        #expect(try String(contentsOf: out.appendingPathComponent("figures/my-plot.png"), encoding: .utf8) == "mine too")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("figures/later.svg").path))
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("figures/obsolete.png").path))
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("escape.txt").path), "a manifest path outside --out was followed")
        #expect(FileManager.default.fileExists(atPath: "/etc/hostname"))
        let files = try JSONSerialization.jsonObject(with: Data(contentsOf: manifestURL)) as! [String: Any]
        let listed = files["files"] as! [String]
        #expect(listed.last == "index.html")
        #expect(!listed.contains("notes.txt") && !listed.contains("figures/my-plot.png"))
        #expect(listed.contains("metrics.json") && listed.contains { $0.hasPrefix("figures/") })
        try Self.expectWhole(out)
        // No temporary names are left behind.
        #expect(!Self.snapshot(out).keys.contains { $0.contains(".bnlab-tmp-") })
    }

    @Test func aPrivateDirectoryStaysPrivateAndASymlinkStaysASymlink() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let priv = root.appendingPathComponent("private")
        try FileManager.default.createDirectory(at: priv, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        #expect(try render(priv.path).status == 0)
        #expect(try render(priv.path).status == 0)
        #expect(Self.mode(priv.path) == 0o700)

        let real = root.appendingPathComponent("real")
        try FileManager.default.createDirectory(at: real, withIntermediateDirectories: true)
        let link = root.appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: real)
        #expect(try render(link.path).status == 0)
        #expect(try render(link.path).status == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link.path) == real.path)
        try Self.expectWhole(real)
        // The report's directory is never replaced: no sibling staging or backup directories.
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path).sorted() == ["link", "private", "real"])
    }

    @Test func anEmptyOutIsRefusedAndOtherNonDirectoriesAreNamed() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let cwd = root.appendingPathComponent("cwd")
        try FileManager.default.createDirectory(at: cwd, withIntermediateDirectories: true)
        let r = try CLI.run(["render", "--results", Self.metrics, "--out", ""], in: cwd)
        #expect(r.status == 2 && r.err.contains("--out") && r.err.contains("empty"), "\(r.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty)
        let run = try CLI.run(["run", "--out", "", "--dataset", "synthetic"], in: cwd)
        #expect(run.status == 2 && run.err.contains("empty"), "\(run.err)")

        let file = root.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let onFile = try render(file.path)
        #expect(onFile.status == 2 && onFile.err.contains("is a file, not a directory"), "\(onFile.err)")
        let onDevice = try render("/dev/null")
        #expect(onDevice.status == 2 && onDevice.err.contains("is a device"), "\(onDevice.err)")
    }

    @Test func aNameOf255BytesWorks() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent(String(repeating: "n", count: 255))
        let r = try render(out.path)
        #expect(r.status == 0, "\(r.err)")
        try Self.expectWhole(out)
    }

    @Test func staleTemporariesOfKilledRunsAreRemoved() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("report")
        #expect(try render(out.path).status == 0)
        // pid 2^22 + 1 is above Linux's pid_max limit: no such process can exist.
        let dead = "\(4_194_305)"
        let fm = FileManager.default
        try fm.createDirectory(at: out.appendingPathComponent(".bnlab-tmp-\(dead)-staging/figures"), withIntermediateDirectories: true)
        try Data("half".utf8).write(to: out.appendingPathComponent(".bnlab-tmp-\(dead)-staging/figures/x.png"))
        try Data("half".utf8).write(to: out.appendingPathComponent("figures/.bnlab-tmp-\(dead)-file"))
        try Data("half".utf8).write(to: out.appendingPathComponent(".bnlab-tmp-\(dead)-manifest"))
        // A temporary of a process that still runs (this one) is left alone.
        let live = ".bnlab-tmp-\(getpid())-staging"
        try fm.createDirectory(at: out.appendingPathComponent(live), withIntermediateDirectories: true)
        #expect(try render(out.path).status == 0)
        let left = Self.snapshot(out).keys.filter { $0.contains(".bnlab-tmp-") }
        #expect(left.isEmpty, "\(left)")
        #expect(fm.fileExists(atPath: out.appendingPathComponent(live).path))
    }

    @Test func aFailingReportLeavesThePreviousOneByteIdentical() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("report")
        #expect(try render(out.path).status == 0)
        try Data("mine".utf8).write(to: out.appendingPathComponent("figures/mine.txt"))
        let before = Self.snapshot(out)

        // Templates that fail after every figure has been drawn.
        let templates = root.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: CLI.repoRoot.appendingPathComponent("templates"), to: templates)
        try Data("{{#unclosed}}".utf8).write(to: templates.appendingPathComponent("page.mustache"))
        let failed = try render(out.path, ["--templates", templates.path, "--formats", "png,svg"])
        #expect(failed.status == 2, "\(failed.err)")
        #expect(Self.snapshot(out) == before)

        // A run that fails on its input, and one on an unusable baseline.
        #expect(try CLI.run(["run", "--dataset", "fashion-mnist", "--data", "/nonexistent", "--out", out.path]).status == 2)
        #expect(try render(out.path, ["--baseline", "/dev/null"]).status == 2)
        #expect(Self.snapshot(out) == before)
    }

    @Test func killedOrInterruptedAtAnyMomentThePreviousReportStaysWhole() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("report")
        #expect(try render(out.path).status == 0)
        try Data("mine".utf8).write(to: out.appendingPathComponent("figures/mine.txt"))
        let before = Self.snapshot(out)
        // SIGKILL at several moments of a render (which takes a few seconds): whatever moment it
        // hits, the page and all its figures are there, and the user's file too.
        for delay in [0.05, 0.4, 1.0, 1.8, 2.6] {
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["render", "--results", Self.metrics, "--out", out.path, "--formats", "png,svg"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: delay)
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            try Self.expectWhole(out)
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("figures/mine.txt").path))
        }
        // The next render cleans up after the killed ones.
        #expect(try render(out.path).status == 0)
        #expect(!Self.snapshot(out).keys.contains { $0.contains(".bnlab-tmp-") })
        #expect(Self.snapshot(out).keys.sorted() == before.keys.sorted())

        // SIGINT and SIGTERM: 130 and 143 and nothing changed (or 0 if the render won the race).
        for (sig, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            let current = Self.snapshot(out)
            let p = Process()
            p.executableURL = CLI.binary
            p.arguments = ["render", "--results", Self.metrics, "--out", out.path, "--formats", "png,svg,pdf"]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            Thread.sleep(forTimeInterval: 0.8)
            kill(p.processIdentifier, sig)
            p.waitUntilExit()
            #expect(p.terminationReason == .exit)
            #expect(p.terminationStatus == code || p.terminationStatus == 0, "signal \(sig): status \(p.terminationStatus)")
            if p.terminationStatus == code { #expect(Self.snapshot(out) == current) }
            try Self.expectWhole(out)
        }
    }

    @Test func aLongRunStopsPromptlyOnSIGTERMWith143() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let config = root.appendingPathComponent("big.yaml")
        try Data("""
            dataset: synthetic
            studies: [covariate-shift]
            covariateShift:
              iterations: 2000
              samples: 1000000
              seeds: 4
            """.utf8).write(to: config)
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["run", "--config", config.path, "--out", root.appendingPathComponent("r").path, "--quiet"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        Thread.sleep(forTimeInterval: 3)
        let sent = Date()
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 143)
        #expect(Date().timeIntervalSince(sent) < 3, "took \(Date().timeIntervalSince(sent)) s to stop")
    }

    /// `--out` a mount point (a Docker volume): bnlab can never rename it, and must not try.
    @Test func aMountPointWorksAndKeepsItsOtherFiles() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        guard getuid() == 0 else {
            print("OutputDirectoryTests.aMountPointWorksAndKeepsItsOtherFiles: skipped, mounting a tmpfs needs root")
            return
        }
        let mountPoint = root.appendingPathComponent("volume")
        try FileManager.default.createDirectory(at: mountPoint, withIntermediateDirectories: true)
        let mounted = Process()
        mounted.executableURL = URL(fileURLWithPath: "/bin/mount")
        mounted.arguments = ["-t", "tmpfs", "-o", "size=64m,mode=0750", "bnlab-test", mountPoint.path]
        mounted.standardError = FileHandle.nullDevice
        try mounted.run()
        mounted.waitUntilExit()
        guard mounted.terminationStatus == 0 else {
            print("OutputDirectoryTests.aMountPointWorksAndKeepsItsOtherFiles: skipped, mount -t tmpfs failed (no CAP_SYS_ADMIN in this container?)")
            return
        }
        defer {
            let u = Process()
            u.executableURL = URL(fileURLWithPath: "/bin/umount")
            u.arguments = [mountPoint.path]
            try? u.run()
            u.waitUntilExit()
        }
        try Data("volume data".utf8).write(to: mountPoint.appendingPathComponent("keep.txt"))
        let first = try render(mountPoint.path)
        #expect(first.status == 0, "\(first.err)")
        let second = try render(mountPoint.path)
        #expect(second.status == 0, "\(second.err)")
        #expect(try String(contentsOf: mountPoint.appendingPathComponent("keep.txt"), encoding: .utf8) == "volume data")
        #expect(Self.mode(mountPoint.path) == 0o750)
        try Self.expectWhole(mountPoint)

        // figures/ a mount of its own (a bind mount): moving files into it crosses filesystems.
        let figures = mountPoint.appendingPathComponent("figures")
        let other = root.appendingPathComponent("other-disk")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let bind = Process()
        bind.executableURL = URL(fileURLWithPath: "/bin/mount")
        bind.arguments = ["--bind", other.path, figures.path]
        try bind.run()
        bind.waitUntilExit()
        guard bind.terminationStatus == 0 else {
            print("OutputDirectoryTests.aMountPointWorksAndKeepsItsOtherFiles: bind mount part skipped, mount --bind failed")
            return
        }
        defer {
            let u = Process()
            u.executableURL = URL(fileURLWithPath: "/bin/umount")
            u.arguments = [figures.path]
            try? u.run()
            u.waitUntilExit()
        }
        try Data("mine".utf8).write(to: figures.appendingPathComponent("mine.txt"))
        let third = try render(mountPoint.path)
        #expect(third.status == 0, "\(third.err)")
        try Self.expectWhole(mountPoint)
        #expect(FileManager.default.fileExists(atPath: other.appendingPathComponent("mine.txt").path))
        #expect(!Self.snapshot(mountPoint).keys.contains { $0.contains(".bnlab-tmp-") })
    }
}
