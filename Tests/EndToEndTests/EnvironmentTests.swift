import Foundation
import Testing
@testable import bnlab

/// Where bnlab finds its templates and which commit it records, wherever it is started.
@Suite(.serialized) struct EnvironmentTests {
    func git(_ args: [String], in dir: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", dir.path] + args
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func theCommitIsBnlabsOwnEvenInsideAnotherRepository() throws {
        let other = FileManager.default.temporaryDirectory.appendingPathComponent("other-repo-\(UUID())")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: other) }
        _ = try git(["init", "-q"], in: other)
        try Data("x".utf8).write(to: other.appendingPathComponent("f"))
        _ = try git(["add", "f"], in: other)
        _ = try git(["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"], in: other)
        let theirs = try git(["rev-parse", "--short=12", "HEAD"], in: other)
        let ours = try git(["describe", "--always", "--dirty", "--abbrev=12"], in: CLI.repoRoot)

        let saved = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(saved) }
        FileManager.default.changeCurrentDirectoryPath(other.path)
        let recorded = GitInfo.commit()
        #expect(recorded == ours)
        #expect(recorded != theirs)
    }

    @Test func templatesAreFoundFromTheBinaryNotTheWorkingDirectory() throws {
        let saved = FileManager.default.currentDirectoryPath
        defer { FileManager.default.changeCurrentDirectoryPath(saved) }
        FileManager.default.changeCurrentDirectoryPath("/")
        let found = try TemplateLocator.directory(explicit: nil)
        #expect(FileManager.default.fileExists(atPath: found.appendingPathComponent("page.mustache").path))
        #expect(found.standardizedFileURL.path == CLI.repoRoot.appendingPathComponent("templates").standardizedFileURL.path)
        #expect(throws: (any Error).self) { try TemplateLocator.directory(explicit: "/nonexistent") }
    }
}
