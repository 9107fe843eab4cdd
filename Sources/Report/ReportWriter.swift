import Charts
import Foundation
import Mustache
import Studies
import Training

/// Writes the HTML report of a run: figures first, then one view model, then the Mustache page.
public enum ReportWriter {
    /// Figures are drawn at 100 dpi on the page; the PNGs carry twice the pixels, so they stay
    /// crisp on high-density screens and in print.
    static let displayDPI = 100.0
    static let pixelDensity = 2

    /// Renders every figure into `directory/figures/<study>-<figure>.png` (+ other formats) and writes `directory/index.html`.
    ///
    /// With `baseline` (and no ready `options.comparison`), the "Compared with baseline" section is
    /// filled with `Comparison.compare` at its default tolerances. Rendering the same results twice
    /// gives byte-identical HTML.
    /// `isCancelled` is polled between figures; when it turns true the writer throws `CancellationError`.
    public static func write(results: RunResults, baseline: RunResults?, options: ReportOptions, to directory: URL,
                             isCancelled: @escaping @Sendable () -> Bool = { false }) throws {
        let library = try ReportTemplates.load(from: options.templatesDirectory)
        let figuresDirectory = directory.appendingPathComponent("figures", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: figuresDirectory, withIntermediateDirectories: true)
        } catch {
            throw ReportError.io(path: figuresDirectory.path, reason: error.localizedDescription)
        }

        // Each study that ran and has a report side, in run order.
        let studies = results.config.studies.compactMap { results.config.study(id: $0) as? any ReportableStudy }
            .filter { $0.hasResult(in: results) }
        var figures: [ReportFigure] = [], comparisonFigures: [ReportFigure] = []
        for study in studies {
            figures += study.reportFigures(in: results)
            if let baseline { comparisonFigures += study.reportComparisonFigures(in: results, baseline: baseline) }
        }
        let trendFigure = options.trends.flatMap(TrendFigures.figure)
        let views = try render(figures + comparisonFigures + (trendFigure.map { [$0] } ?? []), results: results, options: options, into: figuresDirectory,
                               isCancelled: isCancelled)

        var sections: [(section: PageView.Section, title: String)] = []
        for study in studies {
            let id = type(of: study).id
            let context = ReportSection(run: results, reproduce: PageView.reproduce(study: id, results: results, options: options),
                                        figures: views)
            guard let view = study.reportView(in: context) else { continue }
            guard library.getTemplate(named: id) != nil, let html = library.render(view, withTemplate: id) else {
                throw ReportError.missingTemplate(directory: options.templatesDirectory.path, name: id)
            }
            // The page puts each section on its own line.
            sections.append((PageView.Section(id: id, html: html.hasSuffix("\n") ? String(html.dropLast()) : html), type(of: study).title))
        }

        let comparison = options.comparison ?? baseline.map { Comparison.compare(baseline: $0, current: results) }
        let page = PageView(results: results, baseline: baseline, comparison: comparison, options: options,
                            findings: studies.flatMap { $0.reportFindings(in: results) }, sections: sections,
                            comparisonFigures: comparisonFigures.compactMap { views[$0.name] },
                            history: options.trends.map { PageView.HistoryView($0, figure: trendFigure.flatMap { views[$0.name] }) })
        guard let html = library.render(page, withTemplate: "page") else {
            throw ReportError.missingTemplate(directory: options.templatesDirectory.path, name: "page")
        }
        let index = directory.appendingPathComponent("index.html")
        do { try Data(html.utf8).write(to: index, options: .atomic) } catch {
            throw ReportError.io(path: index.path, reason: error.localizedDescription)
        }
    }

    /// The metrics worth a trend over the nightly history: each study's headline numbers, then
    /// the total wall time and each study's.
    public static func headlineMetrics(of results: RunResults) -> [String] {
        let studies = results.config.studies.compactMap { results.config.study(id: $0) as? any ReportableStudy }
        return studies.flatMap { $0.reportHeadlineMetrics(in: results) } + ["time.total"]
            + results.config.studies.map { "time.\($0)" }
    }

    // MARK: - Figures

    /// Renders the figures (two at a time: they are independent) and returns their `<img>` views by name.
    static func render(_ figures: [ReportFigure], results: RunResults, options: ReportOptions,
                       into directory: URL, isCancelled: @escaping @Sendable () -> Bool = { false }) throws -> [String: FigureView] {
        let extra = options.formats.filter { $0 != .png }
        let software = "bnlab \(results.bnlabVersion)"
        let rendered = try ParallelRunner(jobs: 2).map(figures, isCancelled: isCancelled) { _, f in
            let metadata = FigureMetadata(
                title: f.figure.title ?? f.name, software: software,
                source: "bnlab run, profile \(results.config.profile), seed \(results.config.seed), \(f.study)")
            let png = directory.appendingPathComponent(f.name + ".png")
            try f.figure.render(to: png, format: .png, dpi: displayDPI * Double(pixelDensity), metadata: metadata)
            for format in extra {
                try f.figure.render(to: directory.appendingPathComponent(f.name + "." + format.rawValue), format: format,
                                    metadata: metadata)
            }
            let bytes = try Data(contentsOf: png)
            let (w, h) = try pngSize(bytes, path: png.path)
            let src = options.singleFile ? "data:image/png;base64," + bytes.base64EncodedString() : "figures/\(f.name).png"
            let downloads = options.singleFile ? [] : [LinkView(label: "PNG", href: "figures/\(f.name).png")]
                + extra.map { LinkView(label: $0.rawValue.uppercased(), href: "figures/\(f.name).\($0.rawValue)") }
            return FigureView(src: src, width: String(w / pixelDensity), height: String(h / pixelDensity),
                                       alt: f.alt, caption: f.caption, downloads: downloads, hasDownloads: !downloads.isEmpty)
        }
        return Dictionary(zip(figures.map(\.name), rendered), uniquingKeysWith: { a, _ in a })
    }

    /// Width and height from a PNG's IHDR chunk.
    static func pngSize(_ bytes: Data, path: String) throws -> (Int, Int) {
        let b = [UInt8](bytes.prefix(24))
        guard b.count == 24, b[12] == 0x49, b[13] == 0x48, b[14] == 0x44, b[15] == 0x52 else {
            throw ReportError.io(path: path, reason: "not a PNG")
        }
        func be32(_ o: Int) -> Int { Int(b[o]) << 24 | Int(b[o + 1]) << 16 | Int(b[o + 2]) << 8 | Int(b[o + 3]) }
        return (be32(16), be32(20))
    }
}
