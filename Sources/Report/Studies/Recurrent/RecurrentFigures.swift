import Charts
import Foundation
import Studies

/// The recurrent study's figures: accuracy against epoch, the learning-rate sweep, gradients
/// through time, the train/eval gap, and the reach of the per-step statistics.
enum RecurrentFigures {
    typealias R = RecurrentStudy

    static func all(_ r: R.Result) -> [ReportFigure] {
        var out = [accuracy(r), gradients(r), gammas(r), gap(r)]
        if !r.sweeps.isEmpty { out.insert(sweep(r), at: 1) }
        if r.runs.contains(where: { $0.statisticsStepAccuracies != nil }) { out.append(statisticsSteps(r)) }
        return out
    }

    /// A network's name on the page.
    static func label(_ network: String) -> String {
        switch network {
        case "rnn": "plain RNN"
        case "rnn-bn-shared": "BN shared over steps (deck)"
        case "rnn-bn-step": "BN per step (Cooijmans)"
        case "rnn-ln": "LayerNorm (Ba)"
        default: network
        }
    }

    /// A name short enough for a bar chart's axis.
    static func shortLabel(_ network: String) -> String {
        switch network {
        case "rnn": "plain"
        case "rnn-bn-shared": "shared BN"
        case "rnn-bn-step": "per-step BN"
        case "rnn-ln": "LayerNorm"
        default: network
        }
    }

    static func color(_ network: String) -> Color {
        switch network {
        case "rnn": ArmStyle.withoutBN
        case "rnn-bn-shared": ArmStyle.raw
        case "rnn-bn-step": ArmStyle.withBN
        case "rnn-ln": ArmStyle.normalized
        default: .gray
        }
    }

    static func marker(_ network: String) -> Marker {
        switch network {
        case "rnn": .square
        case "rnn-bn-step": .circle
        case "rnn-ln": .diamond
        default: .triangle
        }
    }

    static func task(_ t: R.Task) -> String { t == .rows ? "28 rows of 28 pixels" : "pixels in a fixed random order" }

    /// One line per network: the mean over seeds at `x`, with a ± std band for several seeds.
    static func networkLine(_ ax: inout Axes, _ network: String, x: [Double], perSeed: [[Double]], seeds: Int) {
        let (m, s) = GradientsFigures.meanStd(perSeed)
        let n = min(x.count, m.count)
        guard n > 0 else { return }
        ax.line(x: Array(x.prefix(n)), y: Array(m.prefix(n)), label: label(network), color: color(network), width: 1.8,
                marker: marker(network), markerSize: 4, spread: seeds > 1 ? Array(s.prefix(n)) : nil)
    }

    // MARK: - Figures

    static func accuracy(_ r: R.Result) -> ReportFigure {
        let tasks = r.config.tasks
        var fig = Figure(widthInches: min(9, 3.9 * Double(tasks.count) + 1.6), heightInches: 3.4, title: "Test accuracy against epoch")
        fig.columns = max(1, tasks.count)
        fig.sharedLegend = true
        for t in tasks {
            var ax = Axes(title: task(t), xLabel: "epoch", yLabel: "test accuracy")
            for n in r.config.networks {
                let runs = r.runs.filter { $0.network == n && $0.task == t }
                // the axis is sized by the curves, not by the config (a metrics.json is input)
                let epochs = runs.map(\.testAccuracies.count).max() ?? 0
                networkLine(&ax, n, x: (0..<epochs).map { Double($0 + 1) },
                            perSeed: runs.map { $0.testAccuracies.map(Double.init) }, seeds: r.config.seeds)
            }
            fig.panels.append(ax)
        }
        return ReportFigure(
            name: "recurrent-accuracy", study: R.id, figure: fig,
            alt: "Line charts of test accuracy after each epoch for the plain RNN, the RNN with one BN shared by all steps, with BN per step, "
                + "and with LayerNorm, one panel per way of reading the image.",
            caption: "Test accuracy in evaluation mode after every epoch at learning rate \(ReportFormat.learningRate(Double(r.config.learningRate)))"
                + (r.config.seeds > 1 ? ", mean over \(r.config.seeds) seeds (band: ± one standard deviation)" : "") + ".")
    }

    static func sweep(_ r: R.Result) -> ReportFigure {
        var fig = Figure(widthInches: 6.4, heightInches: 3.6, title: "Learning-rate sweep (rows, \(r.config.sweepEpochs) epoch\(r.config.sweepEpochs == 1 ? "" : "s"))")
        var ax = Axes(xLabel: "learning rate", yLabel: "test accuracy", xScale: .log)
        ax.legend = .outside
        for n in r.config.networks {
            let lrs = Array(Set(r.sweeps.filter { $0.network == n }.map(\.learningRate))).sorted()
            let perSeed = (0..<max(0, min(r.config.sweepSeeds, 100))).map { k in
                lrs.map { lr in Double(r.sweeps.filter { $0.network == n && $0.learningRate == lr }.map(\.accuracy).dropFirst(k).first ?? .nan) }
            }
            networkLine(&ax, n, x: lrs.map(Double.init), perSeed: perSeed, seeds: r.config.sweepSeeds)
        }
        let failed = r.sweeps.filter(\.failed)
        if !failed.isEmpty {
            ax.markers(x: failed.map { Double($0.learningRate) }, y: failed.map { Double($0.accuracy) }, marker: .cross, label: "failed to train")
        }
        fig.panels.append(ax)
        return ReportFigure(
            name: "recurrent-lr-sweep", study: R.id, figure: fig,
            alt: "Line chart of test accuracy against learning rate on a log axis for the four recurrent networks; crosses mark runs that failed to train.",
            caption: "Final test accuracy after \(r.config.sweepEpochs) epoch\(r.config.sweepEpochs == 1 ? "" : "s") at each learning rate"
                + (r.config.sweepSeeds > 1 ? " (mean over \(r.config.sweepSeeds) seeds)" : "") + "; a cross marks a run that failed to train "
                + "(diverged, loss not decreasing, or training accuracy at chance).")
    }

    static func gradients(_ r: R.Result) -> ReportFigure {
        var fig = Figure(widthInches: 8, heightInches: 3.5, title: "Gradient norm back through time, ‖∂L/∂hₜ‖")
        fig.columns = 2
        fig.sharedLegend = true
        let t = r.config.tasks.contains(.rows) ? R.Task.rows : r.config.tasks.first ?? .rows
        for late in [false, true] {
            var ax = Axes(title: late ? "late in training" : "at initialisation", xLabel: "time step t", yLabel: "‖∂L/∂hₜ‖", yScale: .log)
            ax.stopLabel = nil
            for n in r.config.networks {
                let runs = r.runs.filter { $0.network == n && $0.task == t }
                let rows = runs.map { late ? $0.lateGradients : $0.initialGradients }
                networkLine(&ax, n, x: (0..<(rows.first?.count ?? 0)).map { Double($0 + 1) }, perSeed: rows, seeds: r.config.seeds)
            }
            fig.panels.append(ax)
        }
        return ReportFigure(
            name: "recurrent-gradients", study: R.id, figure: fig,
            alt: "Line charts on a log scale of the gradient norm of the loss with respect to each hidden state against the time step, "
                + "for each network at initialisation and late in training.",
            caption: "L2 norm of ∂L/∂hₜ over the batch at each step t; the head reads the last hidden state, so the gradient flows from right "
                + "to left. Left: at initialisation, averaged over \(r.config.gradientBatches) batches; right: averaged over the last 20 "
                + "training steps (\(task(t)))" + (r.config.seeds > 1 ? "; bands: ± one standard deviation across seeds." : "."))
    }

    static func gammas(_ r: R.Result) -> ReportFigure {
        var fig = Figure(widthInches: 6.4, heightInches: 3.4, title: "BN per step at initialisation: ‖∂L/∂hₜ‖ by initial γ")
        var ax = Axes(xLabel: "time step t", yLabel: "‖∂L/∂hₜ‖", yScale: .log)
        ax.stopLabel = nil
        ax.legend = .outside
        for (i, g) in r.config.gammas.enumerated() {
            let rows = r.gammas.filter { $0.gamma == g }.map(\.gradients)
            let (m, s) = GradientsFigures.meanStd(rows)
            ax.line(x: m.indices.map { Double($0 + 1) }, y: m, label: "γ = \(ReportFormat.number(Double(g)))",
                    color: Color.tab10[(i + 4) % 10], width: 1.8, dashed: i > 0, spread: rows.count > 1 ? s : nil)
        }
        fig.panels.append(ax)
        return ReportFigure(
            name: "recurrent-gammas", study: R.id, figure: fig,
            alt: "Line chart on a log scale of the gradient norm with respect to each hidden state against the time step, for the per-step BN "
                + "network initialised with different values of γ.",
            caption: "The per-step BN network (rows) at initialisation with each initial γ, averaged over \(r.config.gradientBatches) batches, "
                + "mean over \(r.config.gradientSeeds) seeds (band: ± one standard deviation). Cooijmans et al.'s Fig. 1 shows gradients "
                + "vanishing faster through time with γ = 1 than with γ = 0.1.")
    }

    static func gap(_ r: R.Result) -> ReportFigure {
        let tasks = r.config.tasks
        var fig = Figure(widthInches: min(9, 4.2 * Double(tasks.count) + 1.6), heightInches: 3.6,
                         title: "Test accuracy with running statistics (evaluation) and with batch statistics (training mode)")
        fig.columns = max(1, tasks.count)
        fig.sharedLegend = true
        for t in tasks {
            var ax = Axes(title: task(t), yLabel: "test accuracy")
            let nets = r.config.networks
            let mean = { (n: String, f: (R.Run) -> Float) -> Double in
                SeedSpread(r.runs.filter { $0.network == n && $0.task == t }.map { Double(f($0)) }).mean ?? .nan
            }
            ax.bars(categories: nets.map(shortLabel),
                    series: [("running statistics (eval)", nets.map { mean($0, \.accuracy) }),
                             ("batch statistics (train mode)", nets.map { mean($0, \.batchStatisticsAccuracy) })],
                    colors: [ArmStyle.withBN, ArmStyle.raw])
            fig.panels.append(ax)
        }
        return ReportFigure(
            name: "recurrent-gap", study: R.id, figure: fig,
            alt: "Grouped bar charts of test accuracy for each recurrent network, evaluated with running statistics and with each batch's own statistics.",
            caption: "The trained networks on the test images, in evaluation mode (running statistics) and in training mode (each batch of "
                + "\(r.config.batchSize) normalised with its own statistics at every step), mean over seeds. Networks without BN compute the "
                + "same either way.")
    }

    static func statisticsSteps(_ r: R.Result) -> ReportFigure {
        var fig = Figure(widthInches: 6.4, heightInches: 3.4, title: "BN per step: evaluation with the statistics of the first k steps")
        var ax = Axes(xLabel: "k (steps after k reuse step k's statistics)", yLabel: "test accuracy", xScale: .log2)
        ax.legend = .outside
        let ks = r.config.statisticsSteps.map(Double.init)
        for (i, t) in r.config.tasks.enumerated() {
            let runs = r.runs.filter { $0.network == "rnn-bn-step" && $0.task == t }
            let (m, s) = GradientsFigures.meanStd(runs.compactMap { $0.statisticsStepAccuracies?.map(Double.init) })
            ax.line(x: Array(ks.prefix(m.count)), y: m, label: task(t), color: Color.tab10[i == 0 ? 0 : 9], width: 1.8,
                    marker: .circle, markerSize: 4, spread: runs.count > 1 ? s : nil)
        }
        fig.panels.append(ax)
        return ReportFigure(
            name: "recurrent-statistics-steps", study: R.id, figure: fig,
            alt: "Line chart of the per-step BN network's test accuracy when only the first k steps' running statistics are used and later steps reuse step k's.",
            caption: "The trained per-step BN network evaluated as if training had seen only k steps: steps after k are normalised with step k's "
                + "running statistics, as Cooijmans et al. do for sequences longer than any seen in training. At k = 28 every step has its own.")
    }
}
