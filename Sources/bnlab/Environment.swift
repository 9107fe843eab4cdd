import ArgumentParser
import Datasets
import Foundation

/// Where the report's Mustache templates are.
enum TemplateLocator {
    /// `explicit` if given (it must hold page.mustache); otherwise, wherever bnlab was started from:
    /// the templates/ folder above the real executable (…/.build/release/bnlab → …/templates, found
    /// through /proc/self/exe, so a symlink or a PATH entry elsewhere does not matter), an installed
    /// share directory beside it (…/bin/bnlab → …/share/bnlab/templates), and last the checkout the
    /// binary was compiled from.
    static func directory(explicit: String?) throws -> URL {
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            if let problem = FileProblem.notADirectory(url.path) { throw InputError("--templates \(explicit): \(problem)") }
            guard valid(url) else { throw InputError("--templates: \(explicit) has no page.mustache") }
            return url
        }
        let candidates = searchPath()
        if let found = candidates.first(where: valid) { return found }
        throw InputError("cannot find the report templates (looked in \(candidates.map(\.path).joined(separator: ", "))); pass --templates DIR")
    }

    static func valid(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("page.mustache").path)
    }

    /// The directories tried, in order.
    static func searchPath() -> [URL] {
        var out: [URL] = []
        if let exe = realExecutable() {
            var dir = exe.deletingLastPathComponent()
            out.append(dir.appendingPathComponent("../share/bnlab/templates").standardizedFileURL)
            for _ in 0..<4 {
                dir = dir.deletingLastPathComponent()
                out.append(dir.appendingPathComponent("templates"))
            }
        }
        out.append(SourceCheckout.root.appendingPathComponent("templates"))
        var seen = Set<String>()
        return out.filter { seen.insert($0.path).inserted }
    }

    /// The running binary's own path (Linux: /proc/self/exe), not argv[0].
    static func realExecutable() -> URL? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return Bundle.main.executableURL?.resolvingSymlinksInPath()
    }
}

/// The bnlab checkout this binary was compiled from (this file is Sources/bnlab/Environment.swift).
enum SourceCheckout {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}

/// The git commit of bnlab's own checkout, the one the binary was compiled from (with `-dirty` when
/// it has uncommitted changes), or nil when that checkout is gone or is not a git repository. It is
/// never the commit of the repository the user happens to run bnlab in.
enum GitInfo {
    static func commit() -> String? {
        let root = SourceCheckout.root
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent(".git").path),
              FileManager.default.fileExists(atPath: root.appendingPathComponent("Sources/bnlab").path) else { return nil }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "-C", root.path, "describe", "--always", "--dirty", "--abbrev=12"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        let s = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return s.isEmpty ? nil : s
    }
}

/// A one-line description of this machine for reports.
enum MachineInfo {
    static var description: String {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let model = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last?.trimmingCharacters(in: .whitespaces)
        let memory = Double(ProcessInfo.processInfo.physicalMemory) / 1_073_741_824
        return "\(cores) cores\(model.map { ", \($0)" } ?? ""), \(String(format: "%.0f", memory)) GiB"
    }
}
