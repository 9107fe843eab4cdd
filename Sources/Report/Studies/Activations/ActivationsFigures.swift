import Charts
import Datasets
import Foundation
import Studies

/// The activation study's figures: Ioffe & Szegedy's Figure 1, TensorBoard-style distributions,
/// channel × step heatmaps of the BN inputs, dead and saturated units, and feature-map grids.
enum ActivationsFigures {
    typealias A = ActivationsStudy

    static func all(_ r: A.Result, classNames: [String]) -> [ReportFigure] {
        var figures: [ReportFigure] = []
        if !r.mlpRuns.isEmpty { figures.append(ioffe(r)) }
        if !r.convnetRuns.isEmpty {
            figures.append(distributions(r.convnetRuns.map { ($0.batchNorm, $0.seed, $0.layers) }, network: "ConvNet", name: "convnet",
                                         layerTitle: { "\($0) (pre-activation)" }))
        }
        if !r.mlpRuns.isEmpty {
            figures.append(distributions(r.mlpRuns.map { ($0.batchNorm, $0.seed, $0.layers) }, network: "sigmoid MLP", name: "mlp",
                                         layerTitle: { "sigmoid input after \($0)" }))
        }
        if !r.convnetRuns.isEmpty {
            figures.append(channelHeatmaps(r, statistic: .mean))
            figures.append(channelHeatmaps(r, statistic: .std))
        }
        if !r.mlpRuns.isEmpty || !r.convnetRuns.isEmpty { figures.append(deadAndSaturated(r)) }
        figures += mapFigures(r, classNames: classNames)
        return figures
    }

    // MARK: - Feature maps

    /// The runs' feature maps, by layer, then arm (without BN first), then stage.
    static func orderedMaps(_ r: A.Result) -> [(run: A.ConvNetRun, stage: String, maps: FeatureMaps)] {
        var out: [(run: A.ConvNetRun, stage: String, maps: FeatureMaps)] = []
        let runs = r.convnetRuns.filter { $0.mapImages != nil }.sorted { !$0.batchNorm && $1.batchNorm }
        let layers = runs.flatMap { $0.maps.flatMap { $0.maps.map(\.layer) } }
        var seen = Set<String>()
        for layer in layers where seen.insert(layer).inserted {
            for run in runs {
                for snapshot in run.maps {
                    for m in snapshot.maps where m.layer == layer { out.append((run, snapshot.stage, m)) }
                }
            }
        }
        return out
    }

    static func mapFigureName(layer: String, batchNorm: Bool, stage: String) -> String {
        "\(A.id)-maps-\(layer)-\(batchNorm ? "bn" : "no-bn")-\(stage)"
    }

    static func mapFigureNames(_ r: A.Result) -> [String] {
        orderedMaps(r).map { mapFigureName(layer: $0.maps.layer, batchNorm: $0.run.batchNorm, stage: $0.stage) }
    }

    static func mapFigures(_ r: A.Result, classNames: [String]) -> [ReportFigure] {
        orderedMaps(r).compactMap { run, stage, maps in
            guard let images = run.mapImages else { return nil }
            let title = "ConvNet \(ArmStyle.label(batchNorm: run.batchNorm)), \(maps.layer) after ReLU, "
                + (stage == "init" ? "at initialisation" : "after training")
            let fig = featureMapGrid(maps, images: images, classNames: classNames, title: title)
            let mode = stage == "init"
                ? (run.batchNorm ? "in training mode (BN normalises with these images' statistics; its running statistics are put back)"
                                 : "before the first step")
                : "in evaluation mode (BN uses its running statistics)"
            return ReportFigure(
                name: mapFigureName(layer: maps.layer, batchNorm: run.batchNorm, stage: stage), study: A.id, figure: fig,
                alt: "A grid of small heatmaps: one row per test image (one per class, the image itself on the left), one column per channel "
                    + "of \(maps.layer)'s output after ReLU, for the ConvNet \(ArmStyle.label(batchNorm: run.batchNorm)) "
                    + (stage == "init" ? "at initialisation." : "after training."),
                caption: "Every channel of \(maps.layer) after its ReLU (\(maps.channels) channels of \(maps.height)×\(maps.width)) for the "
                    + "first test image of each class, \(mode), seed \(run.seed). One colour scale for the whole grid (viridis, "
                    + "0 = dark, the brightest 0.5% of values drawn at the top colour); the inputs on the left in grey.")
        }
    }

    /// Mean and sample standard deviation across seeds, position by position.
    static func meanStd(_ rows: [[Double]]) -> (mean: [Double], std: [Double]) { GradientsFigures.meanStd(rows) }

    // MARK: - Ioffe & Szegedy's Figure 1

    static func ioffe(_ r: A.Result) -> ReportFigure {
        var fig = Figure(widthInches: 9, heightInches: 6.4, title: "Ioffe & Szegedy's Figure 1 on Fashion-MNIST: sigmoid MLP 784-100-100-100-10")
        fig.columns = 2
        let runs = { (bn: Bool) in r.mlpRuns.filter { $0.batchNorm == bn } }
        let steps = { (bn: Bool) in (runs(bn).first?.steps ?? []).map(Double.init) }

        // (a) test accuracy
        var acc = Axes(title: "(a) test accuracy", xLabel: "training step", yLabel: "accuracy")
        acc.stopLabel = nil
        acc.legend = .lowerRight
        for bn in [false, true] {
            let (m, s) = meanStd(runs(bn).map { $0.accuracy.map(Double.init) })
            let x = steps(bn), n = min(x.count, m.count)
            acc.line(x: Array(x.prefix(n)), y: Array(m.prefix(n)), label: ArmStyle.label(batchNorm: bn), color: ArmStyle.color(batchNorm: bn),
                     width: 1.6, spread: r.config.seeds > 1 ? Array(s.prefix(n)) : nil)
        }
        fig.panels.append(acc)

        // (b) all units: the mean over units of each unit's percentiles, mean over seeds
        var all = Axes(title: "(b) all 100 units, last hidden layer", xLabel: "training step", yLabel: "sigmoid input")
        all.stopLabel = nil
        all.legend = .outside
        for bn in [false, true] {
            let percentiles = (0..<3).map { k in meanStd(runs(bn).map { $0.meanPercentiles.map { k < $0.count ? Double($0[k]) : .nan } }).mean }
            let x = steps(bn), n = min(x.count, percentiles[0].count)
            let color = ArmStyle.color(batchNorm: bn)
            all.band(x: Array(x.prefix(n)), lower: Array(percentiles[0].prefix(n)), upper: Array(percentiles[2].prefix(n)),
                     label: "15–85th, \(ArmStyle.label(batchNorm: bn))", color: color, opacity: 0.2)
            all.line(x: Array(x.prefix(n)), y: Array(percentiles[1].prefix(n)), label: "median, \(ArmStyle.label(batchNorm: bn))",
                     color: color, width: 1.6)
        }
        fig.panels.append(all)

        // (c), (d) a few units of the first seed: 15th, 50th and 85th percentiles, as the paper draws them
        var limits: ClosedRange<Double>?
        for bn in [false, true] {
            for u in runs(bn).first?.unitPercentiles ?? [] {
                for p in u { for v in p where v.isFinite { limits = limits.map { min($0.lowerBound, Double(v))...max($0.upperBound, Double(v)) } ?? Double(v)...Double(v) } }
            }
        }
        for (bn, letter) in [(false, "c"), (true, "d")] {
            var ax = Axes(title: "(\(letter)) \(ArmStyle.label(batchNorm: bn)): units " + (runs(bn).first?.trackedUnits.map { "\($0)" }.joined(separator: ", ") ?? ""),
                          xLabel: "training step", yLabel: "sigmoid input")
            ax.stopLabel = nil
            ax.legend = .hidden
            if let l = limits { ax.yLimits = (l.lowerBound - 0.05 * (l.upperBound - l.lowerBound))...(l.upperBound + 0.05 * (l.upperBound - l.lowerBound)) }
            if let run = runs(bn).first {
                let x = run.steps.map(Double.init)
                for (k, unit) in run.unitPercentiles.enumerated() {
                    let color = Color.tab10[(k + 2) % Color.tab10.count]
                    let n = min(x.count, unit.count)
                    for (j, width) in [(0, 0.9), (1, 1.6), (2, 0.9)] {
                        ax.line(x: Array(x.prefix(n)), y: unit.prefix(n).map { j < $0.count ? Double($0[j]) : .nan }, color: color,
                                width: width, dashed: j != 1)
                    }
                }
            }
            fig.panels.append(ax)
        }
        let c = r.config
        return ReportFigure(
            name: "\(A.id)-ioffe", study: A.id, figure: fig,
            alt: "Four charts over training steps for a sigmoid network with and without batch normalization: test accuracy; the band between "
                + "the 15th and 85th percentiles and the median of the last hidden layer's sigmoid inputs averaged over its units; and those "
                + "three percentiles for a few single units without and with batch normalization.",
            caption: "After Ioffe & Szegedy (2015), Figure 1, on Fashion-MNIST: 784-100-100-100-10 with sigmoid units, weights N(0, "
                + "\(ReportFormat.number(Double(c.mlpWeightStd)))²), SGD at learning rate \(ReportFormat.number(Double(c.mlpLearningRate))), batch \(c.mlpBatchSize). "
                + "Measured every \(c.mlpCaptureEvery) steps on the first \(ReportFormat.count(c.probeImages)) test images: the sigmoid input is BN's output "
                + "(with γ and β) in the BN network, computed with the probe's batch statistics. (a) and (b): mean over \(c.seeds) seed"
                + (c.seeds == 1 ? "" : "s (band in (a): ± one standard deviation)") + "; (b) averages each unit's percentiles over the layer's "
                + "100 units. (c) and (d): the 15th (dashed), 50th (solid) and 85th (dashed) percentiles of single units, first seed, one colour per unit.")
    }

    // MARK: - Distributions (TensorBoard)

    /// Nested bands between symmetric TensorBoard quantiles and the median, per layer (rows) and arm (columns), first seed.
    static func distributions(_ runs: [(batchNorm: Bool, seed: UInt64, layers: [A.LayerTrace])], network: String, name: String,
                              layerTitle: (String) -> String) -> ReportFigure {
        let layers = runs.first?.layers.map(\.layer) ?? []
        var fig = Figure(widthInches: 9, heightInches: 0.6 + 2.3 * Double(max(1, layers.count)),
                         title: "Distribution of the pre-activations over training, \(network)")
        fig.columns = 2
        fig.sharedLegend = true
        var seedShown: UInt64?
        for (l, layer) in layers.enumerated() {
            for bn in [false, true] {
                var ax = Axes(title: "\(layerTitle(layer)), \(ArmStyle.label(batchNorm: bn))", xLabel: l == layers.count - 1 ? "training step" : nil,
                              yLabel: "value")
                ax.stopLabel = nil
                if let run = runs.first(where: { $0.batchNorm == bn }), l < run.layers.count {
                    seedShown = run.seed
                    let t = run.layers[l]
                    let x = t.steps.map(Double.init)
                    let n = min(x.count, t.quantiles.count)
                    let q = { (k: Int) in t.quantiles.prefix(n).map { k < $0.count ? Double($0[k]) : .nan } }
                    let color = ArmStyle.color(batchNorm: bn)
                    let labels = ["0–100%", "6.7–93.3% (±1.5σ)", "15.9–84.1% (±1σ)", "30.9–69.1% (±0.5σ)"]
                    for k in 0..<4 {
                        ax.band(x: Array(x.prefix(n)), lower: q(k), upper: q(8 - k), label: labels[k], color: Color.gray, opacity: 0.16 + 0.08 * Double(k))
                    }
                    ax.line(x: Array(x.prefix(n)), y: q(4), label: "median, \(ArmStyle.label(batchNorm: bn))", color: color, width: 1.5)
                }
                fig.panels.append(ax)
            }
        }
        return ReportFigure(
            name: "\(A.id)-distributions-\(name)", study: A.id, figure: fig,
            alt: "Bands over training steps between quantiles of each layer's pre-activations, nested from the minimum and maximum to the "
                + "31st and 69th percentiles, with the median, for the \(network) with and without batch normalization.",
            caption: "TensorBoard's distributions view of the \(network)'s pre-activations (the nonlinearity's input: BN's output where there is BN), "
                + "seed \(seedShown.map(String.init) ?? "–"): from the outside in, the bands span the minimum to the maximum and the percentiles at "
                + "±1.5, ±1 and ±0.5 standard deviations of a normal (6.68–93.32, 15.87–84.13, 30.85–69.15); the line is the median. "
                + (name == "convnet" ? "Measured on the training batch of each capture step, in training mode."
                                     : "Measured on the probe of test images at each capture step."))
    }

    // MARK: - Channel × step heatmaps

    enum ChannelStatistic { case mean, std }

    static func channelHeatmaps(_ r: A.Result, statistic: ChannelStatistic) -> ReportFigure {
        let runs = [false, true].compactMap { bn in r.convnetRuns.first { $0.batchNorm == bn } }
        let layers = runs.first?.layers.map(\.layer) ?? []
        let what = statistic == .mean ? "mean" : "standard deviation"
        var fig = Figure(widthInches: 9, heightInches: 0.8 + 2.6 * Double(max(1, layers.count)),
                         title: "Each channel's \(what) of the BN input (the convolution's output) over training")
        fig.columns = 2
        for (l, layer) in layers.enumerated() {
            for run in runs {
                var ax = Axes(title: "\(layer), ConvNet \(ArmStyle.label(batchNorm: run.batchNorm))",
                              xLabel: l == layers.count - 1 ? "training step" : nil, yLabel: "channel")
                ax.stopLabel = nil
                if l < run.layers.count, let rows = statistic == .mean ? run.layers[l].channelMean : run.layers[l].channelStd,
                   let channels = rows.first?.count, channels > 0 {
                    let t = run.layers[l]
                    let captures = rows.count
                    // values: [channel, capture]
                    var values = [Double](repeating: .nan, count: channels * captures)
                    for (j, row) in rows.enumerated() { for (c, v) in row.enumerated() where c < channels { values[c * captures + j] = Double(v) } }
                    let every = max(1, captures / 6)
                    let columnLabels = (0..<captures).map { j in j % every == 0 && j < t.steps.count ? "\(t.steps[j])" : "" }
                    let rowLabels = (0..<channels).map { c in c % 4 == 0 ? "\(c + 1)" : "" }
                    ax.heatmap(values, rows: channels, columns: captures, colormap: statistic == .mean ? .rdBu : .viridis,
                               rowLabels: rowLabels, columnLabels: columnLabels,
                               colorbarLabel: statistic == .mean ? "channel mean" : "channel std")
                }
                fig.panels.append(ax)
            }
        }
        let c = r.config
        return ReportFigure(
            name: "\(A.id)-channel-\(statistic == .mean ? "mean" : "std")", study: A.id, figure: fig,
            alt: "Heatmaps with one row per channel and one column per capture step of each channel's \(what) of the convolution outputs that "
                + "feed batch normalization, for both convolutions of the ConvNet with and without batch normalization.",
            caption: "Each channel's \(what) over the batch and positions of the convolution's output (the input BN normalises; in the network "
                + "without BN, the ReLU's input), on the training batch every \(c.convnetCaptureEvery) steps, first seed. "
                + (statistic == .mean ? "Diverging colours centred on zero (red negative, blue positive). " : "")
                + "A colour that changes along a row is internal covariate shift as Ioffe & Szegedy defined it: the distribution of a "
                + "layer's input changing as the layers before it train.")
    }

    // MARK: - Dead and saturated units

    static func deadAndSaturated(_ r: A.Result) -> ReportFigure {
        var fig = Figure(widthInches: 9, heightInches: 3.8, title: "Dead ReLUs and saturated sigmoids over training")
        fig.columns = 2
        var dead = Axes(title: "ConvNet: dead ReLU units", xLabel: "training step", yLabel: "fraction of units")
        dead.stopLabel = nil
        dead.legend = .best
        for bn in [false, true] {
            let runs = r.convnetRuns.filter { $0.batchNorm == bn }
            let layers = runs.first?.layers.map(\.layer) ?? []
            for (l, layer) in layers.enumerated() {
                let (m, _) = meanStd(runs.map { l < $0.layers.count ? ($0.layers[l].deadFraction ?? []).map(Double.init) : [] })
                let x = (runs.first?.layers[l].steps ?? []).map(Double.init)
                let n = min(x.count, m.count)
                dead.line(x: Array(x.prefix(n)), y: Array(m.prefix(n)), label: "\(layer), \(ArmStyle.label(batchNorm: bn))",
                          color: ArmStyle.color(batchNorm: bn), width: 1.5, dashed: l > 0)
            }
        }
        var sat = Axes(title: "Sigmoid MLP: saturated outputs", xLabel: "training step", yLabel: "fraction of outputs")
        sat.stopLabel = nil
        sat.legend = .best
        for bn in [false, true] {
            let runs = r.mlpRuns.filter { $0.batchNorm == bn }
            let layers = runs.first?.layers.count ?? 0
            for l in 0..<layers {
                let (m, _) = meanStd(runs.map { l < $0.layers.count ? ($0.layers[l].saturatedFraction ?? []).map(Double.init) : [] })
                let x = (runs.first?.layers[l].steps ?? []).map(Double.init)
                let n = min(x.count, m.count)
                sat.line(x: Array(x.prefix(n)), y: Array(m.prefix(n)), label: "layer \(l + 1), \(ArmStyle.label(batchNorm: bn))",
                         color: ArmStyle.color(batchNorm: bn).withAlpha(1 - 0.25 * Double(l)), width: 1.5, dashed: l == 1)
            }
        }
        fig.panels = [dead, sat]
        return ReportFigure(
            name: "\(A.id)-dead-saturated", study: A.id, figure: fig,
            alt: "Two line charts over training steps: the fraction of the ConvNet's ReLU units that output zero for a whole batch, per layer, "
                + "and the fraction of the sigmoid network's outputs that are saturated, per hidden layer, each with and without batch normalization.",
            caption: "Left: the fraction of each ReLU layer's units (a channel at a position) whose input is ≤ 0 for every image of the training "
                + "batch: they pass no gradient for that step. Right: the fraction of the sigmoid MLP's outputs below 0.01 or above 0.99 on the "
                + "probe, where σ′ < 0.01 and learning stalls (Ioffe & Szegedy's saturation problem). Means over seeds.")
    }

    // MARK: - Feature-map grid

    /// One row per image (the input on the left, grey, its class as the row label) and one column per
    /// channel; one colour scale for all the maps, with its colorbar.
    static func featureMapGrid(_ maps: FeatureMaps, images: CaptureImages, classNames: [String], title: String,
                               colormap: Colormap = .viridis) -> Figure {
        let rows = min(maps.images, images.count)
        let columns = maps.channels + 1
        // about 9 in wide: the cells shrink with the channel count; labels need ~1 in, the colorbar ~0.7 in
        let cell = min(0.55, 7.2 / Double(columns))
        var fig = Figure(widthInches: 1.0 + 0.75 + cell * Double(columns), heightInches: 0.9 + cell * Double(rows),
                         title: title)
        fig.columns = columns
        fig.sharedColorbar = true
        fig.sharedColorbarLabel = "activation"
        fig.panelPadding = 1.5
        fig.fontSize = 8
        // One scale for the grid, its top at the 99.5th percentile: a few bright pixels would otherwise darken every map.
        let shown = maps.values.prefix(rows * maps.channels * maps.height * maps.width).filter(\.isFinite)
        let lower = Double(shown.min() ?? 0)
        var upper = Double(ActivationStatistics.quantiles(Array(shown), percents: [99.5]).first ?? 1)
        if !(upper > lower) { upper = lower + 1 }
        for i in 0..<rows {
            var input = Axes(title: i == 0 && cell >= 0.35 ? "input" : nil)
            input.showFrame = false
            input.yLabel = images.labels[i] < classNames.count ? classNames[images.labels[i]] : "class \(images.labels[i])"
            input.yLabelUpright = true
            let size = images.height * images.width
            input.heatmap(images.pixels[(i * size)..<((i + 1) * size)].map(Double.init), rows: images.height, columns: images.width,
                          colormap: .gray, range: 0...1, squareCells: true, showColorbar: false, sharesColorbar: false)
            fig.panels.append(input)
            for c in 0..<maps.channels {
                var ax = Axes(title: i == 0 ? "\(c + 1)" : nil)
                ax.showFrame = false
                ax.heatmap(maps.map(image: i, channel: c).map(Double.init), rows: maps.height, columns: maps.width, colormap: colormap,
                           range: lower...upper, squareCells: true)
                fig.panels.append(ax)
            }
        }
        return fig
    }

    /// The class names of the dataset a run used (Fashion-MNIST or CIFAR-10), else none.
    static func classNames(of run: RunResults) -> [String] {
        let name = run.dataset.name.lowercased()
        if name.contains("fashion") { return FashionMNIST.classNames }
        if name.contains("cifar") { return CIFAR10.classNames }
        return []
    }
}
