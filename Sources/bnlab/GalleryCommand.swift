import ArgumentParser
import Charts
import Engine
import Foundation

/// `bnlab gallery`: one example of every chart type, and the render benchmark against matplotlib.
struct Gallery: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gallery",
        abstract: "Render one example of every chart type (or time chart rendering with --bench).")

    @Option(help: "Directory for the gallery files.")
    var out = "output/gallery"

    @Flag(help: "Time the two figures mpl_render_bench.py times with matplotlib (median of 15, PNG to disk).")
    var bench = false

    @Flag(help: "With --bench: print {\"line_ms\": …, \"heatmap_ms\": …}.")
    var json = false

    func run() throws {
        let dir = URL(fileURLWithPath: out, isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        if bench { try runBench(dir); return }
        let meta = { (title: String) in
            FigureMetadata(title: title, software: "bnlab \(bnlabVersion)", source: "gallery")
        }
        for (name, figure) in GalleryFigures.all() {
            let url = dir.appendingPathComponent(name + ".png")
            try figure.render(to: url, format: .png, metadata: meta(figure.title ?? name))
            print(url.path)
        }
        let svg = dir.appendingPathComponent("lr_accuracy.svg")
        try GalleryFigures.lrAccuracy().render(to: svg, format: .svg, metadata: meta("lr_accuracy"))
        print(svg.path)
    }

    func runBench(_ dir: URL) throws {
        var rng = SeededGenerator(seed: 0)
        let line = GalleryFigures.benchLine(&rng), heat = GalleryFigures.benchHeatmaps(&rng)
        let meta = FigureMetadata(title: "bench", software: "bnlab \(bnlabVersion)", source: "gallery --bench")
        func median(_ figure: Figure, _ name: String) throws -> Double {
            let url = dir.appendingPathComponent(name)
            try figure.render(to: url, metadata: meta)   // warm-up: fonts, caches
            var times: [Double] = []
            for _ in 0..<15 {
                let t = DispatchTime.now().uptimeNanoseconds
                try figure.render(to: url, metadata: meta)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t) / 1e6)
            }
            return times.sorted()[times.count / 2]
        }
        let lineMs = try median(line, "bench_line.png"), heatMs = try median(heat, "bench_heatmap.png")
        if json {
            print(String(format: "{\"line_ms\": %.2f, \"heatmap_ms\": %.2f}", lineMs, heatMs))
        } else {
            print(String(format: "line_ms=%.2f heatmap_ms=%.2f", lineMs, heatMs))
        }
    }
}

/// The gallery's example figures, built from seeded synthetic data shaped like bnlab's results.
enum GalleryFigures {
    static func all() -> [(String, Figure)] {
        var rng = SeededGenerator(seed: 0)
        return [
            ("loss_curves", benchLine(&rng)),
            ("lr_accuracy", lrAccuracy()),
            ("small_multiples", smallMultiples(&rng)),
            ("grad_norm_bars", gradientBars()),
            ("histograms", histograms(&rng)),
            ("accuracy_heatmap", accuracyHeatmap()),
            ("bn_gain_heatmap", gainHeatmap()),
            ("activations", benchHeatmaps(&rng)),
            ("error_bars", errorBars()),
            ("no_data", noData()),
        ]
    }

    static let lrs = (0..<9).map { pow(10, -4 + 0.5 * Double($0)) }

    /// matplotlib anchor figure 1: 8 random-walk loss curves × 500 steps with legend, 8×5 in.
    static func benchLine(_ rng: inout SeededGenerator) -> Figure {
        var ax = Axes(title: "Training loss", xLabel: "step", yLabel: "loss")
        let steps = (0..<500).map(Double.init)
        for i in 0..<8 {
            var y = 0.0
            let ys = steps.map { _ in y += Double(rng.normal()) * 0.01; return y + 2.3 - Double(i) * 0.1 }
            ax.line(x: steps, y: ys, label: "lr=" + String(format: "%.3g", pow(10, -3 + Double(i) * 0.5)))
        }
        var fig = Figure(widthInches: 8, heightInches: 5)
        fig.panels = [ax]
        return fig
    }

    /// matplotlib anchor figure 2: a 4×4 grid of 28×28 maps with one colorbar, 8×8 in.
    static func benchHeatmaps(_ rng: inout SeededGenerator) -> Figure {
        var fig = Figure(widthInches: 8, heightInches: 8)
        fig.columns = 4
        fig.sharedColorbar = true
        for _ in 0..<16 {
            var ax = Axes()
            ax.showFrame = false
            ax.heatmap((0..<784).map { _ in Double(rng.normal()) }, rows: 28, columns: 28, squareCells: true)
            fig.panels.append(ax)
        }
        return fig
    }

    /// Accuracy vs learning rate (log x), BN vs no-BN, mean ± std bands, a diverged run marked.
    static func lrAccuracy() -> Figure {
        let bn = [0.62, 0.71, 0.80, 0.86, 0.89, 0.90, 0.89, 0.85, 0.74]
        let plain = [0.55, 0.66, 0.77, 0.84, 0.86, 0.80, .nan, .nan, .nan]
        var ax = Axes(title: "Depth 8", xLabel: "learning rate", yLabel: "test accuracy", xScale: .log)
        ax.line(x: lrs, y: bn, label: "with BN", marker: .circle, spread: bn.map { _ in 0.015 })
        ax.line(x: lrs, y: plain, label: "without BN", marker: .square, spread: plain.map { $0.isFinite ? 0.025 : .nan })
        ax.markers(x: [lrs[6]], y: [0.80], marker: .cross, label: "diverged", color: Color.tab10[3], size: 10)
        var fig = Figure(widthInches: 6, heightInches: 4)
        fig.panels = [ax]
        return fig
    }

    /// One panel per learning rate, two arms overlaid; shared axes and one legend.
    static func smallMultiples(_ rng: inout SeededGenerator) -> Figure {
        var fig = Figure(widthInches: 9, heightInches: 5.5, title: "Training loss per learning rate")
        fig.columns = 3; fig.sharedX = true; fig.sharedY = true; fig.sharedLegend = true
        let steps = (0..<200).map { Double($0) * 10 }
        for (k, lr) in [1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1].enumerated() {
            var ax = Axes(title: "lr = \(lr)", xLabel: "step", yLabel: "loss")
            for (arm, speed) in [("with BN", 1.0), ("without BN", 0.6)] {
                let rate = speed * (0.3 + Double(k) * 0.35) / 1000
                var ys = steps.map { 2.3 * exp(-rate * $0) + 0.25 + Double(rng.normal()) * 0.02 }
                if arm == "without BN" && k >= 4 { for j in (k == 4 ? 120 : 40)..<ys.count { ys[j] = .nan } }
                ax.line(x: steps, y: ys, label: arm)
            }
            fig.panels.append(ax)
        }
        return fig
    }

    /// Per-layer gradient norms, BN vs no-BN, grouped bars on a log y axis.
    static func gradientBars() -> Figure {
        let layers = ["conv1", "conv2", "conv3", "conv4", "conv5", "conv6", "fc1", "fc2"]
        var ax = Axes(title: "Gradient norm per layer (step 100)", xLabel: "layer", yLabel: "‖∇W‖", yScale: .log)
        ax.bars(categories: layers, series: [
            (label: "with BN", values: [0.8, 0.7, 0.75, 0.6, 0.65, 0.7, 0.9, 1.2]),
            (label: "without BN", values: [0.002, 0.006, 0.02, 0.08, 0.3, 1.1, 4.5, 12]),
        ])
        var fig = Figure(widthInches: 7, heightInches: 4)
        fig.panels = [ax]
        return fig
    }

    /// Overlaid semi-transparent histograms of pre-activations.
    static func histograms(_ rng: inout SeededGenerator) -> Figure {
        var ax = Axes(title: "Pre-activations of conv4", xLabel: "value", yLabel: "count")
        ax.histogram((0..<5000).map { _ in Double(rng.normal()) }, bins: 40, label: "with BN")
        ax.histogram((0..<5000).map { _ in Double(rng.normal()) * 2.2 + 1.5 }, bins: 40, label: "without BN")
        var fig = Figure(widthInches: 6, heightInches: 4)
        fig.panels = [ax]
        return fig
    }

    static let depths = [2, 4, 8, 16, 32]

    /// Accuracy over learning rate × depth, annotated cells.
    static func accuracyHeatmap() -> Figure {
        var values: [Double] = []
        for (d, _) in depths.enumerated() {
            for (j, _) in lrs.enumerated() {
                let peak = 4.5 - Double(d) * 0.4
                values.append(j > 7 - d / 2 ? .nan : 0.9 - 0.035 * pow(Double(j) - peak, 2) - 0.01 * Double(d))
            }
        }
        var ax = Axes(title: "Test accuracy without BN", xLabel: "learning rate", yLabel: "depth")
        ax.heatmap(values, rows: depths.count, columns: lrs.count, rowLabels: depths.map(String.init),
                   columnLabels: lrs.map { String(format: "%.0e", $0) }, annotationDecimals: 2, colorbarLabel: "accuracy")
        var fig = Figure(widthInches: 7, heightInches: 3.8)
        fig.panels = [ax]
        return fig
    }

    /// BN − no-BN accuracy difference, diverging map centred on zero.
    static func gainHeatmap() -> Figure {
        var values: [Double] = []
        for d in 0..<depths.count { for j in 0..<lrs.count { values.append(0.06 * (Double(j) - 3) * (0.5 + Double(d) * 0.3) / 3) } }
        var ax = Axes(title: "Accuracy gain from BN", xLabel: "learning rate", yLabel: "depth")
        ax.heatmap(values, rows: depths.count, columns: lrs.count, colormap: .rdBu, rowLabels: depths.map(String.init),
                   columnLabels: lrs.map { String(format: "%.0e", $0) }, annotationDecimals: 2, colorbarLabel: "Δ accuracy")
        var fig = Figure(widthInches: 7, heightInches: 3.8)
        fig.panels = [ax]
        return fig
    }

    /// Points with error bars.
    static func errorBars() -> Figure {
        var ax = Axes(title: "Final loss across 5 seeds", xLabel: "learning rate", yLabel: "loss", xScale: .log)
        ax.errorBars(x: lrs, y: lrs.map { 0.4 + 0.3 * pow(log10($0) + 2, 2) }, errors: lrs.map { 0.03 + 0.02 * (log10($0) + 4) }, label: "mean ± std")
        var fig = Figure(widthInches: 6, heightInches: 4)
        fig.panels = [ax]
        return fig
    }

    /// An empty series and an all-NaN run next to a run that stops on NaN.
    static func noData() -> Figure {
        var fig = Figure(widthInches: 9, heightInches: 3.2, title: "Empty and non-finite series")
        fig.columns = 3
        var empty = Axes(title: "empty series", xLabel: "step", yLabel: "loss")
        empty.line(x: [], y: [], label: "run")
        var nan = Axes(title: "all NaN", xLabel: "step", yLabel: "loss")
        nan.line(x: [0, 1, 2], y: [.nan, .nan, .infinity], label: "run")
        var stops = Axes(title: "diverges at step 60", xLabel: "step", yLabel: "loss")
        let xs = (0..<100).map(Double.init)
        stops.line(x: xs, y: xs.map { $0 < 60 ? 2.3 - 0.01 * $0 + 0.002 * $0 * $0 / 10 : .nan }, label: "lr = 1")
        fig.panels = [empty, nan, stops]
        return fig
    }
}
