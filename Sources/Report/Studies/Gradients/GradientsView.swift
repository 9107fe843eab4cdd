import Foundation
import Studies

/// The view `templates/gradients.mustache` renders.
struct GradientsView {
    var setup: String
    var verdictRule: String
    var initFigure: FigureView?
    var histogramFigure: FigureView?
    var normFigures: [FigureView]
    var icsFigure: FigureView?
    var icsLayersFigure: FigureView?
    var landscapeFigures: [FigureView]
    var initRows: [InitRow]
    var trainingRows: [TrainingRow]
    var reproduce: ReproduceView

    /// One network at initialisation, both arms.
    struct InitRow {
        var network: String
        var growthBN: String
        var growthPlain: String
        var growthVerdict: String
        var kurtosisBN: String
        var kurtosisPlain: String
        var p99BN: String
        var p99Plain: String
        var tailsVerdict: String
    }

    /// One network at one learning rate, both arms.
    struct TrainingRow {
        var network: String
        var lr: String
        var trainedBN: String
        var trainedPlain: String
        var icsBN: String
        var icsPlain: String
        var icsVerdict: String
        var betaBN: String
        var betaPlain: String
        var betaVerdict: String
        var startsGroup: Bool
    }
}

extension GradientsView {
    init(_ r: GradientsStudy.Result, in section: ReportSection) {
        let c = r.config
        let lrs = c.learningRates.map { ReportFormat.learningRate(Double($0)) }.joined(separator: " and ")
        setup = "Networks: the plain deep CNN of the learning-rate sweep at depths \(c.depths.map(String.init).joined(separator: " and ")), "
            + "each with and without BN from the same initial weights (PyTorch's default Kaiming-uniform initialisation). "
            + "SGD with momentum \(ReportFormat.number(Double(c.momentum))), batch \(c.batchSize), learning rates \(lrs), "
            + "\(ReportFormat.count(min(c.trainLimit, section.run.dataset.trainImages))) training images, \(c.epochs) epoch\(c.epochs == 1 ? "" : "s"), "
            + "\(c.seeds) seed\(c.seeds == 1 ? "" : "s"). Gradients at initialisation over the first \(c.initBatches) batches; "
            + "ICS and the landscape probed at \(c.probes) step\(c.probes == 1 ? "" : "s") of each run. \(r.runs.count) training runs in all."
        verdictRule = "A finding agrees with the paper when the difference it predicts exceeds twice its standard error over seeds, differs when "
            + "the opposite difference does, and is inconclusive otherwise (always with one seed). The growth factor agrees when "
            + "1.21 lies within twice its standard error plus \(ReportFormat.number(GradientsStudy.growthTolerance)) of the measured mean "
            + "(the prediction is for infinitely wide layers). Santurkar et al.'s claims are about networks that train, so the ICS and β "
            + "comparisons are inconclusive unless both arms trained in at least two seeds."
        initFigure = section.figure("gradients-init-norms")
        histogramFigure = section.figure("gradients-histogram")
        normFigures = c.depths.compactMap { section.figure("gradients-norms-depth\($0)") }
        icsFigure = section.figure("gradients-ics")
        icsLayersFigure = section.figure("gradients-ics-layers")
        landscapeFigures = c.depths.compactMap { section.figure("gradients-landscape-depth\($0)") }
        reproduce = section.reproduce
        let f = GradientsReportFormat.self
        initRows = r.findings.map { x in
            let p99 = { (bn: Bool) in
                GradientsStudy.Spread(r.initial.filter { $0.depth == x.depth && $0.batchNorm == bn }.map(\.p99Abs))
            }
            return InitRow(network: LRSweepFigures.networkTitle(x.depth),
                           growthBN: f.spread(x.growthWithBN), growthPlain: f.spread(x.growthWithoutBN),
                           growthVerdict: x.growthVerdict.rawValue,
                           kurtosisBN: f.spread(x.kurtosisWithBN), kurtosisPlain: f.spread(x.kurtosisWithoutBN),
                           p99BN: f.spread(p99(true)), p99Plain: f.spread(p99(false)),
                           tailsVerdict: x.tailsVerdict.rawValue)
        }
        trainingRows = r.findings.flatMap { x in
            x.atLearningRates.enumerated().map { k, a in
                TrainingRow(network: k == 0 ? LRSweepFigures.networkTitle(x.depth) : "",
                            lr: ReportFormat.learningRate(Double(a.learningRate)),
                            trainedBN: "\(a.trainedWithBN)/\(c.seeds)", trainedPlain: "\(a.trainedWithoutBN)/\(c.seeds)",
                            icsBN: f.spread(a.icsWithBN), icsPlain: f.spread(a.icsWithoutBN), icsVerdict: a.icsVerdict.rawValue,
                            betaBN: f.spread(a.betaWithBN), betaPlain: f.spread(a.betaWithoutBN), betaVerdict: a.betaVerdict.rawValue,
                            startsGroup: k == 0)
            }
        }
    }
}

/// Numbers of the gradient study as the page writes them.
enum GradientsReportFormat {
    /// `1.19 ± 0.02`: mean ± standard deviation over seeds, the deviation to two significant digits and
    /// the mean to the same decimal place; the mean alone (3 significant digits) for one seed; `–` for none.
    static func spread(_ s: GradientsStudy.Spread) -> String {
        guard let m = s.mean else { return "–" }
        guard let sd = s.std, sd > 0, sd.isFinite else { return ReportFormat.number(m) }
        if abs(m) >= 1e5 || abs(m) < 1e-3 { return String(format: "%.2e ± %.1e", m, sd) }
        let decimals = max(0, min(6, 1 - Int(floor(log10(sd)))))
        return String(format: "%.\(decimals)f ± %.\(decimals)f", m, sd)
    }
}
