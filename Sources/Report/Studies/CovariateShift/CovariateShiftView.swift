import Foundation
import Studies
import Training

/// The view `templates/covariate-shift.mustache` renders.
struct CovariateShiftView {
    var setup: String
    var figure: FigureView?
    var rows: [ShiftRow]
    var reproduce: ReproduceView

    struct ShiftRow {
        var noise: String
        var rawMaxMean: String
        var normalizedMaxMean: String
        var rawFinalSpread: String
        var normalizedFinalSpread: String
    }
}

extension CovariateShiftView {
    init(_ shift: CovariateShiftStudy.Result, in section: ReportSection) {
        let c = shift.config
        setup = "\(ReportFormat.count(c.samples)) values drawn from N(0, 1), passed \(c.iterations) times through "
            + "x ← tanh(x + σ·ε) with fresh Gaussian noise ε, for σ = \(c.noiseLevels.map(ReportFormat.number).joined(separator: ", ")); "
            + "\(c.seeds) independent repetition\(c.seeds == 1 ? "" : "s"). The normalised twin sees the same noise "
            + "and standardises the population after every iteration, as BatchNorm does to a layer's inputs."
        figure = section.figure("covariate-shift-drift")
        reproduce = section.reproduce
        let f = { (v: Double?) in v.map { String(format: "%.3f", $0) } ?? "–" }
        rows = c.noiseLevels.map { sigma in
            let raw = shift.curves.first { $0.noise == sigma && !$0.normalized }
            let norm = shift.curves.first { $0.noise == sigma && $0.normalized }
            return ShiftRow(noise: ReportFormat.number(sigma),
                                     rawMaxMean: f(raw?.maxAbsMean), normalizedMaxMean: f(norm?.maxAbsMean),
                                     rawFinalSpread: f(raw?.spread.last), normalizedFinalSpread: f(norm?.spread.last))
        }
    }
}
