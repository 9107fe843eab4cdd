import Foundation
import History
import PNGTestSupport
import Report
import Studies
import Testing

/// The "History" section of a real report: its figure is a real PNG, its steps are on the page.
@Suite struct TrendReportTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-trend-report-\(UUID())")

    @Test func theReportChartsTheHeadlineTrendsAndListsTheSteps() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let store = try HistoryStore(path: dir.appendingPathComponent("h.sqlite").path, create: true)
        for night in 0..<12 { try store.add(HistoryStoreTests.run(night: night, shift: night < 8 ? 0 : -0.05), label: "night \(night)") }
        var other = try HistoryStoreTests.run(night: 20)
        other.config.profile = "full"
        try store.add(other)
        let tonight = try HistoryStoreTests.run(night: 11, shift: -0.05)
        let metrics = ReportWriter.headlineMetrics(of: tonight)
        #expect(metrics.contains("lr-sweep.depth2.bn.best_accuracy") && metrics.contains("lr-sweep.depth2.largest_good_lr_ratio"))
        #expect(metrics.contains("time.total") && metrics.contains("time.lr-sweep"))
        let trends = try HistoryTrends.read(from: store, configHash: tonight.config.fingerprint, metrics: metrics,
                                            machine: tonight.timings.machine)

        let out = dir.appendingPathComponent("report")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let options = ReportOptions(templatesDirectory: HistoryStoreTests.repoRoot.appendingPathComponent("templates"),
                                    command: "bnlab run --history h.sqlite", configJSON: "{}", trends: trends)
        try ReportWriter.write(results: tonight, baseline: nil, options: options, to: out)

        let html = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(html.contains("<h2 id=\"history-title\">History</h2>"))
        #expect(html.contains("12 recorded runs with this configuration"))
        #expect(html.contains("href=\"#history\""))
        #expect(html.contains("night 8"), "the step's first run is named")
        #expect(html.contains("regressed"))
        #expect(html.contains("Runs under other configurations"))
        let png = try DecodedPNG(url: out.appendingPathComponent("figures/history-trends.png"))
        #expect(png.width > 1000 && png.height > 300)
        #expect(png.text["Title"]?.contains("recorded runs") ?? false)
    }

    @Test func withoutHistoryThereIsNoSection() throws {
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let options = ReportOptions(templatesDirectory: HistoryStoreTests.repoRoot.appendingPathComponent("templates"),
                                    command: "bnlab run", configJSON: "{}")
        try ReportWriter.write(results: HistoryStoreTests.run(night: 1), baseline: nil, options: options, to: dir)
        let html = try String(contentsOf: dir.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(!html.contains("id=\"history\""))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("figures/history-trends.png").path))
    }
}
