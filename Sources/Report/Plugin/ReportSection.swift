import Studies

/// What a study's view may draw on: the whole run, its rendered figures and how to reproduce it.
public struct ReportSection {
    /// The run the section belongs to (config, dataset, timings).
    public var run: RunResults
    /// How to reproduce this study alone.
    public var reproduce: ReproduceView
    /// Every rendered figure of the report by name.
    var figures: [String: FigureView]

    /// The rendered figure called `name` (`lr-sweep-accuracy`), if it was drawn.
    public func figure(_ name: String) -> FigureView? { figures[name] }
}
