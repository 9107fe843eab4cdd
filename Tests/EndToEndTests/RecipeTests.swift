import ArgumentParser
import Foundation
import Testing
import Yams
@testable import bnlab

/// The cluster recipes in examples/ (issue 16): the YAML parses, the scripts pass `bash -n`, and
/// every bnlab command they run parses with bnlab's own command-line types.
struct RecipeTests {
    static let examples = CLI.repoRoot.appendingPathComponent("examples")

    static func files(_ extensions: Set<String>) throws -> [URL] {
        let names = try #require(FileManager.default.enumerator(atPath: examples.path)?.allObjects as? [String])
        return names.sorted().map { examples.appendingPathComponent($0) }.filter { extensions.contains($0.pathExtension) }
    }

    // MARK: - Finding bnlab commands in shell text

    /// The argument lists of the bnlab commands in shell `text`: continuation lines joined, comments
    /// dropped, variables and `${{ … }}` expressions replaced by `1`, split at `;`, `&&`, `||`, `|`;
    /// a command is a segment whose first word (after `VAR=value`s) is `bnlab` or `…/bnlab`.
    static func bnlabCommands(in text: String) -> [[String]] {
        var text = text.replacingOccurrences(of: "\\\n", with: " ")
        for pattern in [#"\$\{\{[^}]*\}\}"#, #"\$\{[^}]*\}"#, #"\$[A-Za-z_][A-Za-z0-9_]*"#] {
            text = text.replacingOccurrences(of: pattern, with: "1", options: .regularExpression)
        }
        var commands: [[String]] = []
        for line in text.split(separator: "\n") where !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
            for segment in line.components(separatedBy: CharacterSet(charactersIn: ";|&")) {
                var words = shellWords(segment)
                while let first = words.first, first.contains("="), !first.hasPrefix("-") { words.removeFirst() }
                guard let first = words.first, first == "bnlab" || first.hasSuffix("/bnlab") else { continue }
                commands.append(Array(words.dropFirst().prefix { $0 != ">" && !$0.hasPrefix(">") && !$0.hasPrefix("2>") }))
            }
        }
        return commands
    }

    /// Words of a shell command: split at blanks, quotes removed.
    static func shellWords(_ s: String) -> [String] {
        var words: [String] = [], word = "", quote: Character?, inWord = false
        for c in s {
            if let q = quote {
                if c == q { quote = nil } else { word.append(c) }
            } else if c == "\"" || c == "'" {
                quote = c; inWord = true
            } else if c == " " || c == "\t" {
                if inWord { words.append(word); word = ""; inWord = false }
            } else {
                word.append(c); inWord = true
            }
        }
        if inWord { words.append(word) }
        return words
    }

    /// The shell text of a YAML tree: the strings under `run` (GitHub Actions), `command` and `args`
    /// (Kubernetes), with a sequence that starts with bnlab also as one command line.
    static func strings(in node: Any?, key: String? = nil) -> [String] {
        let shell: Set<String> = ["run", "command", "args"]
        switch node {
        case let s as String: return key.map(shell.contains) == true ? [s] : []
        case let list as [Any]:
            let own = key.map(shell.contains) == true && (list.first as? String).map { $0 == "bnlab" || $0.hasSuffix("/bnlab") } == true
                ? [list.map { "\($0)" }.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")] : []
            return own + list.flatMap { strings(in: $0, key: key) }
        case let map as [AnyHashable: Any]: return map.flatMap { strings(in: $0.value, key: $0.key as? String) }
        default: return []
        }
    }

    /// Parses `arguments` as bnlab does, and checks what parsing leaves to `run()`: the shard value.
    static func check(_ arguments: [String], in file: URL) throws -> String {
        let command: any ParsableCommand
        do { command = try BNLab.parseAsRoot(arguments) } catch {
            Issue.record("\(file.lastPathComponent): bnlab \(arguments.joined(separator: " ")): \(BNLab.message(for: error))")
            return ""
        }
        if let run = command as? Run, let shard = run.shard, shard != "auto" {
            #expect(throws: Never.self, "\(file.lastPathComponent): --shard \(shard)") {
                try ShardSelection.resolve(shard, count: run.shardCount, environment: [:])
            }
        }
        return type(of: command)._commandName
    }

    // MARK: - Tests

    @Test func theFinderSeesCommandsAndNotOtherWords() {
        #expect(Self.bnlabCommands(in: "swift build -c release --product bnlab") == [])
        #expect(Self.bnlabCommands(in: "# bnlab run\n\"$BNLAB\" run --out \"$WORK/x\" \\\n  --jobs 2 && echo") == [])
        #expect(Self.bnlabCommands(in: "X=1 .build/release/bnlab merge a --out b > log") == [["merge", "a", "--out", "b"]])
        #expect(Self.bnlabCommands(in: "bnlab run --shard ${{ matrix.shard }}/${{ strategy.job-total }}")
                == [["run", "--shard", "1/1"]])
    }

    @Test func scriptsPassBashDashN() throws {
        let scripts = try Self.files(["sh", "sbatch"])
        #expect(scripts.count >= 3)
        for script in scripts {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = ["-n", script.path]
            let err = Pipe()
            p.standardError = err
            try p.run()
            let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(script.lastPathComponent): \(message)")
        }
    }

    @Test func yamlParsesAndDescribesShardsAndAMerge() throws {
        let k8s = try Yams.load_all(yaml: String(contentsOf: Self.examples.appendingPathComponent("kubernetes/bnlab-indexed-job.yaml"), encoding: .utf8))
            .map { $0 as? [String: Any] ?? [:] }
        let jobs = k8s.filter { $0["kind"] as? String == "Job" }
        let indexed = try #require(jobs.first { ($0["spec"] as? [String: Any])?["completionMode"] as? String == "Indexed" })
        let completions = try #require((indexed["spec"] as? [String: Any])?["completions"] as? Int)
        let shardCommands = Self.strings(in: indexed).flatMap(Self.bnlabCommands)
        #expect(shardCommands.count == 1)
        // --shard auto under Kubernetes needs the count: the Job's completions.
        #expect(shardCommands.first.map { $0.contains("--shard-count") && $0.contains(String(completions)) } == true, "\(shardCommands)")
        #expect(jobs.count == 2)

        let workflow = try #require(try Yams.load(yaml: String(contentsOf: Self.examples.appendingPathComponent("github-actions/bnlab-sharded.yml"), encoding: .utf8)) as? [String: Any])
        let ghJobs = try #require(workflow["jobs"] as? [String: Any])
        let shard = try #require(ghJobs["shard"] as? [String: Any])
        let matrix = try #require(((shard["strategy"] as? [String: Any])?["matrix"] as? [String: Any])?["shard"] as? [Int])
        #expect(matrix == Array(1...matrix.count))
        let merge = try #require(ghJobs["merge"] as? [String: Any])
        #expect(merge["needs"] as? String == "shard")
        let uses = (ghJobs.values.compactMap { ($0 as? [String: Any])?["steps"] as? [[String: Any]] }).joined().compactMap { $0["uses"] as? String }
        for action in ["actions/upload-artifact", "actions/download-artifact", "actions/deploy-pages"] {
            #expect(uses.contains { $0.hasPrefix(action + "@") }, "\(action) not used")
        }
    }

    @Test func everyBnlabCommandOfTheRecipesExists() throws {
        var used: [String: Int] = [:]
        for file in try Self.files(["sh", "sbatch"]) {
            for command in Self.bnlabCommands(in: try String(contentsOf: file, encoding: .utf8)) {
                used[try Self.check(command, in: file), default: 0] += 1
            }
        }
        for file in try Self.files(["yaml", "yml"]) {
            let documents = try Yams.load_all(yaml: String(contentsOf: file, encoding: .utf8))
            for command in documents.flatMap({ Self.strings(in: $0) }).flatMap(Self.bnlabCommands) {
                used[try Self.check(command, in: file), default: 0] += 1
            }
        }
        // Slurm, Kubernetes and GitHub Actions: each runs shards and a merge.
        #expect(used["run"] == 3 && used["merge"] == 3, "\(used)")
    }

    @Test func theReadmeLinksEveryRecipe() throws {
        let readme = try String(contentsOf: CLI.repoRoot.appendingPathComponent("README.md"), encoding: .utf8)
        for file in try Self.files(["sh", "sbatch", "yaml", "yml"]) {
            let rel = "examples/" + file.path.dropFirst(Self.examples.path.count + 1)
            let mentioned = readme.contains(rel)
            #expect(mentioned, "README does not mention \(rel)")
        }
    }
}
