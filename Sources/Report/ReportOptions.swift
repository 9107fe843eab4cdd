import Charts
import Foundation
import History

/// How `ReportWriter` writes a report: where the templates are, which image formats, and the
/// provenance shown on the page.
public struct ReportOptions: Sendable {
    /// The Mustache templates (`page.mustache` and its partials); the CLI passes the repo's
    /// `templates/` or the user's `--templates DIR`.
    public var templatesDirectory: URL
    /// PNG is always written (the page shows it); `.svg` and `.pdf` add vector copies of each figure.
    public var formats: [ImageFormat]
    /// One HTML file with the PNGs inlined as `data:` URIs (the figures are still written).
    public var singleFile: Bool
    /// The exact command line that reproduces the run, e.g. `bnlab run --profile quick --seed 0`.
    public var command: String
    /// The effective config as pretty JSON (the content of config.json).
    public var configJSON: String
    /// A ready comparison for the "Compared with baseline" section; nil computes one with the
    /// default tolerances when `write` is given a baseline.
    public var comparison: Comparison?
    /// The nightly history's trends for the "History" section (`--history FILE`); nil hides it.
    public var trends: HistoryTrends?

    public init(templatesDirectory: URL, formats: [ImageFormat] = [.png], singleFile: Bool = false,
                command: String, configJSON: String, comparison: Comparison? = nil, trends: HistoryTrends? = nil) {
        self.templatesDirectory = templatesDirectory
        self.formats = formats
        self.singleFile = singleFile
        self.command = command
        self.configJSON = configJSON
        self.comparison = comparison
        self.trends = trends
    }
}
