import ArgumentParser
import Foundation
import Datasets
import Engine

/// The `bnlab` command: experiments on what Batch Normalization does to usable learning rates.
@main
struct BNLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bnlab",
        abstract: "Measure what Batch Normalization does to the learning rates a network can use.",
        discussion: """
            bnlab trains small convolutional networks on Fashion-MNIST with and without \
            Batch Normalization, measures them, and renders a static HTML report.
            Examples:
              bnlab run                                   # every study, quick profile, report in output/
              bnlab run --studies gradients --jobs 2      # one study
              bnlab run --shard 2/8 --out shards          # one of 8 shards (e.g. a cluster job)
              bnlab merge shards --out output             # the 8 shards' report
              bnlab run --resume                          # after an interrupted run: only what is missing
              bnlab compare baseline/metrics.json output/metrics.json
              bnlab train --model convnet-bn --lr 0.1 --epochs 2 --save m.safetensors
              bnlab help run                              # the options of one command
            Exit status: 0 success, 1 a comparison regressed, 2 unusable input (a bad config, file or \
            dataset), 64 usage (an unknown command or option), 130 interrupted (SIGINT), 143 terminated (SIGTERM).
            """,
        version: bnlabVersion,
        subcommands: [Run.self, Merge.self, Render.self, Compare.self, HistoryCommand.self, Train.self, LRFind.self, Eval.self, Capture.self, Models.self, Bench.self, Gallery.self]
    )

    static func main() {
        Allocator.keepFreedMemory()   // steps reuse their freed activations instead of faulting pages in
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let typo = unknownCommand(arguments) {
            stderrLine("Error: unknown command '\(typo.word)'." + (typo.suggestion.map { " Did you mean '\($0)'?" } ?? "")
                       + " Commands: \(commandNames.joined(separator: ", ")); 'bnlab --help' shows them.")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        let command: any ParsableCommand
        do { command = try parseAsRoot(arguments) } catch { exit(withError: error) }
        do {
            var command = command
            try command.run()
        } catch let error where exitCode(for: error) == .failure && !(error is ExitCode) {
            // bnlab's own errors (unusable input): one line, no usage text.
            stderrLine("Error: \(userMessage(error))")
            Foundation.exit(2)
        } catch let error as ValidationError {
            // A bad option value: one line, and where the options are listed (not bnlab's whole usage).
            stderrLine("Error: \(error.message)\n  'bnlab help \(type(of: command)._commandName)' lists the options.")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            type(of: command).exit(withError: error)
        }
    }

    /// An error's text for the user: Foundation's file errors become "path: reason", never
    /// "The operation could not be completed (NSCocoaErrorDomain error 256)".
    static func userMessage(_ error: any Error) -> String {
        guard error is CocoaError || error is POSIXError || type(of: error) == NSError.self else { return "\(error)" }
        let ns = error as NSError
        let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
        let reason = FileProblem.reason(error, path: path ?? "")
        return path.map { "\($0): \(reason)" } ?? reason
    }

    static var commandNames: [String] { configuration.subcommands.map { $0._commandName } + ["help"] }

    /// The first argument when it looks like a command but is none, with the closest command name.
    static func unknownCommand(_ arguments: [String]) -> (word: String, suggestion: String?)? {
        guard let first = arguments.first, !first.hasPrefix("-"), !commandNames.contains(first) else { return nil }
        let best = commandNames.map { ($0, editDistance(first, $0)) }.min { $0.1 < $1.1 }
        return (first, best.flatMap { $0.1 <= max(1, first.count / 2) ? $0.0 : nil })
    }

    /// Levenshtein distance, counting a swap of neighbours as one edit (`rnu` → `run`).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in stride(from: 1, through: a.count, by: 1) {
            for j in stride(from: 1, through: b.count, by: 1) {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}

/// The tool's version, recorded in reports, checkpoints and PNG metadata.
let bnlabVersion = "0.1.0"
