import Foundation
import Report
import Studies
import Training
import Testing

/// Runs the real `bnlab` binary built beside this test bundle.
struct CLI {
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        // swift test puts the test bundle and the executable in the same build directory.
        let bundleDir = Bundle.main.bundleURL.deletingLastPathComponent()
        for dir in [bundleDir, Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()] {
            let candidate = dir.appendingPathComponent("bnlab")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return repoRoot.appendingPathComponent(".build/debug/bnlab")
    }

    /// Runs bnlab with `arguments`; returns the exit status, stdout and stderr.
    static func run(_ arguments: [String], in directory: URL = repoRoot) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = binary
        p.arguments = arguments
        p.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }
}

/// The README's main job end to end, on the synthetic dataset with a tiny grid.
@Suite(.serialized) struct EndToEndTests {
    let dir: URL = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-e2e-\(UUID())")

    func write(_ name: String, _ text: String) throws -> String {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static let tinyConfig = """
        dataset: synthetic
        lrSweep:
          depths: [2, 3]
          learningRates: [0.03, 0.3, 300]
          trainLimit: 256
          batchSize: 32
          seeds: 1
        covariateShift:
          iterations: 20
          samples: 200
          seeds: 2
        gradients:
          depths: [4]
          learningRates: [0.1]
          seeds: 1
          trainLimit: 128
          batchSize: 32
          initBatches: 2
          probes: 2
        lrSchedules:
          depths: [2]
          epochs: 2
          trainLimit: 64
          validationImages: 64
          testLimit: 32
          batchSize: 32
          rangeSteps: 10
          rangeSeeds: 1
          superSeeds: 1
          schedules: ["multistep:per=batch", "plateau:patience=0"]
        runningStats:
          momenta: [cumulative]
          seeds: 1
          trainLimit: 32
          testLimit: 16
          batchSize: 16
          checkpoints: 1
          singleImages: 2
        batchSize:
          norms: [batch, group]
          batchSizes: [8, 16]
          depth: 2
          seeds: 1
          trainLimit: 16
          testLimit: 16
        dropout:
          depth: 2
          seeds: 1
          trainLimit: 32
          testLimit: 16
          batchSize: 16
          varianceImages: 16
        recurrent:
          hiddenSize: 8
          epochs: 1
          seeds: 2
          learningRates: [0.05]
          gradientSeeds: 2
          gradientBatches: 1
          trainLimit: 32
          testLimit: 16
          batchSize: 16
        transfer:
          sizes: [8]
          seeds: 1
          sourceImages: 48
          sourceEpochs: 1
          epochs: 1
          minSteps: 2
          batchSize: 8
          testLimit: 16
          statisticsImages: 16
        activations:
          seeds: 2
          mlpEpochs: 2
          mlpTrainLimit: 120
          mlpCaptureEvery: 1
          probeImages: 32
          convnetTrainLimit: 64
          convnetBatchSize: 16
          convnetCaptureEvery: 2
        """

    @Test func runRenderCompareAndBadInput() throws {
        defer { try? FileManager.default.removeItem(at: dir) }
        let config = try write("tiny.yaml", Self.tinyConfig)
        let out = dir.appendingPathComponent("report")

        // A bad config fails before training, naming the key, and writes nothing.
        let bad = try write("bad.json", #"{"lrSweep": {"learningRates": [0.1, 0]}}"#)
        let rejected = try CLI.run(["run", "--config", bad, "--out", out.path, "--quiet"])
        #expect(rejected.status != 0)
        #expect(rejected.err.contains("lrSweep.learningRates[1]"), "\(rejected.err)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let unknown = try CLI.run(["run", "--studies", "lr-sweep,bogus", "--out", out.path])
        #expect(unknown.status != 0 && unknown.err.contains("valid: lr-sweep, covariate-shift"), "\(unknown.err)")

        // The run writes the report.
        let run = try CLI.run(["run", "--config", config, "--out", out.path, "--jobs", "2"])
        #expect(run.status == 0, "\(run.err)")
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        let sources = html.components(separatedBy: "src=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(sources.count >= 4)
        for src in sources {
            let png = try Data(contentsOf: out.appendingPathComponent(src))
            #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "\(src) is not a PNG")
        }
        let metricsURL = out.appendingPathComponent("metrics.json")
        let results = try RunResults.read(from: metricsURL)
        #expect(try results.encoded() == Data(contentsOf: metricsURL))
        #expect(results.results[LRSweepStudy.self]?.runs.count == 12)

        // render reproduces the same HTML without training.
        let out2 = dir.appendingPathComponent("rendered")
        let render = try CLI.run(["render", "--results", metricsURL.path, "--out", out2.path])
        #expect(render.status == 0, "\(render.err)")
        // The same page but for the reproduce command, which names the config beside each report.
        let rendered = try String(contentsOf: out2.appendingPathComponent("index.html"), encoding: .utf8)
        // Except the activations study's feature maps: metrics.json keeps summaries, not activations
        // (issue 12), so render says where to get them instead of drawing them.
        func withoutFeatureMaps(_ page: String) -> String {
            guard let start = page.range(of: "<h3>Feature maps</h3>"),
                  let end = page.range(of: "<h3>Reproduce this study</h3>", range: start.upperBound..<page.endIndex) else { return page }
            return page.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: "")
        }
        #expect(html.contains("activations-maps-conv1-bn-end.png") && !rendered.contains("activations-maps-"))
        #expect(rendered.contains("Feature maps are drawn by <code>bnlab run</code> only"))
        #expect(withoutFeatureMaps(rendered) == withoutFeatureMaps(html).replacingOccurrences(of: out.path + "/config.json", with: out2.path + "/config.json"))
        #expect(html.contains("bnlab run --config " + out.path + "/config.json"))

        // Templates are found from the binary wherever bnlab is started, and the commit is bnlab's own.
        let elsewhere = try CLI.run(["render", "--results", metricsURL.path, "--out", dir.appendingPathComponent("r3").path],
                                    in: URL(fileURLWithPath: "/tmp"))
        #expect(elsewhere.status == 0, "\(elsewhere.err)")

        // compare: identical → 0; a doctored accuracy drop → 1; garbage → 2.
        #expect(try CLI.run(["compare", metricsURL.path, metricsURL.path]).status == 0)
        var worse = results
        let i = try #require(worse.findings.firstIndex { $0.id == "lr-sweep.depth2.bn.best_accuracy" })
        worse.findings[i].value = (worse.findings[i].value ?? 0) - 0.2
        let worseURL = dir.appendingPathComponent("worse.json")
        try worse.encoded().write(to: worseURL)
        let regressed = try CLI.run(["compare", metricsURL.path, worseURL.path])
        #expect(regressed.status == 1)
        #expect(regressed.out.contains("regressed"), "\(regressed.out)")
        let garbage = try write("garbage.json", "{not json")
        #expect(try CLI.run(["compare", metricsURL.path, garbage]).status == 2)
        let unusable = try CLI.run(["compare", metricsURL.path, garbage, "--json"])
        #expect(unusable.status == 2 && unusable.out.contains("\"status\":\"unusable\""), "\(unusable.out)")

        // A run that measured less cannot pass: missing metrics fail unless allowed.
        var partial = results
        partial.findings.removeAll { !$0.id.hasPrefix("covariate-shift") }
        let partialURL = dir.appendingPathComponent("partial.json")
        try partial.encoded().write(to: partialURL)
        let missing = try CLI.run(["compare", metricsURL.path, partialURL.path])
        #expect(missing.status == 1, "\(missing.out)")
        #expect(missing.out.contains("missing") && missing.out.contains("REGRESSED"), "\(missing.out)")
        #expect(try CLI.run(["compare", metricsURL.path, partialURL.path, "--allow-missing"]).status == 0)
        let summary = try CLI.run(["compare", metricsURL.path, partialURL.path, "--json"])
        #expect(summary.status == 1 && summary.out.contains("\"status\":\"regressed\""), "\(summary.out)")

        // A version-1 metrics.json (written before results were keyed by study id) still renders,
        // and compares with tonight's run of the same config without a regression.
        let v1 = CLI.repoRoot.appendingPathComponent("Tests/ReportTests/Fixtures/metrics-v1.json")
        let renderedV1 = try CLI.run(["render", "--results", v1.path, "--out", dir.appendingPathComponent("v1").path])
        #expect(renderedV1.status == 0, "\(renderedV1.err)")
        let compareV1 = try CLI.run(["compare", v1.path, metricsURL.path])
        #expect(compareV1.status == 0, "\(compareV1.out)")
        #expect(!compareV1.out.contains("missing"), "\(compareV1.out)")

        // A failing run leaves the previous report intact.
        let failing = try CLI.run(["run", "--config", config, "--data", "/nonexistent", "--out", out.path])
        #expect(failing.status != 0)
        #expect(try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8) == html)
    }

    @Test func missingDatasetSaysHowToInstallIt() throws {
        let r = try CLI.run(["train", "--data", "/nonexistent/fashion", "--epochs", "1"])
        #expect(r.status != 0)
        #expect(r.err.contains("apt-get install dataset-fashion-mnist"), "\(r.err)")
    }
}
