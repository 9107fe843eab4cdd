import ArgumentParser
import Datasets
import Foundation
import Report
import Studies
import Training

/// `bnlab merge`: the report of a sharded run, from its shard files.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check the shard files of a sharded run and write its report.",
        discussion: """
            Reads the shard files that `bnlab run --shard K/N` wrote (files, or directories holding \
            shard-K-of-N.json files), checks that they come from one config (its hash), one bnlab \
            build and one shard count, and that together they hold every unit exactly once, then \
            writes the report as `bnlab run` does: metrics.json is byte for byte the one an \
            unsharded run writes, but for its timings. Nothing is trained.
            Any problem (a missing shard: the unit keys it should have produced; a shard given \
            twice; a shard of another config or bnlab; a truncated file) is one line, exit status 2, \
            and no report is written: the previous one in --out stays whole.
            Examples:
              bnlab merge shards --out report
              bnlab merge shards/shard-*-of-3.json --out report
              bnlab merge artifacts/*/ --out report --baseline last/metrics.json
            """)

    @Argument(help: ArgumentHelp("Shard files, or directories holding shard-K-of-N.json files.", valueName: "shards"))
    var shards: [String] = []
    @Option(help: ArgumentHelp("Output directory.", valueName: "dir")) var out: String = "output"
    @Option(help: ArgumentHelp("Figure formats: png, svg, pdf (comma-separated; PNG is always written).", valueName: "list"))
    var formats: String = "png"
    @Flag(help: "Write one self-contained HTML file with the images inlined.") var singleFile = false
    @Option(help: ArgumentHelp("Directory of Mustache templates to use instead of the built-in templates/.", valueName: "dir"))
    var templates: String?
    @Option(help: ArgumentHelp("A previous metrics.json to compare with in the report.", valueName: "file"))
    var baseline: String?
    @Option(help: ArgumentHelp("A history file (SQLite; created if missing) to record the merged run in and chart the trends from.",
                               valueName: "file"))
    var history: String?
    @Flag(help: "No progress output.") var quiet = false

    func run() throws {
        guard !shards.isEmpty else { throw ValidationError("give the shard files or their directory, e.g. bnlab merge shards --out report") }
        let imageFormats = try parseFormats(formats)
        let templatesDirectory = try TemplateLocator.directory(explicit: templates)
        let baselineResults = try baseline.map(readBaseline)
        let historyStore = try history.map(openHistory)
        let start = Date()
        let results: RunResults
        let count: Int
        do {
            let files = try Self.shardFiles(shards)
            let inputs = try files.map { (path: $0.path, file: try ShardFile.read(from: $0)) }
            count = inputs.count
            results = try ShardMerge(inputs, bnlabVersion: bnlabVersion).results()
        } catch let error as UnitsError {
            throw InputError(error.description)
        }
        let readSeconds = Date().timeIntervalSince(start)
        let output = try ReportDirectory(out)
        let interrupt = Interrupt()
        interrupt.install { stderrLine("interrupted: stopping…") }
        let comparison: Comparison?
        do {
            comparison = try publishReport(results, baseline: baselineResults, templates: templatesDirectory, formats: imageFormats,
                                           singleFile: singleFile, command: Run.reproducingCommand(out: out), to: output,
                                           history: historyStore, interrupt: interrupt)
        } catch is CancellationError {
            stderrLine("interrupted: nothing was written; the previous report in \(out) is intact")
            throw ExitCode(interrupt.exitCode)
        }
        if !quiet {
            stderrLine(String(format: "merged %d shard%@ (%d units, read and checked in %.2f s); wrote %@/index.html in %.1f s",
                              count, count == 1 ? "" : "s", results.timings.runs.count, readSeconds, out, Date().timeIntervalSince(start)))
        }
        if let comparison {
            print(comparison.textTable())
            if comparison.failed { throw ExitCode(1) }
        }
    }

    /// The shard files named: files as given, directories' `shard-K-of-N.json` files in shard order.
    /// The same file named twice (a file and its directory) counts once.
    static func shardFiles(_ arguments: [String]) throws -> [URL] {
        var out: [URL] = []
        var seen = Set<String>()
        func add(_ url: URL) {
            if seen.insert(url.standardizedFileURL.resolvingSymlinksInPath().path).inserted { out.append(url) }
        }
        for argument in arguments {
            let url = URL(fileURLWithPath: argument)
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) else {
                throw UnitsError("\(argument): no such file or directory")
            }
            guard isDir.boolValue else { add(url); continue }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: url.path) } catch {
                throw UnitsError("\(argument): cannot be listed: \(FileProblem.reason(error, path: url.path))")
            }
            let shards = names.compactMap { name -> (Shard, String)? in
                guard name.hasPrefix("shard-"), name.hasSuffix(".json") else { return nil }
                let middle = name.dropFirst("shard-".count).dropLast(".json".count).replacingOccurrences(of: "-of-", with: "/")
                return Shard(middle).map { ($0, name) }
            }
            guard !shards.isEmpty else {
                throw UnitsError("\(argument): holds no shard files (shard-K-of-N.json, written by bnlab run --shard K/N)")
            }
            for (_, name) in shards.sorted(by: { ($0.0.count, $0.0.index) < ($1.0.count, $1.0.index) }) {
                add(url.appendingPathComponent(name))
            }
        }
        return out
    }
}
