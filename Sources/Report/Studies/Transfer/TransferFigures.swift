import Charts
import Foundation
import Studies

/// The transfer study's figures: target accuracy against target-set size, and the shift of the
/// BatchNorm statistics from source to target.
enum TransferFigures {
    typealias T = TransferStudy

    static func all(_ r: T.Result) -> [ReportFigure] {
        [accuracy(r), statisticsShift(r)]
    }

    static func color(_ s: T.Strategy) -> Color { Color.tab10[(T.Strategy.allCases.firstIndex(of: s) ?? 0) % Color.tab10.count] }
    static func marker(_ s: T.Strategy) -> Marker { NormReport.markers[(T.Strategy.allCases.firstIndex(of: s) ?? 0) % NormReport.markers.count] }

    /// "all (15,000)" or "1,000".
    static func sizeLabel(_ size: Int?, images: Int) -> String {
        size == nil ? "all (\(ReportFormat.count(images)))" : ReportFormat.count(images)
    }

    /// Target accuracy against the number of target images, one panel per target, one line per strategy.
    static func accuracy(_ r: T.Result) -> ReportFigure {
        let targets = r.config.targets
        var fig = Figure(widthInches: min(11, 3.4 * Double(max(1, targets.count)) + 3.3), heightInches: 3.9,
                         title: "Target accuracy against the number of labelled target images")
        fig.columns = max(1, targets.count)
        fig.sharedLegend = true
        for (t, target) in targets.enumerated() {
            var ax = Axes(title: target.shortLabel, xLabel: "target training images", yLabel: t == 0 ? "target test accuracy" : nil, xScale: .log)
            ax.stopLabel = nil
            let cells = r.findings.cells.filter { $0.target == target }
            let xs = Set(cells.map(\.images)).sorted()
            for strategy in r.config.strategies {
                let line = cells.filter { $0.strategy == strategy }.sorted { $0.images < $1.images }
                guard !line.isEmpty else { continue }
                let seeds = line.map { $0.accuracy.values.count }.max() ?? 0
                ax.line(x: line.map { Double($0.images) }, y: line.map { $0.accuracy.mean ?? .nan }, label: strategy.label,
                        color: color(strategy), width: 1.8, marker: marker(strategy), markerSize: 5,
                        spread: seeds > 1 ? line.map { $0.accuracy.std ?? 0 } : nil)
            }
            if let b = r.findings.baselines.first(where: { $0.target == target }), let lo = xs.first, let hi = xs.last {
                if let m = b.unadapted?.mean {
                    ax.line(x: [Double(lo), Double(hi)], y: [m, m], label: "source model, no adaptation", color: .gray, width: 1.2, dashed: true)
                }
                if let m = b.adaBNOnly?.mean {
                    ax.line(x: [Double(lo), Double(hi)], y: [m, m], label: "AdaBN alone (source head, no labels)", color: .ink, width: 1.2, dashed: true)
                }
            }
            fig.panels.append(ax)
        }
        let test = r.findings.cells.first.map { _ in ReportFormat.count(r.config.testLimit) } ?? "–"
        return ReportFigure(
            name: "transfer-accuracy", study: T.id, figure: fig,
            alt: "Line charts, one per target, of target test accuracy against the number of labelled target training images on a log "
                + "scale, one line per fine-tuning strategy; dashed horizontal lines show the pretrained model without fine-tuning.",
            caption: "Each point: test accuracy on up to \(test) test images of the target after fine-tuning the pretrained ConvNetWithBN "
                + "on that many target images; mean over \(r.config.seeds) seed\(r.config.seeds == 1 ? "" : "s") (each seed its own pretraining, "
                + "new head and draw of target images), band ± one standard deviation. Dashed: the pretrained model with its own head on the "
                + "shifted images, with its source statistics (grey) and with statistics re-estimated on \(ReportFormat.count(r.config.statisticsImages)) "
                + "target images (black), neither trained on target labels. Chance is \(ReportFormat.accuracy(1 / Double(max(2, classes(r))))).")
    }

    /// The number of classes of the targets (from the statistics units).
    static func classes(_ r: T.Result) -> Int { r.statistics.first?.classes ?? 2 }

    /// Per BatchNorm layer: how far the target's input statistics are from the source's.
    static func statisticsShift(_ r: T.Result) -> ReportFigure {
        var fig = Figure(widthInches: 8.4, heightInches: 3.4, title: "BatchNorm input statistics, source against target")
        fig.columns = 2
        fig.sharedLegend = true
        let layers = r.findings.layerShifts.reduce(into: [String]()) { if !$0.contains($1.layer) { $0.append($1.layer) } }
        for (panel, title) in ["mean shift |μ_t − μ_s| / σ_s", "scale change |ln(σ_t / σ_s)|"].enumerated() {
            var ax = Axes(title: title, xLabel: "BatchNorm layer", yLabel: panel == 0 ? "mean over channels" : nil)
            ax.stopLabel = nil
            ax.legend = .outside
            let series = r.config.targets.enumerated().map { (i, target) in
                (label: target.label, color: Color.tab10[(i + 4) % Color.tab10.count], values: layers.map { layer in
                    r.findings.layerShifts.first { $0.target == target && $0.layer == layer }.map { panel == 0 ? $0.meanShift : $0.scaleChange } ?? SeedSpread([])
                })
            }
            bars(&ax, categories: layers, series: series)
            fig.panels.append(ax)
        }
        return ReportFigure(
            name: "transfer-bn-shift", study: T.id, figure: fig,
            alt: "Grouped bar charts per BatchNorm layer of how far the target's BatchNorm input statistics are from the source's: "
                + "the mean shift in source standard deviations and the change of scale, one bar per target.",
            caption: "The pretrained network's BatchNorm inputs on \(ReportFormat.count(r.config.statisticsImages)) source images and on as many "
                + "target images (population statistics, as torch.optim.swa_utils.update_bn computes them), averaged over channels. "
                + "Bars: mean over seeds; lines: ± one standard deviation; dots: the seeds. The deck's recipe normalises the target "
                + "with the source's statistics; AdaBN replaces them with the target's.")
    }

    /// Grouped bars from 0 with ± one standard deviation over seeds and each seed as a dark dot (visible on bar and background).
    static func bars(_ ax: inout Axes, categories: [String], series: [(label: String, color: Color, values: [SeedSpread])]) {
        var top = 0.0
        for item in series {
            for v in item.values {
                let high: Double = (v.mean ?? 0) + (v.std ?? 0)
                top = max(top, high, v.values.max() ?? 0)
            }
        }
        ax.yLimits = 0...max(top.isFinite ? top * 1.15 : 1, 1e-3)
        NormReport.seedBars(&ax, categories: categories, series: series, dotColor: .ink, dotSize: 3.5)
    }
}
