import Foundation
import Studies

extension CovariateShiftStudy: ReportableStudy {
    public func figures(of result: Result, in run: RunResults) -> [ReportFigure] { CovariateShiftFigures.all(result) }

    public func findings(of result: Result, in run: RunResults) -> [FindingSentence] {
        Self.shiftSentence(result).map { [FindingSentence(lead: "Covariate shift", text: $0)] } ?? []
    }

    public func view(of result: Result, in section: ReportSection) -> Any { CovariateShiftView(result, in: section) }
}

// MARK: - Sentences

extension CovariateShiftStudy {
    /// The simulation in one sentence, at the noise level where the raw mean drifts most.
    static func shiftSentence(_ shift: CovariateShiftStudy.Result) -> String? {
        let raw = shift.curves.filter { !$0.normalized }
        guard let worst = raw.max(by: { $0.maxAbsMean < $1.maxAbsMean }),
              let norm = shift.curves.first(where: { $0.normalized && $0.noise == worst.noise }) else { return nil }
        let n = ReportFormat.number
        return "In the simulation (σ = \(n(worst.noise))), without normalisation the mean of a layer's inputs "
            + "drifts up to \(String(format: "%.2f", worst.maxAbsMean)) from zero and their spread ends at \(String(format: "%.2f", worst.spread.last ?? .nan)); "
            + "normalising each iteration keeps the mean " + (norm.maxAbsMean < 0.005 ? "at zero (largest |mean| \(n(norm.maxAbsMean)))"
                : "within \(String(format: "%.2f", norm.maxAbsMean))") + " and the spread at \(String(format: "%.2f", norm.spread.last ?? .nan))."
    }
}
