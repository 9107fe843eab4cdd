import Studies

/// The report side of a study plug-in: its figures, its sentences in the findings box, and the
/// view its template `templates/<id>.mustache` renders as its section of the page.
///
/// Conform a `Study` to it in the Report module (`Sources/Report/Studies/<Name>/`), where the
/// figures may use the chart library; the study itself stays free of drawing code.
public protocol ReportableStudy: Study {
    /// The figures of a result, drawn with the chart library (names start with the study id).
    func figures(of result: Result, in run: RunResults) -> [ReportFigure]
    /// Figures that set tonight's result against a baseline's, for the "Compared with baseline"
    /// section (none by default).
    func comparisonFigures(of result: Result, baseline: Result) -> [ReportFigure]
    /// The study's items in the findings box at the top of the page, in plain sentences with numbers.
    func findings(of result: Result, in run: RunResults) -> [FindingSentence]
    /// The view model its template renders: plain structs of finished strings, lists and optionals.
    func view(of result: Result, in section: ReportSection) -> Any
    /// The ids of the few metrics worth a trend chart over the nightly history (`bnlab run
    /// --history`), in chart order; none by default.
    func headlineMetrics(of result: Result) -> [String]
}

extension ReportableStudy {
    public func comparisonFigures(of result: Result, baseline: Result) -> [ReportFigure] { [] }
    public func headlineMetrics(of result: Result) -> [String] { [] }
}
