import Foundation
import Studies

/// The view `templates/running-stats.mustache` renders.
struct RunningStatsView {
    var setup: String
    var verdictRule: String
    var errorFigure: FigureView?
    var accuracyFigure: FigureView?
    var modesFigure: FigureView?
    var rows: [Row]
    var errorRows: [ErrorRow]
    var single: String
    var batchNorm1dError: String
    var singleVerdict: String
    var reproduce: ReproduceView

    struct Row {
        var arm: String
        var trained: String
        var eval: String
        var trainMode: String
        var gap: String
        var recalibrated: String
        var recovered: String
        var verdict: String
    }

    struct ErrorRow {
        var arm: String
        var cells: [Cell]
    }

    struct Cell { var text: String }
    var layerHeaders: [Cell]
}

extension RunningStatsView {
    init(_ r: RunningStatsStudy.Result, in section: ReportSection) {
        let c = r.config
        let f = r.findings
        setup = "Network: the seed's ConvNetWithBN (two BatchNorm2d layers), from the same initial weights and batches in every arm. "
            + "SGD with momentum \(ReportFormat.number(Double(c.momentum))), learning rate \(ReportFormat.learningRate(Double(c.learningRate))), "
            + "batch \(c.batchSize), \(ReportFormat.count(min(c.trainLimit, section.run.dataset.trainImages))) training images, "
            + "\(c.epochs) epoch\(c.epochs == 1 ? "" : "s"), \(c.seeds) seed\(c.seeds == 1 ? "" : "s"); accuracies on the first "
            + "\(ReportFormat.count(min(c.testLimit, section.run.dataset.testImages))) test images. BN momenta: "
            + c.momenta.map { $0 == .cumulative ? "None (cumulative average)" : $0.description }.joined(separator: ", ")
            + (c.untracked ? ", and track_running_stats=False" : "") + ". Running and population statistics compared at \(c.checkpoints) steps. "
            + "\(r.runs.count) training runs in all."
        verdictRule = "Recalibration: Δ is the per-seed change in eval-mode accuracy when the running statistics are replaced by the population "
            + "statistics. A finding agrees with Ioffe & Szegedy (running averages serve for inference) when |mean Δ| + 2 standard errors ≤ 1 point, "
            + "differs when |mean Δ| − 2 standard errors > 1 point, and is inconclusive otherwise (always with one seed). "
            + "A single image agrees when its eval-mode logits alone and inside the batch differ by at most 1e-5."
        errorFigure = section.figure("running-stats-error")
        accuracyFigure = section.figure("running-stats-accuracy")
        modesFigure = section.figure("running-stats-modes")
        rows = f.arms.map { a in
            Row(arm: a.arm.label, trained: "\(a.trained)/\(c.seeds)", eval: NormReport.accuracy(a.evalAccuracy),
                trainMode: NormReport.accuracy(a.trainModeAccuracy), gap: NormReport.points(a.trainEvalGap),
                recalibrated: a.arm.momentum == nil ? "n/a" : NormReport.accuracy(a.recalibratedAccuracy),
                recovered: a.arm.momentum == nil ? "n/a" : NormReport.points(a.recovered),
                verdict: a.arm.momentum == nil ? "n/a" : a.recalibrationVerdict.rawValue)
        }
        layerHeaders = f.layers.flatMap { [Cell(text: "\($0) mean"), Cell(text: "\($0) variance")] }
        errorRows = f.arms.filter { $0.arm.momentum != nil }.map { a in
            ErrorRow(arm: a.arm.label, cells: f.layers.indices.flatMap { l in
                [Cell(text: l < a.finalMeanError.count ? NormReport.number(a.finalMeanError[l]) : "–"),
                 Cell(text: l < a.finalVarianceError.count ? NormReport.number(a.finalVarianceError[l]) : "–")]
            })
        }
        let k = r.runs.compactMap(\.singleImage).first
        single = "Largest |logit alone − logit in the batch| over the first \(k?.images ?? 0) test images, each inside a batch of \(ReportFormat.count(k?.batch ?? 0)): "
            + (f.singleImageEvalMaxDifference.map { String(format: "%.2e", $0) } ?? "–") + " in evaluation mode, "
            + (f.singleImageTrainMaxDifference.map { ReportFormat.number($0) } ?? "–") + " in training mode. Accuracy of those images classified one at a time: "
            + (f.evalAloneAccuracy.map { ReportFormat.accuracy($0) } ?? "–") + " in evaluation mode, "
            + (f.trainAloneAccuracy.map { ReportFormat.accuracy($0) } ?? "–") + " in training mode."
        batchNorm1dError = f.batchNorm1dError
        singleVerdict = f.singleImageVerdict.rawValue
        reproduce = section.reproduce
    }
}
