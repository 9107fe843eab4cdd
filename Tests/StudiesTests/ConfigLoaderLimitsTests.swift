import Foundation
import Testing
import Training
@testable import Studies

/// Config files under bad input (issue 15, parts 2 and 5): bounded before parsing, and every
/// rejection names the key (or the file) and says why.
@Suite struct ConfigLoaderLimitsTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-config-\(UUID())")

    /// The ConfigError a file's text gives, or nil when it is accepted.
    func rejection(_ name: String, _ text: String) throws -> ConfigError? {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        do { _ = try ConfigLoader.load(profile: nil, file: url); return nil } catch let e as ConfigError { return e }
    }

    @Test(arguments: [
        ("c.json", #"{"seed": -1}"#, "seed", "must not be negative"),
        ("c.yaml", "seed: -1", "seed", "must not be negative"),
        ("c.json", #"{"lrSweep": {"epochs": 1.5}}"#, "lrSweep.epochs", "whole number"),
        ("c.yaml", "lrSweep:\n  epochs: 1.5", "lrSweep.epochs", "whole number"),
        ("c.yaml", "lrSweep:\n  depths: [2, 2.5]", "lrSweep.depths[1]", "whole number"),
        ("c.json", #"{"seed": 1e30}"#, "seed", "out of range"),
        ("c.json", #"{"lrSweep": {"seeds": "two"}}"#, "lrSweep.seeds", "wrong type"),
        ("c.yaml", "seed: .nan", "seed", "finite"),
        ("c.yaml", "lrSweep:\n  learningRates: [0.1, .inf]", "lrSweep.learningRates[1]", "finite"),
        ("c.yaml", "lrSweep:\n  momentum: -.Inf", "lrSweep.momentum", "finite"),
        ("c.json", #"{"seed": 1, "seed": 2}"#, "seed", "given twice"),
        ("c.json", #"{"lrSweep": {"seeds": 1, "se\u0065ds": 2}}"#, "lrSweep.seeds", "given twice"),
        ("c.yaml", "seed: 1\nseed: 2", "seed", "given twice"),
        ("c.yaml", "lrSweep:\n  seeds: 1\n  \"seeds\": 2", "lrSweep.seeds", "given twice"),
    ])
    func badValuesNameTheKey(name: String, text: String, key: String, message: String) throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = try #require(try rejection(name, text), "\(text) was accepted")
        #expect(e.key == key, "\(e)")
        #expect(e.message.contains(message), "\(e)")
        #expect(!e.description.contains("NSCocoaErrorDomain") && !e.description.contains("not valid JSON"), "\(e)")
    }

    @Test func aliasBombsAndDeepNestingAreRefusedBeforeExpanding() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        // Billion laughs: 9^9 values from a few hundred bytes.
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
        for (prev, name) in zip("abcdefgh", "bcdefghi") {
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(prev)", count: 9).joined(separator: ", ") + "]\n"
        }
        let clock = ContinuousClock()
        let start = clock.now
        let e = try #require(try rejection("bomb.yaml", bomb))
        #expect(e.message.contains("100000 values"), "\(e)")
        #expect(clock.now - start < .seconds(5))

        for (name, text) in [("deep.yaml", "a: " + String(repeating: "[", count: 100_000)),
                             ("deep2.yaml", "a:\n" + (0..<200).map { String(repeating: " ", count: $0) + "- " }.joined(separator: "\n")),
                             ("deep.json", #"{"a": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}")] {
            let e = try #require(try rejection(name, text), "\(name) was accepted")
            #expect(e.message.contains("nests deeper than 32") || e.message.contains("not valid"), "\(name): \(e)")
        }
        // A config within the limits still loads, aliases and all.
        #expect(try rejection("ok.yaml", "lrSweep:\n  depths: &d [2, 3]\ngradients:\n  depths: [4]\n") == nil)
    }

    @Test func filesThatAreNotConfigFilesAreNamed() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func error(_ path: String) -> String {
            do { _ = try ConfigLoader.load(profile: nil, file: URL(fileURLWithPath: path)); return "accepted" } catch { return "\(error)" }
        }
        #expect(error(dir.path).contains("is a directory, not a file"))
        #expect(error("/dev/zero").contains("is a device, not a file"))
        #expect(error(dir.appendingPathComponent("missing.yaml").path).contains("no such file"))
        let big = dir.appendingPathComponent("big.json")
        try Data(repeating: 0x20, count: ConfigParsing.maxFileBytes + 1).write(to: big)
        #expect(error(big.path).contains("at most 1048576"))
        try Data([0xFF, 0xFE, 0x00]).write(to: dir.appendingPathComponent("bin.yaml"))
        #expect(error(dir.appendingPathComponent("bin.yaml").path).contains("not UTF-8"))
    }
}
