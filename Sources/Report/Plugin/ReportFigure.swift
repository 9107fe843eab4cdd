import Charts

/// One figure of the report: the chart, its file stem (`lr-sweep-accuracy` →
/// `figures/lr-sweep-accuracy.png`), the study it belongs to, and the words that go with it.
public struct ReportFigure: Sendable {
    /// `<study>-<figure>`, the file name without extension.
    public var name: String
    /// The study id, for the PNG's Source metadata.
    public var study: String
    public var figure: Figure
    /// Alt text: what the image shows, for readers who cannot see it.
    public var alt: String
    /// The caption under the figure.
    public var caption: String

    public init(name: String, study: String, figure: Figure, alt: String, caption: String) {
        self.name = name
        self.study = study
        self.figure = figure
        self.alt = alt
        self.caption = caption
    }
}
