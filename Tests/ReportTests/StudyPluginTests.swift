import Datasets
import Foundation
import PNGTestSupport
import Report
import Studies
import Testing
import Training

/// The plug-in boundary: a study defined outside bnlab's modules (ToyStudy/, public API only) is
/// configured, run, stored and reported like the built-in ones.
@Suite struct StudyPluginTests {
    let registry = StudyRegistry.standard.adding(ToyStudy.self)
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    @Test func aToyStudyPlugsIn() throws {
        let dir = ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }

        // Its config keys work in config files, and bad ones are named.
        func load(_ yaml: String) throws -> PipelineConfig {
            let url = dir.appendingPathComponent("config.yaml")
            try Data(yaml.utf8).write(to: url)
            return try ConfigLoader.load(profile: nil, file: url, registry: registry)
        }
        func message(_ yaml: String) -> String {
            do { _ = try load(yaml); return "accepted" } catch { return "\(error)" }
        }
        #expect(message("toyStudy:\n  seeds: 0\n") == "toyStudy.seeds: must be in 1…100, got 0")
        #expect(message("toyStudy:\n  sample: 3\n").hasPrefix("toyStudy.sample: unknown key; valid keys in toyStudy: samples, seeds"))
        #expect(message("studies: [toy-study, nope]\n").contains("valid: lr-sweep, covariate-shift, gradients, lr-schedules, running-stats, batch-size, dropout, recurrent, transfer, activations, toy-study"))
        let config = try load("dataset: synthetic\nstudies: [toy-study]\ntoyStudy:\n  samples: 8\n")
        #expect(config[ToyStudy.self].samples == 8 && config[ToyStudy.self].seeds == 3)

        // It runs, and its metrics and unit timings land in the results under its id.
        let dataset = try Dataset.load(.synthetic, syntheticTrainCount: 64, syntheticTestCount: 32)
        let results = try Pipeline(config: config, jobs: 2).run(dataset: dataset, bnlabVersion: "test", gitCommit: nil, machine: "m")
        let toy = try #require(results.results[ToyStudy.self])
        #expect(toy.means.count == 3 && toy.means.allSatisfy { $0 > 0 })
        #expect(results.results.ids == ["toy-study"])
        #expect(results.findings.map(\.id) == ["toy-study.mean"])
        #expect(results.timings.runs.keys.sorted() == ["toy-study/seed 0", "toy-study/seed 1", "toy-study/seed 2"])

        // metrics.json keeps it under its id; reading needs a registry that knows it.
        let metrics = dir.appendingPathComponent("metrics.json")
        try results.encoded().write(to: metrics)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: metrics)) as? [String: Any])
        #expect((json["results"] as? [String: Any])?.keys.sorted() == ["toy-study"])
        #expect(json["schemaVersion"] as? Int == 2)
        #expect(try RunResults.read(from: metrics, registry: registry).results[ToyStudy.self] == toy)
        #expect(throws: ResultsError.self) { try RunResults.read(from: metrics) }
        do { _ = try RunResults.read(from: metrics) } catch { #expect("\(error)".contains("unknown study 'toy-study'")) }

        // The report renders its section from its own template, with its figure, finding and link.
        let templates = dir.appendingPathComponent("templates")
        try FileManager.default.copyItem(at: ReportFixture.templates, to: templates)
        try FileManager.default.copyItem(at: Self.here.appendingPathComponent("ToyStudy/toy-study.mustache"),
                                         to: templates.appendingPathComponent("toy-study.mustache"))
        let json2 = String(decoding: try JSONCoding.encoder().encode(config), as: UTF8.self)
        let options = ReportOptions(templatesDirectory: templates, command: "bnlab run", configJSON: json2)
        let out = dir.appendingPathComponent("report")
        try ReportWriter.write(results: results, baseline: nil, options: options, to: out)
        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("<section id=\"toy-study\""))
        #expect(html.contains("<span class=\"toy-seeds\">3</span>"))
        #expect(html.contains("<a href=\"#toy-study\">Toy study</a>"))
        #expect(html.contains("<li><strong>Toy.</strong> The mean pixel over 3 seeds is "))
        #expect(!html.contains("lr-sweep"))
        let check = HTMLCheck(html)
        #expect(check.problems.isEmpty, "\(check.problems)")
        #expect(check.images.compactMap { $0["src"] } == ["figures/toy-study-means.png"])
        let png = try DecodedPNG(url: out.appendingPathComponent("figures/toy-study-means.png"))
        #expect(png.width == 800 && png.text["Source"]?.hasSuffix("toy-study") == true)
        // Its reproduce block runs the toy study alone (the run's command names one study already).
        let section = try #require(html.components(separatedBy: "<section id=\"toy-study\"").last?.components(separatedBy: "</section>").first)
        #expect(section.contains("<code>bnlab run</code>"))
        // The page shows the run's config once, its lists on one line each.
        #expect(html.contains("&quot;studies&quot; : [&quot;toy-study&quot;]"))

        // Without its template the report says which one is missing.
        try FileManager.default.removeItem(at: templates.appendingPathComponent("toy-study.mustache"))
        #expect(throws: ReportError.missingTemplate(directory: templates.path, name: "toy-study")) {
            try ReportWriter.write(results: results, baseline: nil, options: options, to: out)
        }
    }

    @Test func everyStandardStudyHasAReportSideAndATemplate() {
        for study in StudyRegistry.standard.studies {
            #expect(study is any ReportableStudy.Type, "\(study.id) has no report side")
            let template = ReportFixture.templates.appendingPathComponent(study.id + ".mustache")
            #expect(FileManager.default.fileExists(atPath: template.path), "no template for \(study.id)")
        }
    }

    /// A metrics.json written by the previous schema (version 1, each study at the top level).
    @Test func versionOneMetricsStillReadRenderAndCompare() throws {
        let v1 = Self.here.appendingPathComponent("Fixtures/metrics-v1.json")
        let raw = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: v1)) as? [String: Any])
        #expect(raw["schemaVersion"] as? Int == 1 && raw["lrSweep"] != nil && raw["results"] == nil)

        let old = try RunResults.read(from: v1)
        #expect(old.schemaVersion == RunResults.currentSchemaVersion)
        let sweep = try #require(old.results[LRSweepStudy.self])
        #expect(sweep.runs.count == 12)
        #expect(old.results[CovariateShiftStudy.self]?.curves.count == 6)
        #expect(old.config[LRSweepStudy.self].learningRates == [0.03, 0.3, 300])

        // Written again, it is a version-2 file with the same content.
        let dir = ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let upgraded = dir.appendingPathComponent("metrics.json")
        try old.encoded().write(to: upgraded)
        let again = try RunResults.read(from: upgraded)
        #expect(try again.encoded() == old.encoded())
        let tree = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: upgraded)) as? [String: Any])
        #expect((tree["results"] as? [String: Any])?.keys.sorted() == ["covariate-shift", "lr-sweep"])
        #expect(tree["lrSweep"] == nil)

        // It renders, and compares with itself and with a version-2 run without a regression.
        try ReportWriter.write(results: old, baseline: nil, options: ReportFixture.options(), to: dir)
        #expect(HTMLCheck(try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)).problems.isEmpty)
        #expect(Comparison.compare(baseline: old, current: again).regressionCount == 0)
        #expect(Comparison.compare(baseline: old, current: again).rows.filter { $0.verdict == .missing }.isEmpty)
    }
}
