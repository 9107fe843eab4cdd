import Charts

/// One figure of the report: the chart, its file stem (`lr-sweep-accuracy` →
/// `figures/lr-sweep-accuracy.png`), the study it belongs to, and the words that go with it.
struct ReportFigure: Sendable {
    /// `<study>-<figure>`, the file name without extension.
    var name: String
    /// The study id, for the PNG's Source metadata.
    var study: String
    var figure: Figure
    /// Alt text: what the image shows, for readers who cannot see it.
    var alt: String
    /// The caption under the figure.
    var caption: String
}

/// The colours every figure uses for the two arms, so "with BN" is the same blue everywhere.
enum ArmStyle {
    static let withBN = Color.tab10[0]
    static let withoutBN = Color.tab10[1]
    static let raw = Color.tab10[3]
    static let normalized = Color.tab10[2]

    static func color(batchNorm: Bool) -> Color { batchNorm ? withBN : withoutBN }
    static func label(batchNorm: Bool) -> String { batchNorm ? "with BN" : "without BN" }
    static func marker(batchNorm: Bool) -> Marker { batchNorm ? .circle : .square }
}
