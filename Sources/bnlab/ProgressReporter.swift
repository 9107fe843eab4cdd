import Foundation
import Studies
import Training

/// Shows pipeline progress on stderr: a bar redrawn in place on a terminal (fitted to its width),
/// one plain line per finished unit with its result otherwise (CI logs), nothing with `--quiet`.
final class ProgressReporter: @unchecked Sendable {
    enum Style { case bar, lines, quiet }

    private let style: Style
    private let start = Date()
    private let lock = NSLock()
    private var lastWidth = 0

    init(quiet: Bool) {
        style = quiet ? .quiet : (isatty(STDERR_FILENO) == 1 ? .bar : .lines)
    }

    /// Reports one finished unit of work.
    func update(_ p: PipelineProgress) {
        lock.withLock {
            let elapsed = Date().timeIntervalSince(start)
            // Units differ in cost (a depth-6 run against a ConvNet run): extrapolate by expected cost, not by count.
            let eta = p.costDone > 0 ? elapsed / p.costDone * max(0, p.costTotal - p.costDone) : 0
            let what = "\(p.study): \(p.label)" + (p.summary.map { " — \($0)" } ?? "")
            switch style {
            case .quiet:
                return
            case .lines:
                FileHandle.standardError.write(Data("[\(p.done)/\(p.total)] \(what)  (\(Self.clock(elapsed)) elapsed)\n".utf8))
            case .bar:
                let width = 24
                let filled = p.total > 0 ? width * p.done / p.total : width
                let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
                var line = "\(bar) \(p.done)/\(p.total)  \(Self.clock(elapsed)), ETA \(Self.clock(eta))  \(what)"
                // A line longer than the terminal wraps, and \r then redraws only its last part.
                let columns = Self.terminalColumns() - 1
                if line.count > columns { line = String(line.prefix(max(0, columns - 1))) + "…" }
                let padded = line.count < lastWidth ? line + String(repeating: " ", count: lastWidth - line.count) : line
                lastWidth = line.count
                FileHandle.standardError.write(Data(("\r" + padded).utf8))
            }
        }
    }

    /// The width of the terminal on stderr (80 when unknown).
    static func terminalColumns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// A one-off message, on its own line.
    func note(_ message: String) {
        lock.withLock {
            guard style != .quiet else { return }
            if style == .bar, lastWidth > 0 { FileHandle.standardError.write(Data("\n".utf8)); lastWidth = 0 }
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
    }

    /// Ends the bar's line.
    func finish() {
        lock.withLock {
            if style == .bar, lastWidth > 0 { FileHandle.standardError.write(Data("\n".utf8)); lastWidth = 0 }
        }
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// Turns Ctrl-C (SIGINT) and SIGTERM into a flag that long loops poll, instead of killing the
/// process mid-write. A second signal ends the process at once: the report directory is
/// updated so that a kill at any moment leaves the previous report whole.
final class Interrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var received: Int32?
    private var sources: [any DispatchSourceSignal] = []

    /// Starts catching SIGINT and SIGTERM.
    func install(onInterrupt: @escaping @Sendable () -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let s = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            s.setEventHandler { [weak self] in
                guard let self else { return }
                let first = self.lock.withLock { () -> Bool in
                    defer { if self.received == nil { self.received = sig } }
                    return self.received == nil
                }
                if first { onInterrupt() } else { _exit(128 + sig) }
            }
            s.resume()
            sources.append(s)
        }
    }

    var isSet: Bool { lock.withLock { received != nil } }

    /// The conventional exit status: 130 after SIGINT, 143 after SIGTERM.
    var exitCode: Int32 { 128 + (lock.withLock { received } ?? SIGINT) }
}
