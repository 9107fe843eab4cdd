import Charts
import Foundation
import Studies
import Training

/// The learning-rate sweep's figures: accuracy against LR, loss curves per LR, accuracy heatmaps.
enum LRSweepFigures {
    /// A network's name in titles: depth 2 is the seed's ConvNet, deeper ones the plain deep CNN.
    static func network(_ depth: Int) -> String {
        depth == 2 ? "ConvNet (depth 2)" : "deep CNN, depth \(depth)"
    }

    /// The same name where it starts a sentence or a heading.
    static func networkTitle(_ depth: Int) -> String {
        let name = network(depth)
        return name.prefix(1).uppercased() + name.dropFirst()
    }

    static func all(_ sweep: LRSweepStudy.Result) -> [ReportFigure] {
        var figures = [accuracy(sweep, baseline: nil)]
        for depth in sweep.config.depths { figures.append(lossCurves(sweep, depth: depth)) }
        figures.append(heatmap(sweep))
        return figures
    }

    // MARK: - Accuracy against learning rate

    /// Mean test accuracy over the LR grid (log x), BN against no-BN, one panel per depth, ± std
    /// bands across seeds, failed runs marked ×. With a baseline, its curves are drawn dashed
    /// underneath.
    static func accuracy(_ sweep: LRSweepStudy.Result, baseline: LRSweepStudy.Result?) -> ReportFigure {
        let depths = sweep.config.depths
        let columns = max(1, min(depths.count, 3))   // an empty grid in a metrics.json: no division by zero
        let rows = (depths.count + columns - 1) / columns
        let title = baseline == nil ? "Test accuracy against learning rate" : "Test accuracy against learning rate: tonight and baseline"
        var fig = Figure(widthInches: min(9, 3.4 * Double(columns) + 1.7), heightInches: 2.9 * Double(rows) + 0.5, title: title)
        fig.columns = columns
        fig.sharedX = true
        fig.sharedY = true
        fig.sharedLegend = true
        let chance = sweep.runs.first.map { 1 / Double($0.result.config.model.classes) }
        let allLRs = sweep.config.learningRates.map(Double.init)

        for depth in depths {
            var ax = Axes(title: network(depth), xLabel: "learning rate", yLabel: "test accuracy", xScale: .log)
            ax.yLimits = 0...1
            if let lo = allLRs.min(), let hi = allLRs.max(), lo < hi {
                ax.xLimits = (lo / 1.6)...(hi * 1.6)
            }
            ax.stopLabel = nil
            if let chance, let lo = ax.xLimits?.lowerBound, let hi = ax.xLimits?.upperBound {
                ax.line(x: [lo, hi], y: [chance, chance], label: "chance", color: .gray, width: 1, dashed: true)
            }
            if let base = baseline?.findings.first(where: { $0.depth == depth }) {
                for arm in [base.withBN, base.withoutBN] {
                    ax.line(x: arm.learningRates.map(Double.init), y: arm.meanAccuracy.map(Double.init),
                            label: ArmStyle.label(batchNorm: arm.batchNorm) + " (baseline)",
                            color: ArmStyle.color(batchNorm: arm.batchNorm).withAlpha(0.55), width: 1.5, dashed: true)
                }
            }
            guard let f = sweep.findings.first(where: { $0.depth == depth }) else { fig.panels.append(ax); continue }
            let seeds = sweep.config.seeds
            for arm in [f.withBN, f.withoutBN] {
                ax.line(x: arm.learningRates.map(Double.init), y: arm.meanAccuracy.map(Double.init),
                        label: ArmStyle.label(batchNorm: arm.batchNorm) + (seeds > 1 ? " (mean ± std)" : ""),
                        color: ArmStyle.color(batchNorm: arm.batchNorm), width: 2,
                        marker: ArmStyle.marker(batchNorm: arm.batchNorm), markerSize: 5,
                        spread: seeds > 1 ? arm.stdAccuracy.map(Double.init) : nil)
            }
            for bn in [true, false] {
                let failed = sweep.runs.filter { $0.depth == depth && $0.batchNorm == bn && $0.failed }
                guard !failed.isEmpty else { continue }
                ax.markers(x: failed.map { Double($0.learningRate) },
                           y: failed.map { Double($0.result.testAccuracy.isFinite ? $0.result.testAccuracy : 0) },
                           marker: .cross, label: ArmStyle.label(batchNorm: bn) + ": failed to train",
                           color: ArmStyle.color(batchNorm: bn), size: 10)
            }
            fig.panels.append(ax)
        }
        let seedsText = sweep.config.seeds > 1 ? "mean over \(sweep.config.seeds) seeds with a ± 1 std band" : "one seed"
        let alt = "Test accuracy against learning rate on a log axis, with and without batch normalization, "
            + "one panel per network (\(depths.map(network).joined(separator: "; "))); \(seedsText); runs that failed to train are marked with crosses."
            + (baseline == nil ? "" : " The baseline's curves are dashed and lighter.")
        let caption = "Test accuracy (full test set) at each learning rate, \(seedsText). "
            + "× marks a run that failed to train, at its measured accuracy."
            + (baseline == nil ? "" : " Dashed, lighter lines: the baseline run.")
        return ReportFigure(name: baseline == nil ? "lr-sweep-accuracy" : "lr-sweep-accuracy-baseline",
                            study: LRSweepStudy.id, figure: fig, alt: alt, caption: caption)
    }

    // MARK: - Loss curves

    /// Training loss per step, one panel per learning rate, both arms overlaid (every seed, one
    /// label). A diverged run's curve stops at the step before it diverged, and an × marks the step.
    static func lossCurves(_ sweep: LRSweepStudy.Result, depth: Int) -> ReportFigure {
        let lrs = sweep.config.learningRates
        let runs = sweep.runs.filter { $0.depth == depth }
        let columns = max(1, min(lrs.count, 4))
        let rows = (lrs.count + columns - 1) / columns
        var fig = Figure(widthInches: 9, heightInches: 2.0 * Double(rows) + 0.7,
                         title: "Training loss per learning rate, \(network(depth))")
        fig.columns = columns
        fig.sharedX = true
        fig.sharedY = true
        fig.sharedLegend = true
        // The top of the y axis: half again the typical starting loss, so a blow-up leaves the
        // panel instead of flattening every other curve.
        let starts = runs.map { Double($0.result.initialLoss) }.filter(\.isFinite).sorted()
        let top = 1.5 * (starts.isEmpty ? 2.5 : starts[starts.count / 2])
        let maxSteps = runs.map(\.result.stepLosses.count).max() ?? 1

        for lr in lrs {
            var ax = Axes(title: "LR " + ReportFormat.learningRate(Double(lr)), xLabel: "step", yLabel: "loss")
            ax.yLimits = 0...top
            ax.xLimits = 0...Double(max(1, maxSteps))
            ax.stopLabel = nil
            for bn in [true, false] {
                let color = ArmStyle.color(batchNorm: bn)
                var labelled = false
                var stopsX: [Double] = [], stopsY: [Double] = []
                for run in runs where run.learningRate == lr && run.batchNorm == bn {
                    var losses = run.result.stepLosses.map(Double.init)
                    if let step = run.result.divergedAtStep {
                        // Steps are 1-based: keep the losses before the diverging one.
                        losses = Array(losses.prefix(max(0, step - 1)))
                        stopsX.append(Double(step))
                        stopsY.append(top * 0.96)
                    }
                    ax.line(x: (0..<losses.count).map { Double($0 + 1) }, y: losses,
                            label: labelled ? nil : ArmStyle.label(batchNorm: bn), color: color, width: 1.1)
                    labelled = true
                }
                if !stopsX.isEmpty {
                    ax.markers(x: stopsX, y: stopsY, marker: .cross, label: ArmStyle.label(batchNorm: bn) + ": diverged",
                               color: color, size: 9)
                }
            }
            fig.panels.append(ax)
        }
        let alt = "Training loss against step for \(network(depth)), one small panel per learning rate "
            + "(\(lrs.map { ReportFormat.learningRate(Double($0)) }.joined(separator: ", "))), with and without batch normalization overlaid; "
            + "curves of diverged runs stop where they diverged, marked with a cross."
        let caption = "Mini-batch training loss at every step of \(network(depth)), both arms overlaid"
            + (sweep.config.seeds > 1 ? " (every seed drawn)" : "")
            + ". A curve that leaves the top of a panel blew up; × marks the step where a run diverged (loss non-finite or above 1,000)."
        return ReportFigure(name: "lr-sweep-loss-depth\(depth)", study: LRSweepStudy.id, figure: fig, alt: alt, caption: caption)
    }

    // MARK: - Heatmap

    /// Mean test accuracy over LR × depth, one annotated panel per arm, one shared colour scale.
    static func heatmap(_ sweep: LRSweepStudy.Result) -> ReportFigure {
        let lrs = sweep.config.learningRates
        let depths = sweep.config.depths
        var fig = Figure(widthInches: 9, heightInches: 2 * (0.42 * Double(depths.count) + 0.9) + 0.5,
                         title: "Mean test accuracy over learning rate × depth")
        fig.columns = 1
        fig.sharedColorbar = true
        fig.sharedColorbarLabel = "test accuracy"
        for bn in [true, false] {
            // values: [depths, lrs]
            var values: [Double] = []
            for depth in depths {
                let arm = sweep.findings.first { $0.depth == depth }.map { bn ? $0.withBN : $0.withoutBN }
                for lr in lrs {
                    let i = arm?.learningRates.firstIndex(of: lr)
                    values.append(i.map { Double(arm!.meanAccuracy[$0]) } ?? .nan)
                }
            }
            var ax = Axes(title: bn ? "With BN" : "Without BN", xLabel: "learning rate", yLabel: "depth")
            ax.heatmap(values, rows: depths.count, columns: lrs.count, range: 0...1,
                       rowLabels: depths.map(String.init), columnLabels: lrs.map { ReportFormat.learningRate(Double($0)) },
                       annotationDecimals: 2, colorbarLabel: "test accuracy")
            fig.panels.append(ax)
        }
        let alt = "Two heatmaps of mean test accuracy, with and without batch normalization: rows are network depths "
            + "(\(depths.map(String.init).joined(separator: ", "))), columns learning rates; each cell is annotated with its accuracy."
        let caption = "Mean test accuracy for every depth and learning rate; the colour scale runs from 0 to 1 in both panels."
        return ReportFigure(name: "lr-sweep-heatmap", study: LRSweepStudy.id, figure: fig, alt: alt, caption: caption)
    }
}
