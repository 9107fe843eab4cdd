import Charts
import Report
import Studies

/// The toy study's report side: one figure, one finding, one view.
extension ToyStudy: ReportableStudy {
    func figures(of result: Result, in run: RunResults) -> [ReportFigure] {
        var fig = Figure(widthInches: 4, heightInches: 3, title: "Mean pixel per seed")
        var ax = Axes(title: nil, xLabel: "seed", yLabel: "mean pixel")
        ax.line(x: result.means.indices.map(Double.init), y: result.means, label: "mean")
        fig.panels = [ax]
        return [ReportFigure(name: "toy-study-means", study: Self.id, figure: fig,
                             alt: "A line chart of the mean pixel of a random sample of images, one point per seed.",
                             caption: "Mean pixel of each seed's sample.")]
    }

    func findings(of result: Result, in run: RunResults) -> [FindingSentence] {
        [FindingSentence(lead: "Toy", text: "The mean pixel over \(result.means.count) seeds is "
            + ReportFormat.number(result.means.reduce(0, +) / Double(result.means.count)) + ".")]
    }

    struct View {
        var seeds: String
        var figure: FigureView?
        var reproduce: ReproduceView
    }

    func view(of result: Result, in section: ReportSection) -> Any {
        View(seeds: String(result.means.count), figure: section.figure("toy-study-means"), reproduce: section.reproduce)
    }
}
