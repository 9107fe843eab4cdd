import Foundation
import Studies
import Training

/// The view `templates/lr-sweep.mustache` renders.
struct LRSweepView {
    var setup: String
    var failureCriterion: String
    /// What "trains well" and the window mean, with their thresholds.
    var thresholds: String
    var accuracyFigure: FigureView?
    var lossFigures: [FigureView]
    var heatmapFigure: FigureView?
    var summary: [SummaryRow]
    var grids: [GridTable]
    var seedNote: String
    var reproduce: ReproduceView

    /// One arm of one network in the derived-findings table.
    struct SummaryRow {
        var network: String
        var arm: String
        var bestLR: String
        var bestAccuracy: String
        var largestLR: String
        var goodLR: String
        var window: String
        var ratio: String
        /// The first row of a network (starts a visual group).
        var startsGroup: Bool
    }

    /// Every grid point of one network.
    struct GridTable {
        var network: String
        var rows: [GridRow]
    }

    struct GridRow {
        var lr: String
        var bnAccuracy: String
        var bnStatus: CellView
        var noBNAccuracy: String
        var noBNStatus: CellView
    }
}

extension LRSweepView {
    init(_ sweep: LRSweepStudy.Result, in section: ReportSection) {
        let results = section.run
        let c = sweep.config
        let lr = { (v: Float) in ReportFormat.learningRate(Double(v)) }
        let grid = c.learningRates
        let images = ReportFormat.count(min(c.trainLimit ?? results.dataset.trainImages, results.dataset.trainImages))
        setup = "Networks: \(c.depths.map(LRSweepFigures.network).joined(separator: "; ")), each with and without BN. "
            + "Learning rates: \(grid.map(lr).joined(separator: ", ")) (\(grid.count) points). "
            + "SGD with momentum \(ReportFormat.number(Double(c.momentum))), batch \(c.batchSize), "
            + "\(images) training images, \(c.epochs) epoch\(c.epochs == 1 ? "" : "s"), "
            + "\(c.seeds) seed\(c.seeds == 1 ? "" : "s") per grid point; "
            + "test accuracy on all \(ReportFormat.count(results.dataset.testImages)) test images. "
            + "\(sweep.runs.count) training runs in all."
        failureCriterion = FailureCriterion.statement
        let points = { (v: Float) in "\(Int((v * 100).rounded())) points" }
        thresholds = "A learning rate trains well when every seed trained and the mean test accuracy is within "
            + "\(points(LRSweepFindings.trainsWellWithin)) of the arm's best; the window counts the learning rates next to the best, "
            + "on both sides without gaps, whose accuracy is within \(points(LRSweepFindings.windowWithin)) of it."
        seedNote = c.seeds > 1 ? "Accuracies are means ± standard deviation over \(c.seeds) seeds." : "One seed per grid point."
        accuracyFigure = section.figure("lr-sweep-accuracy")
        lossFigures = c.depths.compactMap { section.figure("lr-sweep-loss-depth\($0)") }
        heatmapFigure = section.figure("lr-sweep-heatmap")
        reproduce = section.reproduce

        summary = []
        grids = []
        for f in sweep.findings {
            let network = LRSweepFigures.networkTitle(f.depth)
            for (k, arm) in [f.withBN, f.withoutBN].enumerated() {
                summary.append(SummaryRow(
                    network: k == 0 ? network : "",
                    arm: ArmStyle.label(batchNorm: arm.batchNorm),
                    bestLR: arm.bestLearningRate.map(lr) ?? "–",
                    bestAccuracy: arm.bestAccuracy.map { ReportFormat.accuracy(Double($0)) } ?? "–",
                    largestLR: arm.largestTrainingLearningRate.map(lr) ?? "none",
                    goodLR: arm.largestGoodLearningRate.map(lr) ?? "none",
                    window: arm.largestTrainingLearningRate == nil ? "none (nothing trained)"
                        : arm.windowDecades.map { $0 == 0 ? "one grid point" : ReportFormat.decades(Double($0)) } ?? "–",
                    ratio: k == 0 ? (f.largestGoodLearningRateRatio.map { ReportFormat.ratio(Double($0)) } ?? "–") : "",
                    startsGroup: k == 0))
            }
            var rows: [GridRow] = []
            for rate in grid {
                func cells(_ bn: Bool) -> (String, CellView) {
                    let arm = bn ? f.withBN : f.withoutBN
                    let acc: String
                    if let i = arm.learningRates.firstIndex(of: rate) {
                        acc = ReportFormat.accuracy(Double(arm.meanAccuracy[i]), std: c.seeds > 1 ? Double(arm.stdAccuracy[i]) : nil)
                    } else {
                        acc = "–"
                    }
                    let runs = sweep.runs.filter { $0.depth == f.depth && $0.batchNorm == bn && $0.learningRate == rate }
                    return (acc, Self.status(runs))
                }
                let (bnAcc, bnStatus) = cells(true)
                let (plainAcc, plainStatus) = cells(false)
                rows.append(GridRow(lr: lr(rate), bnAccuracy: bnAcc, bnStatus: bnStatus,
                                             noBNAccuracy: plainAcc, noBNStatus: plainStatus))
            }
            grids.append(GridTable(network: network, rows: rows))
        }
    }

    /// "trained", or why it failed; with several seeds, how many of them failed.
    static func status(_ runs: [LRSweepStudy.Run]) -> CellView {
        guard !runs.isEmpty else { return CellView(text: "not run", flagged: false) }
        let failed = runs.filter(\.failed)
        guard let first = failed.first else {
            return CellView(text: runs.count > 1 ? "trained (\(runs.count)/\(runs.count))" : "trained", flagged: false)
        }
        let reason = first.failureReason ?? "failed"
        let text = runs.count == 1 ? "failed: \(reason)"
            : failed.count == 1 ? "1/\(runs.count) failed (seed \(first.seed): \(reason))"
            : "\(failed.count)/\(runs.count) failed (first, seed \(first.seed): \(reason))"
        return CellView(text: text, flagged: true)
    }
}
