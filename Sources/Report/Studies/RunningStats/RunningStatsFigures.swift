import Charts
import Foundation
import Studies

/// The running-statistics study's figures.
enum RunningStatsFigures {
    typealias S = RunningStatsStudy

    static func all(_ r: S.Result) -> [ReportFigure] {
        [error(r), accuracyOverTraining(r), modes(r)]
    }

    static func color(_ i: Int) -> Color { Color.tab10[i % Color.tab10.count] }

    /// Running against population statistics over training: one panel per layer and statistic, one line per momentum.
    static func error(_ r: S.Result) -> ReportFigure {
        let layers = r.findings.layers
        var fig = Figure(widthInches: min(9, 3.3 * Double(max(1, layers.count)) + 1.9), heightInches: 5.4,
                         title: "Running statistics against the population statistics")
        fig.columns = max(1, layers.count)
        fig.sharedLegend = true
        fig.sharedX = true
        for row in 0..<2 {  // mean, then variance
            for (l, layer) in layers.enumerated() {
                var ax = Axes(title: row == 0 ? layer : nil, xLabel: row == 1 ? "training step" : nil,
                              yLabel: l == 0 ? (row == 0 ? "|μ_run − μ_pop| / σ_pop" : "|σ²_run − σ²_pop| / σ²_pop") : nil, yScale: .log)
                ax.stopLabel = nil
                for (i, arm) in r.findings.arms.map(\.arm).enumerated() where arm.momentum != nil {
                    let runs = r.runs.filter { $0.arm == arm }
                    guard let steps = runs.first?.checkpoints.map({ Double($0.step) }) else { continue }
                    let rows = runs.map { run in
                        run.checkpoints.map { c in l < c.layers.count ? (row == 0 ? c.layers[l].meanError : c.layers[l].varianceError) : .nan }
                    }
                    let (m, s) = NormReport.meanStd(rows)
                    ax.line(x: steps, y: m, label: arm.label, color: color(i), width: 1.8, marker: NormReport.markers[i % 6],
                            markerSize: 4, spread: runs.count > 1 ? s : nil)
                }
                fig.panels.append(ax)
            }
        }
        return ReportFigure(
            name: "running-stats-error", study: S.id, figure: fig,
            alt: "Line charts on a log scale, one per BatchNorm layer, of how far the running mean and running variance are from the "
                + "population statistics of the training set over training, one line per BatchNorm momentum.",
            caption: "At each checkpoint, each BatchNorm layer's running mean and variance against the population statistics under the "
                + "current weights (one pass over the \(ReportFormat.count(r.config.trainLimit)) training images with momentum None, as "
                + "torch.optim.swa_utils.update_bn computes them), averaged over channels. Top: the mean's error in population standard "
                + "deviations; bottom: the variance's relative error. Band: ± one standard deviation over seeds.")
    }

    /// Eval-mode test accuracy at each checkpoint, one line per arm.
    static func accuracyOverTraining(_ r: S.Result) -> ReportFigure {
        var fig = Figure(widthInches: 6.4, heightInches: 3.6, title: "Eval-mode test accuracy during training")
        var ax = Axes(xLabel: "training step", yLabel: "test accuracy (eval mode)")
        ax.legend = .outside
        for (i, arm) in r.findings.arms.map(\.arm).enumerated() {
            let runs = r.runs.filter { $0.arm == arm }
            guard let steps = runs.first?.checkpoints.map({ Double($0.step) }) else { continue }
            let (m, s) = NormReport.meanStd(runs.map { $0.checkpoints.map { Double($0.evalAccuracy) } })
            ax.line(x: steps, y: m, label: arm.label, color: color(i), width: 1.8, dashed: arm.momentum == nil,
                    marker: NormReport.markers[i % 6], markerSize: 4, spread: runs.count > 1 ? s : nil)
        }
        fig.panels = [ax]
        return ReportFigure(
            name: "running-stats-accuracy", study: S.id, figure: fig,
            alt: "Line chart of eval-mode test accuracy against training step, one line per BatchNorm momentum and one for BatchNorm without running statistics.",
            caption: "Test accuracy in evaluation mode on \(ReportFormat.count(r.config.testLimit)) test images at each checkpoint. "
                + "Training is the same in every arm (it normalises with batch statistics); only the statistics used at evaluation differ. "
                + "The dashed line has no running statistics and normalises each test batch of 1,000 with its own statistics.")
    }

    /// Train-mode, eval-mode and recalibrated test accuracy per arm, with seed spread.
    static func modes(_ r: S.Result) -> ReportFigure {
        var fig = Figure(widthInches: 8.4, heightInches: 3.4, title: "Test accuracy by the statistics BN normalises with")
        var ax = Axes(xLabel: "BatchNorm momentum", yLabel: "test accuracy")
        ax.legend = .outside
        let arms = r.findings.arms
        NormReport.bars(&ax, categories: arms.map { $0.arm.label.replacingOccurrences(of: "momentum ", with: "") }, series: [
            (label: "eval mode (running statistics)", color: Color.tab10[0], values: arms.map(\.evalAccuracy)),
            (label: "train mode (batch statistics)", color: Color.tab10[1], values: arms.map(\.trainModeAccuracy)),
            (label: "eval mode after recalibration", color: Color.tab10[2], values: arms.map(\.recalibratedAccuracy)),
        ])
        fig.panels = [ax]
        return ReportFigure(
            name: "running-stats-modes", study: S.id, figure: fig,
            alt: "Grouped bar chart of test accuracy per BatchNorm momentum in evaluation mode, in training mode and after recalibrating the running statistics.",
            caption: "Test accuracy with running statistics (eval mode), with each test batch of \(r.config.batchSize) normalised by its own "
                + "statistics (train mode), and in eval mode after recalibration (running statistics reset, then one pass over the training set "
                + "with momentum None). Bars: mean over seeds (the axis does not start at 0); black: ± one standard deviation; white dots: the seeds. "
                + "Untracked BN has no running statistics to recalibrate; its eval mode uses batch statistics (batches of 1,000).")
    }
}
