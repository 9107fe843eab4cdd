import Charts
import Foundation
import Studies
import Training

/// The covariate-shift simulation's figure: drift of the mean and of the spread, raw vs normalised.
enum CovariateShiftFigures {
    static func all(_ shift: CovariateShiftStudy.Result) -> [ReportFigure] { [drift(shift)] }

    /// Top row: the population mean per iteration (band: ± std across seeds); bottom row: the
    /// population's spread. One column per noise level, raw and normalised overlaid.
    static func drift(_ shift: CovariateShiftStudy.Result) -> ReportFigure {
        let levels = shift.config.noiseLevels
        let columns = max(1, levels.count)
        var fig = Figure(widthInches: min(9, 2.5 * Double(columns) + 1.6), heightInches: 5,
                         title: "A population passed through tanh with noise, with and without normalisation")
        fig.columns = columns
        fig.sharedX = true
        fig.sharedLegend = true
        let curves = shift.curves
        // As long as the longest curve, not config.iterations: a metrics.json can say 2^63 iterations
        // (found by the fuzzer: building that axis corrupted the heap).
        let x = (1...max(1, curves.map { max($0.mean.count, $0.spread.count) }.max() ?? 1)).map(Double.init)
        // One y range per row, so panels in a row compare at a glance.
        let meanReach = curves.flatMap { c in zip(c.mean, c.meanAcrossSeedsStd).map { abs($0) + $1 } }.filter(\.isFinite).max() ?? 1
        let m = max(0.05, meanReach * 1.1)
        let spreadTop = max(1.0, curves.flatMap(\.spread).filter(\.isFinite).max() ?? 1) * 1.1
        let seeds = shift.config.seeds

        for row in 0..<2 {
            for (k, sigma) in levels.enumerated() {
                // Titles on the top row only; y labels on the left column only (the rows share ranges).
                var ax = Axes(title: row == 0 ? "σ = " + ReportFormat.number(sigma) : nil, xLabel: "iteration",
                              yLabel: k > 0 ? nil : row == 0 ? "population mean" : "population std")
                ax.yLimits = row == 0 ? -m...m : 0...spreadTop
                ax.xLimits = 0...Double(x.count)
                for normalized in [false, true] {
                    guard let c = curves.first(where: { $0.noise == sigma && $0.normalized == normalized }) else { continue }
                    let label = normalized ? "normalised" : "raw"
                    let color = normalized ? ArmStyle.normalized : ArmStyle.raw
                    if row == 0 {
                        ax.line(x: Array(x.prefix(c.mean.count)), y: c.mean, label: label, color: color,
                                spread: seeds > 1 ? c.meanAcrossSeedsStd : nil)
                    } else {
                        ax.line(x: Array(x.prefix(c.spread.count)), y: c.spread, label: label, color: color)
                    }
                }
                fig.panels.append(ax)
            }
        }
        let levelsText = levels.map(ReportFormat.number).joined(separator: ", ")
        let alt = "Line charts in two rows: the top row shows the mean of a population of \(shift.config.samples) values over \(shift.config.iterations) iterations "
            + "of x ← tanh(x + σ·noise) for σ = \(levelsText), raw and normalised each iteration; the bottom row shows the population's standard deviation."
        let caption = "Top: the population mean at each iteration (averaged over \(seeds) seed\(seeds == 1 ? "" : "s")"
            + (seeds > 1 ? "; the band is ± one standard deviation across seeds, i.e. how far a single run drifts" : "")
            + "). Bottom: the population's standard deviation. Raw: the spread shrinks to a level set by the noise, "
            + "and the mean moves from one iteration to the next; normalised: mean 0 and spread 1 at every iteration."
        return ReportFigure(name: "covariate-shift-drift", study: CovariateShiftStudy.id, figure: fig,
                            alt: alt, caption: caption)
    }
}
