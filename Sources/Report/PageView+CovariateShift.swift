import Foundation
import Studies
import Training

extension PageView.CovariateShiftView {
    init(_ shift: CovariateShiftStudy.Result, figures: [String: PageView.FigureView], reproduce: PageView.Reproduce) {
        let c = shift.config
        setup = "\(ReportFormat.count(c.samples)) values drawn from N(0, 1), passed \(c.iterations) times through "
            + "x ← tanh(x + σ·ε) with fresh Gaussian noise ε, for σ = \(c.noiseLevels.map(ReportFormat.number).joined(separator: ", ")); "
            + "\(c.seeds) independent repetition\(c.seeds == 1 ? "" : "s"). The normalised twin sees the same noise "
            + "and standardises the population after every iteration, as BatchNorm does to a layer's inputs."
        figure = figures["covariate-shift-drift"]
        self.reproduce = reproduce
        let f = { (v: Double?) in v.map { String(format: "%.3f", $0) } ?? "–" }
        rows = c.noiseLevels.map { sigma in
            let raw = shift.curves.first { $0.noise == sigma && !$0.normalized }
            let norm = shift.curves.first { $0.noise == sigma && $0.normalized }
            return PageView.ShiftRow(noise: ReportFormat.number(sigma),
                                     rawMaxMean: f(raw?.maxAbsMean), normalizedMaxMean: f(norm?.maxAbsMean),
                                     rawFinalSpread: f(raw?.spread.last), normalizedFinalSpread: f(norm?.spread.last))
        }
    }
}
