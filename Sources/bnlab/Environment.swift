import ArgumentParser
import Foundation

/// Where the report's Mustache templates are.
enum TemplateLocator {
    /// `explicit` if given (it must hold page.mustache); otherwise ./templates, or the templates/
    /// folder of the checkout the binary was built in (…/.build/<config>/bnlab → …/templates).
    static func directory(explicit: String?) throws -> URL {
        let fm = FileManager.default
        func valid(_ url: URL) -> Bool { fm.fileExists(atPath: url.appendingPathComponent("page.mustache").path) }
        if let explicit {
            let url = URL(fileURLWithPath: explicit)
            guard valid(url) else { throw ValidationError("--templates: \(explicit) has no page.mustache") }
            return url
        }
        let cwd = URL(fileURLWithPath: fm.currentDirectoryPath).appendingPathComponent("templates")
        if valid(cwd) { return cwd }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var dir = exe.deletingLastPathComponent()
        for _ in 0..<4 {
            dir = dir.deletingLastPathComponent()
            let candidate = dir.appendingPathComponent("templates")
            if valid(candidate) { return candidate }
        }
        throw ValidationError("cannot find the report templates: run from the bnlab checkout or pass --templates DIR")
    }
}

/// The git commit of the working directory's checkout, if there is one.
enum GitInfo {
    static func commit() -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "rev-parse", "--short=12", "HEAD"]
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
