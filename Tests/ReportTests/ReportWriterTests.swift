import Foundation
import Report
import Studies
import Training
import PNGTestSupport
import Testing

@Suite("Report page")
struct ReportWriterTests {
    /// Writes the fixture's report and returns its directory and HTML.
    func write(_ options: ReportOptions = ReportFixture.options(), results: RunResults = ReportFixture.results,
               baseline: RunResults? = nil) throws -> (URL, String) {
        let dir = ReportFixture.temporaryDirectory()
        try ReportWriter.write(results: results, baseline: baseline, options: options, to: dir)
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        return (dir, html)
    }

    @Test func pageParsesAndEveryImageIsAValidPNG() throws {
        let (dir, html) = try write(ReportFixture.options(formats: [.png, .svg]))
        defer { try? FileManager.default.removeItem(at: dir) }
        let check = HTMLCheck(html)
        #expect(check.problems.isEmpty, "\(check.problems)")
        let names = ["lr-sweep-accuracy", "lr-sweep-heatmap", "lr-sweep-loss-depth2", "lr-sweep-loss-depth3", "covariate-shift-drift",
                     "gradients-init-norms", "gradients-histogram", "gradients-ics", "gradients-ics-layers", "gradients-landscape-depth4", "gradients-norms-depth4",
                     "lr-schedules-range-test", "lr-schedules-learning-rate", "lr-schedules-accuracy-depth2", "lr-schedules-super-convergence",
                     "running-stats-error", "running-stats-accuracy", "running-stats-modes", "batch-size-error",
                     "dropout-variance-shift", "dropout-accuracy",
                     "recurrent-accuracy", "recurrent-lr-sweep", "recurrent-gradients", "recurrent-gammas", "recurrent-gap",
                     "recurrent-statistics-steps", "transfer-accuracy", "transfer-bn-shift",
                     "activations-ioffe", "activations-distributions-mlp", "activations-distributions-convnet",
                     "activations-channel-mean", "activations-channel-std", "activations-dead-saturated"]
            + ["conv1", "conv2"].flatMap { layer in ["no-bn", "bn"].flatMap { arm in ["init", "end"].map { "activations-maps-\(layer)-\(arm)-\($0)" } } }
        #expect(check.images.compactMap { $0["src"] } == names.map { "figures/\($0).png" })
        for img in check.images {
            let src = try #require(img["src"])
            let png = try DecodedPNG(url: dir.appendingPathComponent(src))
            // Drawn at 2× the page size for sharp text; width/height give the page size.
            #expect(img["width"] == String(png.width / 2) && img["height"] == String(png.height / 2), "\(src)")
            #expect(png.width > 400 && png.height > 200)
            #expect((img["alt"] ?? "").count > 40, "\(src) needs real alt text")
            #expect(png.text["Software"] == "bnlab test")
            #expect(png.text["Source"]?.hasPrefix("bnlab run, profile quick, seed 0, ") == true)
            #expect(png.text["Title"]?.isEmpty == false)
        }
        for name in names {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("figures/\(name).svg").path))
            #expect(html.contains("href=\"figures/\(name).svg\""))
        }
    }

    @Test func pageStatesTheRunTheCriterionAndTheReferences() throws {
        let (dir, html) = try write()
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(html.contains(FailureCriterion.statement))
        #expect(html.contains("bnlab test (commit <code>abc1234</code>)"))
        #expect(html.contains("test machine"))
        #expect(html.contains("Synthetic gratings"))
        for id in ["1502.03167", "1805.11604", "1806.02375", "1803.08494", "2002.10444", "1506.01186", "1708.07120"] {
            #expect(html.contains("arXiv:\(id)"))
        }
        #expect(html.contains("<li><strong>ConvNet (depth 2).</strong> "))
        #expect(html.contains("bnlab run --dataset synthetic --seed 0 --studies lr-sweep"))
        #expect(!html.contains("Compared with baseline"))
        // No network: nothing loaded from elsewhere.
        #expect(!html.contains("src=\"http") && !html.contains("<link") && !html.contains("@import"))
    }

    /// The nightly trend charts' metrics name numbers the run has: the fixture's real tiny run
    /// gives the activations study's four (MLP drift and accuracy, with and without BN) and the
    /// recurrent study's permuted-task accuracies, besides the LR sweep's and the wall times.
    @Test func headlineMetricsAreAmongTheRunsNumbers() {
        let run = ReportFixture.results
        let headline = ReportWriter.headlineMetrics(of: run)
        let ids = Set(run.findings.map(\.id))
        let missing = headline.filter { !$0.hasPrefix("time.") && !ids.contains($0) }
        #expect(missing.isEmpty, "\(missing)")
        #expect(headline.filter { $0.hasPrefix("activations.mlp.") }.count == 4, "\(headline)")
        let recurrent = headline.filter { $0.hasPrefix("recurrent.") }
        #expect(!recurrent.isEmpty && recurrent.allSatisfy { $0.hasSuffix(".permuted.final_accuracy") }, "\(headline)")
    }

    @Test func renderingTwiceGivesIdenticalHTML() throws {
        let (a, first) = try write()
        let (b, second) = try write()
        defer { for d in [a, b] { try? FileManager.default.removeItem(at: d) } }
        #expect(first == second)
    }

    @Test func stringsFromConfigAndDataAreEscaped() throws {
        var results = ReportFixture.results
        results.timings.machine = "<script>alert('machine')</script>"
        results.gitCommit = "\"><img src=x>"
        var options = ReportFixture.options(configJSON: "{\"dataDirectory\": \"</pre><script>alert(1)</script>\"}")
        options.command = "bnlab run --out '<b>x</b>' & echo"
        let (dir, html) = try write(options, results: results)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>x"))
        #expect(!html.contains("<img src=x>"))
        #expect(html.contains("&lt;script&gt;alert(&#39;machine&#39;)&lt;/script&gt;"))
        #expect(html.contains("&lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("--out &#39;&lt;b&gt;x&lt;/b&gt;&#39; &amp; echo"))
        #expect(HTMLCheck(html).problems.isEmpty)
    }

    @Test func singleFileInlinesEveryImage() throws {
        let (dir, html) = try write(ReportFixture.options(singleFile: true, formats: [.png, .pdf]))
        defer { try? FileManager.default.removeItem(at: dir) }
        let check = HTMLCheck(html)
        #expect(check.problems.isEmpty)
        #expect(check.images.count == 43)   // 21, recurrent 6, transfer 2, activations 6 figures and 8 feature-map grids
        for img in check.images {
            let src = try #require(img["src"])
            #expect(src.hasPrefix("data:image/png;base64,"))
            let data = try #require(Data(base64Encoded: String(src.dropFirst("data:image/png;base64,".count))))
            let file = dir.appendingPathComponent("inline.png")
            try data.write(to: file)
            let png = try DecodedPNG(url: file)
            #expect(img["width"] == String(png.width / 2))
        }
        #expect(!html.contains("figures/"))
    }

    @Test func findingsSayHonestlyWhenNothingTrained() throws {
        var results = ReportFixture.results
        var sweep = try #require(results.results[LRSweepStudy.self])
        sweep.findings[0].withoutBN.largestTrainingLearningRate = nil
        sweep.findings[0].withoutBN.largestGoodLearningRate = nil
        sweep.findings[0].withBN.largestTrainingLearningRate = 1
        sweep.findings[0].withBN.largestGoodLearningRate = 1
        sweep.findings[0].withBN.windowDecades = 0.5  // nothing trains in the fixture, so it has no window of its own
        sweep.findings[0].largestGoodLearningRateRatio = nil
        for arm in [\LRSweepFindings.withBN, \LRSweepFindings.withoutBN] {
            sweep.findings[1][keyPath: arm].largestTrainingLearningRate = nil
            sweep.findings[1][keyPath: arm].largestGoodLearningRate = nil
        }
        sweep.findings[1].largestGoodLearningRateRatio = nil
        results.results[LRSweepStudy.self] = sweep
        let (dir, html) = try write(results: results)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(html.contains("<strong>ConvNet (depth 2).</strong> With BN the largest learning rate that trains well (every seed trains and its test accuracy is within 5 points of the arm&#39;s best) is 1; without BN no learning rate in the grid trains well."))
        // The window of an arm where nothing trained is not reported as if it meant something.
        #expect(html.contains("With BN, accuracy stays within 2 points of its best over"))
        #expect(html.components(separatedBy: "stays within 2 points of its best").count == 2)
        #expect(html.contains("<td class=\"num\">none (nothing trained)</td>"))
        #expect(html.contains("<strong>Deep CNN, depth 3.</strong> No learning rate in the grid trains well, with or without BN."))
    }

    @Test func findingsStateTheRatioTheEdgeOfTheGridAndWhatTrainsAtAll() throws {
        var results = ReportFixture.results
        var sweep = try #require(results.results[LRSweepStudy.self])
        sweep.findings[0].withBN.largestGoodLearningRate = 30
        sweep.findings[0].withBN.largestTrainingLearningRate = 30
        sweep.findings[0].withoutBN.largestGoodLearningRate = 0.03
        sweep.findings[0].withoutBN.largestTrainingLearningRate = 1
        sweep.findings[0].largestGoodLearningRateRatio = 1000
        results.results[LRSweepStudy.self] = sweep
        let (dir, html) = try write(results: results)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(html.contains("is 30; without, 0.03: 1,000× higher. The largest that trains at all is 1 without BN (test accuracy "))
        #expect(html.contains("30 is the top of the grid, so the true limit with BN may be higher."))
        // At LR 1 the tiny fixture's test accuracy is near chance: the sentence says so.
        #expect(html.contains(", near chance)"))
    }

    @Test func baselineAddsTheComparisonSectionAndFigure() throws {
        var baseline = ReportFixture.results
        baseline.findings = baseline.findings.map { m in
            var m = m
            if m.unit == .accuracy { m.value = m.value.map { $0 + 0.05 } }
            return m
        }
        let (dir, html) = try write(baseline: baseline)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(html.contains("Compared with baseline"))
        #expect(html.contains("class=\"verdict regressed\">regressed"))
        #expect(html.contains("src=\"figures/lr-sweep-accuracy-baseline.png\""))
        let png = try DecodedPNG(url: dir.appendingPathComponent("figures/lr-sweep-accuracy-baseline.png"))
        #expect(png.text["Title"]?.contains("baseline") == true)
        #expect(HTMLCheck(html).problems.isEmpty)
    }

    @Test func missingTemplatesAreAClearError() throws {
        let empty = ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: empty) }
        var options = ReportFixture.options()
        options.templatesDirectory = empty
        #expect(throws: ReportError.missingTemplate(directory: empty.path, name: "page")) {
            try ReportWriter.write(results: ReportFixture.results, baseline: nil, options: options, to: empty)
        }
    }
}

/// The page in a real browser: scripts/page-check.sh (headless Chromium) at 1280 and 390 px.
@Suite struct BrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: chromium != nil, "Chromium is not installed (setup.sh installs it for the tests)"))
    func theReportFitsAPhoneAndADesktop() throws {
        let dir = ReportFixture.temporaryDirectory(), shots = ReportFixture.temporaryDirectory()
        defer { for d in [dir, shots] { try? FileManager.default.removeItem(at: d) } }
        try ReportWriter.write(results: ReportFixture.results, baseline: nil, options: ReportFixture.options(), to: dir)
        let p = Process()
        p.executableURL = ReportFixture.templates.deletingLastPathComponent().appendingPathComponent("scripts/page-check.sh")
        p.arguments = [dir.path, shots.path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("no sideways scrolling"), "\(text)")
        for (name, width) in [("page-1280.png", 1280), ("page-390.png", 500)] {
            let png = try DecodedPNG(url: shots.appendingPathComponent(name))
            #expect(png.width == width, "\(name)")
        }
    }
}

/// Templates that would make rendering recurse forever are refused, naming the loop.
@Suite struct TemplateLoopTests {
    @Test func aPartialThatIncludesItselfIsRefused() throws {
        let dir = ReportFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.removeItem(at: dir)
        try FileManager.default.copyItem(at: ReportFixture.templates, to: dir)
        try Data("<p>{{> loop-b}}</p>".utf8).write(to: dir.appendingPathComponent("loop-a.mustache"))
        try Data("<p>{{>loop-a}}</p>".utf8).write(to: dir.appendingPathComponent("loop-b.mustache"))
        var options = ReportFixture.options()
        options.templatesDirectory = dir
        do {
            try ReportWriter.write(results: ReportFixture.results, baseline: nil, options: options, to: ReportFixture.temporaryDirectory())
            Issue.record("a template loop was accepted")
        } catch {
            #expect("\(error)".contains("loop-a → loop-b → loop-a"), "\(error)")
        }
    }
}
