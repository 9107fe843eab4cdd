import Charts
import Foundation
import Studies

/// The recurrent study's figures: accuracy against epoch, the learning-rate sweep, gradients
/// through time, the train/eval gap, and the reach of the per-step statistics.
enum RecurrentFigures {
    typealias R = RecurrentStudy

    static func all(_ r: R.Result) -> [ReportFigure] {
        var out = [accuracy(r), gradients(r), gap(r)]
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
        fig.columns = tasks.count
        fig.sharedLegend = true
        for t in tasks {
            var ax = Axes(title: task(t), xLabel: "epoch", yLabel: "test accuracy")
            for n in r.config.networks {
                let runs = r.runs.filter { $0.network == n && $0.task == t }
                networkLine(&ax, n, x: (1...r.config.epochs).map(Double.init),
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
            let perSeed = (0..<r.config.sweepSeeds).map { k in
                lrs.map { lr in Double(r.sweeps.filter { $0.network == n && $0.learningRate == lr }.map(\.accuracy).dropFirst(k).first ?? .nan) }
            }
            networkLine(&ax, n, x: lrs.map(Double.init), perSeed: perSeed, seeds: r.config.sweepSeeds)
            let failed = r.sweeps.filter { $0.network == n && $0.failed }
            if !failed.isEmpty {
                ax.markers(x: failed.map { Double($0.learningRate) }, y: failed.map { Double($0.accuracy) }, marker: .cross,
                           label: n == r.config.networks.first(where: { m in r.sweeps.contains { $0.network == m && $0.failed } }) ? "failed to train" : nil)
            }
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
        var fig = Figure(widthInches: 9, heightInches: 3.5, title: "Gradient norm back through time, ‖∂L/∂hₜ‖")
        fig.columns = 3
        let t = r.config.tasks.contains(.rows) ? R.Task.rows : r.config.tasks[0]
        for late in [false, true] {
            var ax = Axes(title: late ? "late in training" : "at initialisation", xLabel: "time step t", yLabel: "‖∂L/∂hₜ‖", yScale: .log)
            ax.stopLabel = nil
            ax.legend = late ? .hidden : .best
            for n in r.config.networks {
                let runs = r.runs.filter { $0.network == n && $0.task == t }
                let rows = runs.map { late ? $0.lateGradients : $0.initialGradients }
                networkLine(&ax, n, x: (1...(rows.first?.count ?? 1)).map(Double.init), perSeed: rows, seeds: r.config.seeds)
            }
            fig.panels.append(ax)
        }
        var ax = Axes(title: "BN per step at init, by γ", xLabel: "time step t", yLabel: "‖∂L/∂hₜ‖", yScale: .log)
        ax.stopLabel = nil
        for (i, g) in r.config.gammas.enumerated() {
            let rows = r.gammas.filter { $0.gamma == g }.map(\.gradients)
            let (m, s) = GradientsFigures.meanStd(rows)
            ax.line(x: m.indices.map { Double($0 + 1) }, y: m, label: "γ = \(ReportFormat.number(Double(g)))",
                    color: Color.tab10[(i + 4) % 10], width: 1.8, dashed: i > 0, spread: rows.count > 1 ? s : nil)
        }
        fig.panels.append(ax)
        return ReportFigure(
            name: "recurrent-gradients", study: R.id, figure: fig,
            alt: "Line charts on a log scale of the gradient norm of the loss with respect to each hidden state against the time step, "
                + "for each network at initialisation and late in training, and for BN per step with different initial γ.",
            caption: "L2 norm of ∂L/∂hₜ over the batch at each step t (the head reads h\u{2082}\u{2088}, so the gradient flows from the right to the left). "
                + "Left: at initialisation, averaged over \(r.config.gradientBatches) batches; middle: averaged over the last 20 training steps "
                + "(\(task(t))); right: BN per step initialised with each γ, over \(r.config.gradientSeeds) seeds (Cooijmans et al.'s Fig. 1: "
                + "with γ = 1 gradients vanish faster). Bands: ± one standard deviation across seeds.")
    }

    static func gap(_ r: R.Result) -> ReportFigure {
        let tasks = r.config.tasks
        var fig = Figure(widthInches: min(9, 4.2 * Double(tasks.count) + 1.6), heightInches: 3.6,
                         title: "Test accuracy with running statistics (evaluation) and with batch statistics (training mode)")
        fig.columns = tasks.count
        fig.sharedLegend = true
        for t in tasks {
            var ax = Axes(title: task(t), yLabel: "test accuracy")
            let nets = r.config.networks
            let mean = { (n: String, f: (R.Run) -> Float) -> Double in
                SeedSpread(r.runs.filter { $0.network == n && $0.task == t }.map { Double(f($0)) }).mean ?? .nan
            }
            ax.bars(categories: nets.map(label),
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
