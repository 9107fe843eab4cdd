import Charts
import Foundation
import Studies

/// The gradient study's figures: norms at initialisation, entry histograms, norms over training,
/// internal covariate shift, and the landscape along the gradient.
enum GradientsFigures {
    typealias G = GradientsStudy

    static func all(_ r: G.Result) -> [ReportFigure] {
        var figures = [initialNorms(r), histogram(r)]
        figures += r.config.depths.map { normsOverTraining(r, depth: $0) }
        figures.append(ics(r))
        figures.append(icsPerLayer(r))
        figures += r.config.depths.map { landscape(r, depth: $0) }
        return figures
    }

    static func network(_ depth: Int) -> String { "deep CNN, depth \(depth)" }

    /// Mean and standard deviation across seeds, position by position (non-finite values skipped).
    static func meanStd(_ rows: [[Double]]) -> (mean: [Double], std: [Double]) {
        let n = rows.map(\.count).max() ?? 0
        var mean: [Double] = [], std: [Double] = []
        for i in 0..<n {
            let s = SeedSpread(rows.compactMap { i < $0.count ? $0[i] : nil })
            mean.append(s.mean ?? .nan)
            std.append(s.std ?? 0)
        }
        return (mean, std)
    }

    /// One arm's line: the mean over seeds of `perSeed` at `x`, with a ± std band when there are several seeds.
    static func armLine(_ ax: inout Axes, x: [Double], perSeed: [[Double]], batchNorm bn: Bool, seeds: Int) {
        let (m, s) = meanStd(perSeed)
        let n = min(x.count, m.count)
        ax.line(x: Array(x.prefix(n)), y: Array(m.prefix(n)), label: ArmStyle.label(batchNorm: bn), color: ArmStyle.color(batchNorm: bn),
                width: 1.8, marker: ArmStyle.marker(batchNorm: bn), markerSize: 4, spread: seeds > 1 ? Array(s.prefix(n)) : nil)
    }

    // MARK: - At initialisation

    /// ‖∇W‖ per weight layer at initialisation, both arms, log scale, ± std across seeds, with
    /// Yang et al.'s predicted growth drawn through the BN arm's last growth layer.
    static func initialNorms(_ r: G.Result) -> ReportFigure {
        let depths = r.config.depths
        var fig = Figure(widthInches: min(9, 3.6 * Double(depths.count) + 1.8), heightInches: 3.4,
                         title: "Gradient norm per layer at initialisation")
        fig.columns = depths.count
        fig.sharedLegend = true
        for depth in depths {
            var ax = Axes(title: network(depth), xLabel: "weight layer (input → output)", yLabel: "‖∇W‖", yScale: .log)
            ax.stopLabel = nil
            for bn in [true, false] {
                let runs = r.initial.filter { $0.depth == depth && $0.batchNorm == bn }
                armLine(&ax, x: (0...depth).map { Double($0 + 1) }, perSeed: runs.map(\.layerNorms), batchNorm: bn, seeds: r.config.seeds)
            }
            let bnMean = meanStd(r.initial.filter { $0.depth == depth && $0.batchNorm }.map(\.layerNorms)).mean
            if let f = r.findings.first(where: { $0.depth == depth }),
               f.growthLayers.upperBound < bnMean.count, bnMean[f.growthLayers.upperBound].isFinite {
                let anchor = bnMean[f.growthLayers.upperBound]
                let layers = Array(f.growthLayers)
                ax.line(x: layers.map { Double($0 + 1) },
                        y: layers.map { anchor * pow(G.predictedGrowth, Double(f.growthLayers.upperBound - $0)) },
                        label: "Yang et al.: ×1.21 per layer", color: .gray, width: 1.2, dashed: true)
            }
            fig.panels.append(ax)
        }
        let seeds = r.config.seeds
        return ReportFigure(
            name: "gradients-init-norms", study: G.id, figure: fig,
            alt: "Line charts, one per network depth, of the L2 norm of each weight layer's gradient at initialisation on a log scale, "
                + "with and without batch normalization, with a dashed line showing a growth of 1.21 per layer towards the input.",
            caption: "L2 norm of each weight layer's gradient before any training step, averaged over \(r.config.initBatches) batches"
                + (seeds > 1 ? " and \(seeds) seeds (band: ± one standard deviation across seeds)" : "")
                + ". Layer 1 is the first convolution, the last is the linear classifier. The dashed line grows by √(π/(π−1)) ≈ 1.21 per layer "
                + "towards the input from the BN arm's last 32-channel convolution: Yang et al.'s prediction for BN.")
    }

    /// The middle layer's gradient entries in units of their RMS, both arms, log scale, with a
    /// standard normal for reference.
    static func histogram(_ r: G.Result) -> ReportFigure {
        let depths = r.config.depths
        var fig = Figure(widthInches: min(9, 3.6 * Double(depths.count) + 1.8), heightInches: 3.2,
                         title: "Gradient entries of the middle layer at initialisation")
        fig.columns = depths.count
        fig.sharedLegend = true
        let edges = G.histogramEdges
        let centers = (0..<(edges.count - 1)).map { (edges[$0] + edges[$0 + 1]) / 2 }
        let width = edges[1] - edges[0]
        for depth in depths {
            var ax = Axes(title: network(depth), xLabel: "entry ÷ RMS of the layer's entries", yLabel: "density", yScale: .log)
            ax.stopLabel = nil
            ax.legend = .outside
            for bn in [true, false] {
                let runs = r.initial.filter { $0.depth == depth && $0.batchNorm == bn }
                var counts = [Int](repeating: 0, count: centers.count)
                for run in runs { for (i, c) in run.histogram.enumerated() where i < counts.count { counts[i] += c } }
                let total = Double(counts.reduce(0, +))
                guard total > 0 else { continue }
                // Empty bins are left out: a log axis has no zero.
                let kept = counts.indices.filter { counts[$0] > 0 }
                ax.line(x: kept.map { centers[$0] }, y: kept.map { Double(counts[$0]) / total / width },
                        label: ArmStyle.label(batchNorm: bn), color: ArmStyle.color(batchNorm: bn), width: 1.6)
            }
            let normal = centers.filter { abs($0) <= 5 }
            ax.line(x: normal, y: normal.map { exp(-$0 * $0 / 2) / (2 * Double.pi).squareRoot() },
                    label: "standard normal", color: .gray, width: 1, dashed: true)
            fig.panels.append(ax)
        }
        return ReportFigure(
            name: "gradients-histogram", study: G.id, figure: fig,
            alt: "Histograms on a log scale of the gradient entries of the middle convolution at initialisation, divided by their root mean square, "
                + "with and without batch normalization, against a standard normal curve.",
            caption: "Distribution of the middle convolution's gradient entries at initialisation, each divided by the root mean square of its "
                + "layer's entries, pooled over batches and seeds. Heavy tails sit above the dashed normal curve far from zero; the end bins "
                + "also count everything beyond ±12.")
    }

    // MARK: - Over training

    /// ‖∇W‖ of each weight layer at every step: one small panel per layer, both arms, every learning rate.
    static func normsOverTraining(_ r: G.Result, depth: Int) -> ReportFigure {
        let layerCount = depth + 1
        let columns = min(4, layerCount)
        let rows = (layerCount + columns - 1) / columns
        var fig = Figure(widthInches: 9, heightInches: 1.9 * Double(rows) + 0.8,
                         title: "Gradient norm per layer during training, \(network(depth))")
        fig.columns = columns
        fig.sharedX = true
        fig.sharedLegend = true
        for layer in 0..<layerCount {
            var ax = Axes(title: layer == depth ? "linear (layer \(layer + 1))" : "conv \(layer + 1)", xLabel: "step",
                          yLabel: "‖∇W‖", yScale: .log)
            ax.stopLabel = nil
            for bn in [true, false] {
                for (k, lr) in r.config.learningRates.enumerated() {
                    let runs = r.runs.filter { $0.depth == depth && $0.batchNorm == bn && $0.learningRate == lr }
                    let (m, _) = meanStd(runs.map { layer < $0.gradientNorms.count ? $0.gradientNorms[layer].map(Double.init) : [] })
                    ax.line(x: m.indices.map { Double($0 + 1) }, y: m,
                            label: "\(ArmStyle.label(batchNorm: bn)), LR \(ReportFormat.learningRate(Double(lr)))",
                            color: ArmStyle.color(batchNorm: bn).withAlpha(k == 0 ? 1 : 0.75), width: 1.2, dashed: k > 0)
                }
            }
            fig.panels.append(ax)
        }
        return ReportFigure(
            name: "gradients-norms-depth\(depth)", study: G.id, figure: fig,
            alt: "Small multiples, one per weight layer of the \(network(depth)), of the gradient norm at every training step on a log scale, "
                + "with and without batch normalization at each learning rate.",
            caption: "L2 norm of each weight layer's gradient at every training step (mean over seeds); solid: LR "
                + ReportFormat.learningRate(Double(r.config.learningRates.first ?? 0)) + ", dashed: the others. A line that ends early belongs to a run that diverged.")
    }

    /// Santurkar's ICS at the probed steps: relative ℓ2 difference and cosine, per network and learning rate.
    static func ics(_ r: G.Result) -> ReportFigure {
        let combos = r.config.depths.flatMap { d in r.config.learningRates.map { (d, $0) } }
        var fig = Figure(widthInches: 9, heightInches: 5, title: "Internal covariate shift during training (Santurkar et al.)")
        fig.columns = max(1, combos.count)
        fig.sharedX = false
        fig.sharedLegend = true
        for row in 0..<2 {
            for (depth, lr) in combos {
                var ax = Axes(title: row == 0 ? "depth \(depth), LR \(ReportFormat.learningRate(Double(lr)))" : nil, xLabel: "step",
                              yLabel: row == 0 ? "‖G − G′‖ / ‖G‖" : "cos(G, G′)")
                ax.stopLabel = nil
                for bn in [true, false] {
                    let runs = r.runs.filter { $0.depth == depth && $0.batchNorm == bn && $0.learningRate == lr }
                    guard let steps = runs.first?.probes.map({ Double($0.step) }), !steps.isEmpty else { continue }
                    let perRun = runs.map { run in
                        run.probes.map { p -> Double in
                            let later = (row == 0 ? p.icsRelative : p.icsCosine).dropFirst().filter(\.isFinite)
                            return later.isEmpty ? .nan : later.reduce(0, +) / Double(later.count)
                        }
                    }
                    armLine(&ax, x: steps, perSeed: perRun, batchNorm: bn, seeds: r.config.seeds)
                }
                fig.panels.append(ax)
            }
        }
        return ReportFigure(
            name: "gradients-ics", study: G.id, figure: fig,
            alt: "Line charts of internal covariate shift at the probed training steps, with and without batch normalization: the top row the "
                + "relative difference between a layer's gradient before and after the earlier layers' update, the bottom row their cosine.",
            caption: "For each weight layer i after the first, G is its gradient at the current weights and G′ the same gradient once the layers "
                + "before i have taken this step's update, on the same batch (Santurkar et al. 2018, §2.2). Plotted: the mean over those layers"
                + (r.config.seeds > 1 ? ", then over seeds (band: ± one standard deviation)" : "")
                + ". Larger ‖G − G′‖ / ‖G‖ and smaller cosine mean more shift.")
    }

    /// Santurkar's relative ICS of each weight layer, averaged over the probes and seeds.
    static func icsPerLayer(_ r: G.Result) -> ReportFigure {
        let combos = r.config.depths.flatMap { d in r.config.learningRates.map { (d, $0) } }
        var fig = Figure(widthInches: 9, heightInches: 2.9, title: "Internal covariate shift per layer")
        fig.columns = max(1, combos.count)
        fig.sharedLegend = true
        for (depth, lr) in combos {
            var ax = Axes(title: "depth \(depth), LR \(ReportFormat.learningRate(Double(lr)))", xLabel: "weight layer",
                          yLabel: "‖G − G′‖ / ‖G‖", yScale: .log)
            ax.stopLabel = nil
            for bn in [true, false] {
                let runs = r.runs.filter { $0.depth == depth && $0.batchNorm == bn && $0.learningRate == lr }
                // Per run: each layer's mean over the probes; then mean ± std over seeds. Layer 1 has no layers before it.
                let perRun = runs.map { run in
                    (1..<(depth + 1)).map { layer in
                        let v = run.probes.compactMap { layer < $0.icsRelative.count ? $0.icsRelative[layer] : nil }.filter(\.isFinite)
                        return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
                    }
                }
                armLine(&ax, x: (1..<(depth + 1)).map { Double($0 + 1) }, perSeed: perRun, batchNorm: bn, seeds: r.config.seeds)
            }
            fig.panels.append(ax)
        }
        return ReportFigure(
            name: "gradients-ics-layers", study: G.id, figure: fig,
            alt: "Line charts of internal covariate shift for each weight layer after the first, on a log scale, with and without batch normalization, "
                + "one panel per network depth and learning rate.",
            caption: "Relative internal covariate shift ‖G − G′‖ / ‖G‖ of each weight layer (the first has no layers before it), averaged over "
                + "the probed steps" + (r.config.seeds > 1 ? " and then over seeds (band: ± one standard deviation)" : "") + ".")
    }

    /// The loss and gradient along the gradient direction at the probed steps, for one depth.
    static func landscape(_ r: G.Result, depth: Int) -> ReportFigure {
        let lrs = r.config.learningRates
        var fig = Figure(widthInches: 9, heightInches: 6.6, title: "Loss landscape along the gradient, \(network(depth))")
        fig.columns = max(1, lrs.count)
        fig.sharedX = false
        fig.sharedLegend = true
        let labels = ["loss at x − s·g", "‖∇L(x) − ∇L(x − s·g)‖", "effective β-smoothness"]
        for row in 0..<3 {
            for lr in lrs {
                var ax = Axes(title: row == 0 ? "LR \(ReportFormat.learningRate(Double(lr)))" : nil, xLabel: row == 2 ? "step" : nil,
                              yLabel: labels[row], yScale: row == 0 ? .linear : .log)
                ax.stopLabel = nil
                for bn in [true, false] {
                    let runs = r.runs.filter { $0.depth == depth && $0.batchNorm == bn && $0.learningRate == lr }
                    guard let steps = runs.first?.probes.map({ Double($0.step) }), !steps.isEmpty else { continue }
                    let color = ArmStyle.color(batchNorm: bn)
                    if row == 2 {
                        armLine(&ax, x: steps, perSeed: runs.map { $0.probes.map(\.beta) }, batchNorm: bn, seeds: r.config.seeds)
                    } else {
                        // The band spans the step sizes (Santurkar Fig. 4): its lowest and highest value, mean over seeds.
                        let values = { (p: G.Probe) in (row == 0 ? p.landscapeLoss : p.gradientDistance).filter(\.isFinite) }
                        let lower = meanStd(runs.map { $0.probes.map { values($0).min() ?? .nan } }).mean
                        let upper = meanStd(runs.map { $0.probes.map { values($0).max() ?? .nan } }).mean
                        let x = Array(steps.prefix(min(lower.count, upper.count)))
                        ax.line(x: x, y: zip(lower, upper).map { ($0 + $1) / 2 }, label: ArmStyle.label(batchNorm: bn), color: color, width: 1.2)
                        ax.band(x: x, lower: lower, upper: upper, color: color, opacity: 0.25)
                    }
                }
                fig.panels.append(ax)
            }
        }
        let sizes = r.config.stepSizes.map { ReportFormat.number(Double($0)) }.joined(separator: ", ")
        return ReportFigure(
            name: "gradients-landscape-depth\(depth)", study: G.id, figure: fig,
            alt: "Three rows of charts for the \(network(depth)) at each learning rate, over training steps, with and without batch normalization: "
                + "the range of the loss along the gradient direction, the range of the change in gradient, and the effective beta-smoothness.",
            caption: "At each probed step, the weights are moved along the negative gradient by s = \(sizes) × the learning rate, on the step's batch "
                + "(Santurkar et al. 2018, Fig. 4). Top: the band between the lowest and highest loss over those step sizes (loss variation). "
                + "Middle: the band of ‖∇L(x) − ∇L(x − s·g)‖ (gradient predictiveness; lower is more predictive). Bottom: the largest "
                + "‖∇L(x) − ∇L(x − s·g)‖ / ‖s·g‖ (effective β-smoothness; lower is smoother). Means over seeds.")
    }
}
