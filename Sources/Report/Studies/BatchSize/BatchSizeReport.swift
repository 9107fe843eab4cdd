import Charts
import Foundation
import Studies
import Engine

extension BatchSizeStudy: ReportableStudy {
    public func figures(of r: Result, in run: RunResults) -> [ReportFigure] {
        var fig = Figure(widthInches: 6.8, heightInches: 3.8, title: "Test error against batch size")
        var ax = Axes(xLabel: "batch size (learning rate ∝ batch size)", yLabel: "test error", xScale: .log2)
        ax.legend = .outside
        for (i, n) in r.findings.norms.enumerated() {
            ax.line(x: n.batchSizes.map(Double.init), y: n.testError.map { $0.mean ?? .nan },
                    label: BatchSizeFindings.name(n.norm), color: Color.tab10[i % 10], width: 1.8,
                    dashed: n.norm == NormKind.none, marker: NormReport.markers[i % 6], markerSize: 4.5,
                    spread: r.config.seeds > 1 ? n.testError.map { $0.std ?? 0 } : nil)
        }
        fig.panels = [ax]
        return [ReportFigure(
            name: "batch-size-error", study: Self.id, figure: fig,
            alt: "Line chart of test error against batch size on a base-2 log axis, one line per normalisation: BatchNorm, GroupNorm, LayerNorm, InstanceNorm and none.",
            caption: "Test error (1 − accuracy on \(ReportFormat.count(r.config.testLimit)) test images, evaluation mode) of the depth-\(r.config.depth) CNN "
                + "after \(r.config.epochs) epoch\(r.config.epochs == 1 ? "" : "s") on \(ReportFormat.count(r.config.trainLimit)) images, the learning rate "
                + "\(ReportFormat.learningRate(Double(r.config.baseLearningRate))) × batch / \(r.config.baseBatchSize). "
                + (r.config.seeds > 1 ? "Band: ± one standard deviation over \(r.config.seeds) seeds. " : "")
                + "Wu & He's Fig. 1 shows the same axes for ResNet-50 on ImageNet.")]
    }

    public func findings(of r: Result, in run: RunResults) -> [FindingSentence] {
        let f = r.findings
        let (s, l) = (f.smallBatch, f.largeBatch)
        func err(_ norm: NormKind, _ b: Int) -> String {
            guard let n = f.norms.first(where: { $0.norm == norm }), let i = n.batchSizes.firstIndex(of: b) else { return "–" }
            return NormReport.accuracy(n.testError[i])
        }
        let seeds = r.config.seeds == 1 ? "one seed" : "mean ± std over \(r.config.seeds) seeds"
        let text = "From batch \(l) to \(s), BatchNorm's test error goes from \(err(.batch, l)) to \(err(.batch, s)) "
            + "(\(NormReport.points(f.bnLoss)); Wu & He: 23.6% → 34.7% on ImageNet, BN worse at small batches: \(f.bnVerdict.rawValue)); "
            + "GroupNorm's from \(err(.group, l)) to \(err(.group, s)) (\(NormReport.points(f.gnChange)); Wu & He: 24.1% throughout, "
            + "flat within 2 points: \(f.gnVerdict.rawValue)). LayerNorm: \(err(.layer, l)) → \(err(.layer, s)); InstanceNorm: "
            + "\(err(.instance, l)) → \(err(.instance, s)); no normalisation: \(err(.none, l)) → \(err(.none, s)) (\(seeds))."
        return [FindingSentence(lead: "Batch size", text: text)]
    }

    public func view(of r: Result, in section: ReportSection) -> Any { BatchSizeView(r, in: section) }
}

/// The view `templates/batch-size.mustache` renders.
struct BatchSizeView {
    struct Cell { var text: String; var flagged: Bool }
    struct Row { var norm: String; var cells: [Cell] }
    struct Header { var text: String }

    var setup: String
    var verdictRule: String
    var quickNote: String
    var figure: FigureView?
    var headers: [Header]
    var rows: [Row]
    var bnVerdict: String
    var gnVerdict: String
    var reproduce: ReproduceView

    init(_ r: BatchSizeStudy.Result, in section: ReportSection) {
        let c = r.config
        let study = BatchSizeStudy(config: c)
        setup = "Network: the plain deep CNN of the learning-rate sweep at depth \(c.depth) (widths 16, then 32), with "
            + c.norms.map { BatchSizeFindings.name($0) }.joined(separator: ", ") + " after every convolution, from the same initial weights. "
            + "GroupNorm uses \(c.groups) groups: \(16 / c.groups) channel\(16 / c.groups == 1 ? "" : "s") per group at width 16 and \(32 / c.groups) at width 32 "
            + "(Wu & He's 32 groups assume 64 to 2,048 channels; these layers have 16 and 32). LayerNorm normalises each sample over C × H × W; "
            + "InstanceNorm is affine, without running statistics. Batch sizes " + c.batchSizes.sorted().map(String.init).joined(separator: ", ")
            + "; learning rate \(ReportFormat.learningRate(Double(c.baseLearningRate))) × batch / \(c.baseBatchSize) ("
            + c.batchSizes.sorted().map { ReportFormat.learningRate(Double(study.learningRate(batchSize: $0))) }.joined(separator: ", ")
            + "), SGD momentum \(ReportFormat.number(Double(c.momentum))), \(c.epochs) epoch\(c.epochs == 1 ? "" : "s") over "
            + "\(ReportFormat.count(min(c.trainLimit, section.run.dataset.trainImages))) images, \(c.seeds) seed\(c.seeds == 1 ? "" : "s"); "
            + "errors on \(ReportFormat.count(min(c.testLimit, section.run.dataset.testImages))) test images. \(r.runs.count) training runs in all."
        verdictRule = "Δ is the per-seed change in test error from batch \(r.findings.largeBatch) to batch \(r.findings.smallBatch). "
            + "BatchNorm agrees with Wu & He when mean Δ exceeds twice its standard error, differs when it is below minus twice its standard error. "
            + "GroupNorm agrees (flat) when |mean Δ| + 2 standard errors ≤ 2 points, differs when |mean Δ| − 2 standard errors > 2 points. "
            + "Otherwise, or with one seed, inconclusive."
        let steps = (c.trainLimit + (c.batchSizes.max() ?? 1) - 1) / max(1, c.batchSizes.max() ?? 1) * c.epochs
        quickNote = "Every run sees the same images the same number of times, so a batch of \(c.batchSizes.max() ?? 0) takes only \(steps) steps "
            + "over \(ReportFormat.count(c.trainLimit)) images: with a budget this small the large batches are under-trained, and that, not the "
            + "normalisation's statistics, can dominate the comparison. Wu & He train to convergence; read these numbers with that in mind."
        figure = section.figure("batch-size-error")
        let sizes = c.batchSizes.sorted()
        headers = sizes.map { Header(text: "batch \($0)") }
        rows = r.findings.norms.map { n in
            Row(norm: BatchSizeFindings.name(n.norm), cells: n.testError.indices.map { i in
                Cell(text: NormReport.accuracy(n.testError[i]), flagged: n.trained[i] < c.seeds)
            })
        }
        bnVerdict = r.findings.bnVerdict.rawValue
        gnVerdict = r.findings.gnVerdict.rawValue
        reproduce = section.reproduce
    }
}
