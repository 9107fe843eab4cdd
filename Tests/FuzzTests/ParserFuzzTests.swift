import CZlib
import Engine
import Foundation
import History
import Mustache
import Studies
import Testing
import Training
@testable import Datasets
@testable import Report

/// Fuzzing every parser that reads user input (issue 15, part 6): seeded mutations of valid files
/// (truncation, bit flips, length fields set to extremes, duplicated, deleted and random regions,
/// syntax tokens for text formats). Each input must give a value or a thrown error: a trap kills
/// the test process, so the only assertion is that every campaign finishes, within a memory bound.
///
/// Reproducing a crash: each campaign writes its current input to
/// `/dev/shm/bnlab-fuzz-<pid>/<campaign>[.input]` (or under `$TMPDIR`; with `BNLAB_FUZZ_TRACE=1` for the
/// parsers that read bytes) before parsing it, so after a trap that file is the culprit.
/// `BNLAB_FUZZ_SEED` changes the seed (default fixed: runs are deterministic), `BNLAB_FUZZ_SCALE`
/// multiplies the iteration counts (e.g. 10 for a longer hunt).
@Suite(.serialized) struct ParserFuzzTests {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let seed = ProcessInfo.processInfo.environment["BNLAB_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x15_F022
    static let scale = ProcessInfo.processInfo.environment["BNLAB_FUZZ_SCALE"].flatMap { Double($0) } ?? 1
    /// Inputs are files for the parsers that read files: on a tmpfs when there is one (writing
    /// thousands of files to a loaded disk costs more than the parsing).
    static let workDirectory = (FileManager.default.fileExists(atPath: "/dev/shm") && access("/dev/shm", W_OK) == 0
        ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory).appendingPathComponent("bnlab-fuzz-\(getpid())")
    /// Write every input to its file first, even for parsers that read bytes (to find a trapping input).
    static let trace = ProcessInfo.processInfo.environment["BNLAB_FUZZ_TRACE"] != nil
    /// Growth of the process's peak resident memory a whole campaign may cause. Inputs are a few
    /// kilobytes; a parser that trusts a length field would allocate gigabytes.
    static let memoryBound = 512 << 20

    /// Runs `parse` on `iterations` mutations of the seeds; returns how many inputs were accepted.
    @discardableResult
    static func campaign(_ name: String, iterations: Int, seeds: [[UInt8]], fields: [Int] = [], tokens: [String] = [],
                         readsFile: Bool = true, structured: Bool = false, parse: (URL, [UInt8]) throws -> Void) throws -> Int {
        try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        // The file's name keeps the campaign's extension (a config is read as YAML or JSON by it).
        let input = workDirectory.appendingPathComponent(name.contains(".") ? name : name + ".input")
        var mutator = Mutator(seed: seed ^ fnv(name))
        let n = Int((Double(iterations) * scale).rounded())
        let peakBefore = peakResidentBytes()
        let clock = ContinuousClock(), start = clock.now
        var accepted = 0, slowest = Duration.zero
        for i in 0..<n {
            let base = seeds[i % seeds.count]
            // JSON formats: half the mutations keep the document JSON and change its values and shapes.
            let bytes = i < seeds.count ? base
                : structured && mutator.chance(0.5) ? (mutator.mutateJSON(base) ?? base)
                : mutator.mutate(base, fields: fields, tokens: tokens)
            if readsFile || trace { try Data(bytes).write(to: input) }
            let t0 = clock.now
            do { try parse(input, bytes); accepted += 1 } catch {}
            slowest = max(slowest, clock.now - t0)
        }
        let grown = peakResidentBytes() - peakBefore
        print("fuzz \(name): \(n) inputs, \(accepted) accepted, \(clock.now - start) (slowest \(slowest)), peak memory +\(grown >> 20) MiB")
        #expect(grown < memoryBound, "\(name): peak memory grew by \(grown >> 20) MiB")
        #expect(slowest < .seconds(10), "\(name): one input took \(slowest)")
        try? FileManager.default.removeItem(at: input)
        try? FileManager.default.removeItem(at: workDirectory)
        return accepted
    }

    static func fnv(_ s: String) -> UInt64 {
        s.utf8.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
    }

    // MARK: - Datasets

    @Test func idxImagesAndLabels() throws {
        let images = idx(dims: [3, 4, 5], payload: (0..<60).map { UInt8($0) })
        let labels = idx(dims: [3], payload: [0, 1, 9])
        // Offsets of the magic number and the dimension fields.
        try Self.campaign("idx-images", iterations: 12000, seeds: [images, gzip(images)], fields: [0, 2, 3, 4, 8, 12]) { url, _ in
            _ = try IDX.readImages(url.path)
        }
        try Self.campaign("idx-labels", iterations: 5000, seeds: [labels, gzip(labels)], fields: [0, 3, 4]) { url, _ in
            _ = try IDX.readLabels(url.path)
        }
        // The pair: images and labels that disagree.
        let dir = Self.workDirectory.appendingPathComponent("idx-pair")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let labelsURL = dir.appendingPathComponent("labels")
        try Data(labels).write(to: labelsURL)
        try Self.campaign("idx-set", iterations: 4000, seeds: [images], fields: [4, 8, 12]) { url, _ in
            _ = try IDX.loadImageSet(images: url.path, labels: labelsURL.path, classCount: 10)
        }
    }

    @Test func gzipStreams() throws {
        let plain = idx(dims: [2, 8, 8], payload: (0..<128).map { UInt8($0 & 0x3F) })
        // Header flags and mtime, the deflate stream's start, and the CRC/ISIZE trailer.
        let packed = gzip(plain)
        let trailer = [packed.count - 8, packed.count - 4]
        try Self.campaign("gzip", iterations: 20000, seeds: [packed, gzip(Array(repeating: 0, count: 4096))],
                          fields: [0, 2, 3, 4, 8, 9, 10] + trailer, readsFile: false) { _, bytes in
            _ = try bytes.withUnsafeBytes { raw throws(DatasetError) in try Gzip.decompress(raw, file: "fuzz.gz") }
        }
    }

    @Test func cifar10Batches() throws {
        let record = 1 + 3 * 32 * 32
        var batch: [UInt8] = []
        for n in 0..<2 { batch += [UInt8(n)] + (0..<record - 1).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ n) } }
        try Self.campaign("cifar10", iterations: 10000, seeds: [batch], fields: [0, record]) { url, _ in
            _ = try CIFAR10.readBatch(url.path)
        }
    }

    // MARK: - Checkpoints

    static let safetensorsTokens = ["\"shape\":[", "\"data_offsets\":[0,", "18446744073709551615", "-1", "1e308", "4294967296",
                                    "\"dtype\":\"F16\"", "\"dtype\":\"BF16\"", "\"dtype\":\"I32\"", "\"dtype\":\"F64\"",
                                    "\"__metadata__\":{", "null", "[]", "{}", "\"", ",", "]", "}", "\\u0000"]

    @Test func safetensorsFiles() throws {
        let small = SafeTensors(tensors: [
            "w": .float(Tensor(shape: [2, 3], data: [1, 2, 3, 4, 5, 6])),
            "n": .int64(shape: [1], values: [7]),
            "b": .float(Tensor(shape: [3], data: [0.5, -1, 2])),
        ], metadata: ["model": "convnet-bn", "format": "pt"]).serialized()
        let dtypes = try [UInt8](Data(contentsOf: Self.repoRoot.appendingPathComponent("Tests/EngineTests/Fixtures/dtypes.safetensors")))
        try Self.campaign("safetensors", iterations: 20000, seeds: [small, dtypes], fields: [0, 4, 7],
                          tokens: Self.safetensorsTokens, readsFile: false) { _, bytes in
            let file = try SafeTensors(bytes: bytes)
            for name in file.names {
                _ = try? file.tensor(name)
                _ = try? file.int64s(name)
            }
        }
    }

    @Test func checkpoints() throws {
        var rng = SeededGenerator(seed: 3)
        let spec = ModelSpec(family: .convnetBN, inputShape: [1, 8, 8], classes: 3)
        let url = Self.workDirectory.appendingPathComponent("seed.safetensors")
        try FileManager.default.createDirectory(at: Self.workDirectory, withIntermediateDirectories: true)
        try Checkpoint(spec: spec, normalization: Normalization(mean: [0.5], std: [0.25]), model: try spec.build(rng: &rng))
            .write(to: url, version: "fuzz")
        let seed = try [UInt8](Data(contentsOf: url))
        try Self.campaign("checkpoint", iterations: 6000, seeds: [seed], fields: [0, 4],
                          tokens: Self.safetensorsTokens + ["\\\"inputShape\\\":[60000,60000,", "\\\"classes\\\":1099511627776", "\\\"mean\\\":[",
                                                            "\\\"depth\\\":", "\\\"std\\\":[0,"]) { url, _ in
            _ = try Checkpoint.read(from: url)
        }
    }

    // MARK: - Config files

    static let config = """
        profile: quick
        seed: 7
        dataset: synthetic
        studies: [lr-sweep, covariate-shift]
        lrSweep:
          depths: [2, 3]
          learningRates: [0.03, 0.3]
          seeds: 1
          trainLimit: 256
        covariateShift:
          iterations: 20
          samples: 200
        """
    static let yamlTokens = [": ", "- ", "\n  ", "\n    - ", "&a ", "*a", "[", "]", "{", "}", ",", "'", "\"", "!!binary ", "!!float ",
                             ".nan", ".inf", "-.inf", "~", "null", "1e999", "-1", "99999999999999999999", "0x7FFFFFFFFFFFFFFF",
                             "? ", "|\n", ">\n", "%YAML 1.1\n---\n", "---\n", "...\n", "<<: *a", "#", "\t", "2001-12-14"]
    static let jsonTokens = ["{", "}", "[", "]", ",", ":", "\"", "\\u0000", "\\ud800", "-1", "1e999", "-0", "1.5",
                             "99999999999999999999", "null", "true", "\"seed\":", "\"lrSweep\":{", "[[[[[[[["]

    @Test func yamlConfigs() throws {
        try Self.campaign("config.yaml", iterations: 6000, seeds: [Array(Self.config.utf8)], tokens: Self.yamlTokens) { url, _ in
            _ = try ConfigLoader.load(profile: nil, file: url)
        }
    }

    @Test func jsonConfigs() throws {
        let json = #"{"profile": "quick", "seed": 7, "studies": ["lr-sweep"], "lrSweep": {"depths": [2, 3], "learningRates": [0.03, 0.3], "seeds": 1}, "covariateShift": {"iterations": 20}}"#
        try Self.campaign("config.json", iterations: 4000, seeds: [Array(json.utf8)], tokens: Self.jsonTokens, structured: true) { url, _ in
            _ = try ConfigLoader.load(profile: nil, file: url)
        }
    }

    // MARK: - metrics.json

    @Test func metricsFiles() throws {
        let v1 = try [UInt8](Data(contentsOf: Self.repoRoot.appendingPathComponent("Tests/ReportTests/Fixtures/metrics-v1.json")))
        try Self.campaign("metrics.json", iterations: 1200, seeds: [v1], tokens: Self.jsonTokens + ["\"schemaVersion\": 2", "[]", "1e308"],
                          structured: true) { url, _ in
            let results = try RunResults.read(from: url)
            // What `render` derives from a metrics.json before drawing: figure data, findings,
            // comparisons with itself and each section's view (arrays shorter than their grid…).
            let options = ReportOptions(templatesDirectory: url, formats: [.png], singleFile: false, command: "bnlab",
                                        configJSON: "{}", comparison: nil)
            for id in results.config.studies {
                guard let study = results.config.study(id: id) as? any ReportableStudy, study.hasResult(in: results) else { continue }
                _ = study.reportFigures(in: results)
                _ = study.reportFindings(in: results)
                _ = study.reportComparisonFigures(in: results, baseline: results)
                _ = study.reportView(in: ReportSection(run: results, reproduce: PageView.reproduce(study: id, results: results, options: options),
                                                       figures: [:]))
            }
            _ = Comparison.compare(baseline: results, current: results)
        }
    }

    // MARK: - History files

    /// Damaged history files (the committed v1 file, mutated): opened, migrated, read and judged,
    /// each a value or a `HistoryError`, never a trap. SQLite reads the pages; bnlab reads the header.
    @Test func historyFiles() throws {
        let v1 = try [UInt8](Data(contentsOf: Self.repoRoot.appendingPathComponent("Tests/HistoryTests/Fixtures/history-v1.sqlite")))
        let tonight = try RunResults.read(from: Self.repoRoot.appendingPathComponent("Tests/ReportTests/Fixtures/metrics-v1.json"))
        // The header's page size, version, counter, schema cookie, user version and application id.
        try Self.campaign("history.sqlite", iterations: 400, seeds: [v1], fields: [16, 18, 24, 28, 40, 44, 56, 60, 68]) { url, _ in
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
            let store = try HistoryStore(path: url.path, create: false)
            let runs = try store.runs()
            _ = try HistoryTrends.read(from: store, configHash: runs.first?.configHash ?? "", metrics: ["time.total"])
            _ = try HistoryComparison.judge(tonight, against: store)
            try store.add(tonight)
        }
    }

    // MARK: - Mustache templates

    @Test func mustacheTemplates() throws {
        let dir = Self.repoRoot.appendingPathComponent("templates")
        let seeds = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().filter { $0.hasSuffix(".mustache") }
            .map { try [UInt8](Data(contentsOf: dir.appendingPathComponent($0))) }
        let context: [String: Any] = [
            "title": "t<&>", "findings": [["text": "a"], ["text": "b"]], "sections": [["id": "x", "html": "<p>"]],
            "figures": [["src": "a.png", "width": "1", "height": "2", "alt": "x", "downloads": [["label": "PNG", "href": "a.png"]]]],
            "hasDownloads": true, "comparison": ["rows": [["metric": "m", "verdict": "ok"]]], "empty": [Any](),
        ]
        // Partials are left out: a template may not name itself (a separate check in ReportTemplates).
        try Self.campaign("mustache", iterations: 5000, seeds: seeds,
                          tokens: ["{{", "}}", "{{{", "}}}", "{{#", "{{/", "{{^", "{{&", "{{!", "{{=<% %>=}}", "{{#title}}", "{{/title}}",
                                   "{{#findings}}", "{{/findings}}", "{{.}}", "{{title}}", "{{figures.0.src}}", "\n"], readsFile: false) { _, bytes in
            let template = try MustacheTemplate(string: String(decoding: bytes, as: UTF8.self))
            _ = template.render(context)
        }
    }
}

// MARK: - Writers for the seeds

/// An IDX file: magic 00 00 08 <rank>, big-endian UInt32 dimensions, then the bytes.
func idx(dims: [Int], payload: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    func put(_ v: UInt32) { out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
    put(0x0000_0800 | UInt32(dims.count))
    for d in dims { put(UInt32(d)) }
    return out + payload
}

/// gzip-compresses with zlib's deflate (windowBits 31: gzip header and trailer).
func gzip(_ input: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    guard deflateInit2_(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY,
                        zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return [] }
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))) + 32)
    var input = input
    let produced = input.withUnsafeMutableBufferPointer { inp in
        output.withUnsafeMutableBufferPointer { out in
            stream.next_in = inp.baseAddress
            stream.avail_in = UInt32(inp.count)
            stream.next_out = out.baseAddress
            stream.avail_out = UInt32(out.count)
            _ = deflate(&stream, Z_FINISH)
            return out.count - Int(stream.avail_out)
        }
    }
    return Array(output[..<produced])
}
