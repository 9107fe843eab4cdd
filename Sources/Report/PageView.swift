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
    var findings: [Sentence]
    var contents: [Link]
    /// Studies in run order; each holds exactly one of its optionals.
    var sections: [Section]
    var comparison: ComparisonView?
    /// The whole run's command and effective config.
    var command: String
    var configJSON: String

    /// A findings item: an optional bold lead ("ConvNet (depth 2)") and its sentences.
    struct Sentence {
        var lead: String?
        var text: String
    }

    struct Link {
        var label: String
        var href: String
    }

    struct Section {
        var lrSweep: LRSweepView?
        var covariateShift: CovariateShiftView?
    }

    /// A figure as an `<img>`: its source (relative path or data: URI), pixel size on the page,
    /// alt text, caption and links to vector copies.
    struct FigureView {
        var src: String
        var width: String
        var height: String
        var alt: String
        var caption: String
        var downloads: [Link]
        /// Stored, not computed: Mustache sees stored properties only.
        var hasDownloads: Bool
    }

    /// What reproduces a study: the command, and the study's part of the config as a `--config` file.
    struct Reproduce {
        var command: String
        var configJSON: String
        var time: String
    }

    /// A table cell that may be flagged (a failed run, a regression).
    struct Cell {
        var text: String
        var flagged: Bool
    }

    // MARK: - Learning-rate sweep

    struct LRSweepView {
        var setup: String
        var failureCriterion: String
        var accuracyFigure: FigureView?
        var lossFigures: [FigureView]
        var heatmapFigure: FigureView?
        var summary: [SummaryRow]
        var grids: [GridTable]
        var seedNote: String
        var reproduce: Reproduce
    }

    /// One arm of one network in the derived-findings table.
    struct SummaryRow {
        var network: String
        var arm: String
        var bestLR: String
        var bestAccuracy: String
        var largestLR: String
        var window: String
        var ratio: String
        /// The first row of a network (starts a visual group).
        var startsGroup: Bool
    }

    /// Every grid point of one network.
    struct GridTable {
        var network: String
        var rows: [GridRow]
    }

    struct GridRow {
        var lr: String
        var bnAccuracy: String
        var bnStatus: Cell
        var noBNAccuracy: String
        var noBNStatus: Cell
    }

    // MARK: - Covariate shift

    struct CovariateShiftView {
        var setup: String
        var figure: FigureView?
        var rows: [ShiftRow]
        var reproduce: Reproduce
    }

    struct ShiftRow {
        var noise: String
        var rawMaxMean: String
        var normalizedMaxMean: String
        var rawFinalSpread: String
        var normalizedFinalSpread: String
    }

    // MARK: - Comparison

    struct ComparisonView {
        var summary: String
        var tolerances: String
        var baselineFacts: String
        var rows: [ComparisonRow]
        var figure: FigureView?
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
