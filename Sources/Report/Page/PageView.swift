/// The report page as the templates see it: plain structs of finished strings, lists and optionals.
///
/// Mustache reads these by property name (`{{title}}`, `{{#findings}}…{{/findings}}`); a nil
/// optional or an empty list hides its section. Every number is formatted before it gets here,
/// and every string is HTML-escaped by `{{ }}` when rendered.
struct PageView {
    var title: String
    /// Run facts for the header.
    var date: String
    var version: String
    var commit: String?
    var machine: String
    var dataset: String
    var profile: String
    var seed: String
    var jobs: String
    var totalTime: String
    /// The findings box: one plain sentence each.
    var findings: [FindingSentence]
    var contents: [LinkView]
    /// Studies in run order.
    var sections: [Section]
    var comparison: ComparisonView?
    /// The nightly history's trends (`--history`).
    var history: HistoryView?
    /// Said at the top of the findings when tonight regressed against the baseline.
    var regressionNotice: String?
    /// The whole run's command and effective config.
    var command: String
    var configJSON: String

    /// One study's section: its template rendered with its view.
    struct Section {
        var id: String
        /// The section's HTML, rendered from `templates/<id>.mustache` (inserted unescaped).
        var html: String
    }

    // MARK: - History

    struct HistoryView {
        var summary: String
        var method: String
        var figure: FigureView?
        /// Detected steps, newest first.
        var steps: [HistoryStepRow]
        var hasSteps: Bool
        /// The latest runs with this configuration, newest first, and how many are folded away.
        var runs: [HistoryRunRow]
        var runsNote: String
        /// Runs under other configurations: listed apart, never compared.
        var otherConfigs: [HistoryConfigRow]
        var hasOtherConfigs: Bool
    }

    struct HistoryStepRow {
        var metric: String
        var run: String
        var from: String
        var to: String
        var verdict: String
        var verdictClass: String
    }

    struct HistoryRunRow {
        var id: String
        var label: String
        var date: String
        var commit: String
        var totalTime: String
    }

    struct HistoryConfigRow {
        var hash: String
        var profile: String
        var runs: String
        var latest: String
    }

    // MARK: - Comparison

    struct ComparisonView {
        var summary: String
        var tolerances: String
        var baselineFacts: String
        /// Rows that moved (regressions and missing first).
        var rows: [ComparisonRow]
        /// Rows that did not move beyond tolerance, folded away, and how many.
        var steadyRows: [ComparisonRow]
        var steadyCount: String?
        /// The studies' figures that overlay the baseline.
        var figures: [FigureView]
    }

    struct ComparisonRow {
        var label: String
        var id: String
        var baseline: String
        var current: String
        var change: String
        var verdict: String
        /// CSS class for the verdict: `improved`, `regressed`, `neutral`.
        var verdictClass: String
    }
}
