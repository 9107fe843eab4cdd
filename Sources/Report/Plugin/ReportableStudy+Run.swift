import Studies

/// What the report writer asks of any study that ran, with the study's own result looked up in the run.
extension ReportableStudy {
    func hasResult(in run: RunResults) -> Bool { run.results[Self.self] != nil }

    func reportHeadlineMetrics(in run: RunResults) -> [String] {
        run.results[Self.self].map { headlineMetrics(of: $0) } ?? []
    }

    func reportFigures(in run: RunResults) -> [ReportFigure] {
        run.results[Self.self].map { figures(of: $0, in: run) } ?? []
    }

    /// Overlays of the baseline's result, when the baseline ran this study too.
    func reportComparisonFigures(in run: RunResults, baseline: RunResults) -> [ReportFigure] {
        guard let result = run.results[Self.self], let base = baseline.results[Self.self] else { return [] }
        return comparisonFigures(of: result, baseline: base)
    }

    func reportFindings(in run: RunResults) -> [FindingSentence] {
        run.results[Self.self].map { findings(of: $0, in: run) } ?? []
    }

    func reportView(in section: ReportSection) -> Any? {
        section.run.results[Self.self].map { view(of: $0, in: section) }
    }
}
