import Charts
import Foundation
import Studies
import Training

/// The schedule study's figures: range tests, the schedules' learning rates, accuracy per epoch,
/// and the super-convergence comparison.
enum LRSchedulesFigures {
    static func network(_ depth: Int) -> String { depth == 2 ? "ConvNet (depth 2)" : "deep CNN, depth \(depth)" }

    /// A schedule's name in legends and tables.
    static func label(_ spec: ScheduleSpec) -> String {
        switch spec.name {
        case .constant: "constant"
        case .step: "step"
        case .multistep: "step (×0.1 at 50%, 75%)"
        case .exponential: "exponential"
        case .cosine: "cosine"
        case .linear: "linear warm-up"
        case .warmupCosine: "warm-up + cosine"
        case .onecycle: "one-cycle"
        case .plateau: "plateau (validation loss)"
        }
    }

    static func color(_ index: Int) -> Color { Color.tab10[(index + 2) % Color.tab10.count] }

    static func all(_ r: LRSchedulesStudy.Result) -> [ReportFigure] {
        var figures = [rangeTests(r), learningRates(r)]
        for depth in r.config.depths { figures.append(accuracy(r, depth: depth)) }
        figures.append(superConvergence(r))
        return figures
    }

    // MARK: - Range tests

    /// One panel per network, both arms (the base seed's test), suggestion ● and divergence × marked.
    static func rangeTests(_ r: LRSchedulesStudy.Result) -> ReportFigure {
        let depths = r.config.depths
        var fig = Figure(widthInches: min(9, 4.2 * Double(depths.count) + 0.6), heightInches: 3.5, title: "Learning-rate range test")
        fig.columns = depths.count
        fig.sharedLegend = true
        for depth in depths {
            let curves = [true, false].compactMap { bn -> RangeTestFigure.Curve? in
                let tests = r.rangeTests.filter { $0.depth == depth && $0.batchNorm == bn }.sorted { $0.seed < $1.seed }
                guard let t = tests.first else { return nil }
                return RangeTestFigure.Curve(label: ArmStyle.label(batchNorm: bn), color: ArmStyle.color(batchNorm: bn), result: t.result)
            }
            fig.panels.append(RangeTestFigure.axes(title: network(depth), curves: curves))
        }
        let c = r.config
        return ReportFigure(
            name: "lr-schedules-range-test", study: LRSchedulesStudy.id, figure: fig,
            alt: "Smoothed training loss against learning rate on a log axis, with and without BN, one panel per network; "
                + "dots mark the suggested learning rates and crosses the divergence points.",
            caption: "Range test of the base seed: the learning rate grows from \(ReportFormat.learningRate(c.rangeStart)) to "
                + "\(ReportFormat.learningRate(c.rangeEnd)) over \(c.rangeSteps) batches of \(c.batchSize); the curve is the smoothed loss "
                + "(β = 0.98) and stops where it exceeds 4× its best (×). ● is the suggested learning rate (steepest descent).")
    }

    // MARK: - Learning rate against step

    /// Every schedule's learning rate at each step: the BN ConvNet (first network) at its best constant rate.
    static func learningRates(_ r: LRSchedulesStudy.Result) -> ReportFigure {
        let depth = r.config.depths.first ?? 2
        var ax = Axes(title: "\(network(depth)) with BN, at its best constant learning rate", xLabel: "step", yLabel: "learning rate")
        ax.stopLabel = nil
        ax.legend = .outside
        var top = 0.0
        for (i, spec) in r.config.specs.enumerated() {
            guard let run = r.runs.first(where: { $0.depth == depth && $0.batchNorm && $0.rate == .best
                && $0.part == .schedules && $0.schedule == spec }) else { continue }
            let y = run.learningRates.map(Double.init)
            top = max(top, y.max() ?? 0)
            ax.line(x: y.indices.map { Double($0 + 1) }, y: y, label: label(spec), color: color(i), width: 1.8,
                    dashed: spec.name == .constant)
        }
        ax.yLimits = 0...max(1e-9, top * 1.08)
        var fig = Figure(widthInches: 8, heightInches: 3.4, title: "Learning rate of every schedule")
        fig.panels = [ax]
        return ReportFigure(
            name: "lr-schedules-learning-rate", study: LRSchedulesStudy.id, figure: fig,
            alt: "Learning rate against training step for each schedule on one panel.",
            caption: "The learning rate each schedule used at every step (as recorded during training). One-cycle peaks at the "
                + "same rate and starts at 1/25 of it; the plateau schedule's cuts depend on the validation loss of that run.")
    }

    // MARK: - Accuracy against epoch

    /// Test accuracy after every epoch per schedule: rows are the learning rates (best constant, high),
    /// columns the arms (with BN, without).
    static func accuracy(_ r: LRSchedulesStudy.Result, depth: Int) -> ReportFigure {
        var fig = Figure(widthInches: 9, heightInches: 6.2, title: "Test accuracy per epoch, \(network(depth))")
        fig.columns = 2
        fig.sharedX = true
        fig.sharedY = true
        fig.sharedLegend = true
        let chance = r.runs.first.map { 1 / Double($0.result.config.model.classes) }
        for rate in [LRSchedulesStudy.Rate.best, .high] {
            for bn in [true, false] {
                let runs = r.runs.filter { $0.depth == depth && $0.batchNorm == bn && $0.rate == rate && $0.part == .schedules }
                let lrText = runs.first.map { ReportFormat.learningRate(Double($0.learningRate)) } ?? "–"
                var ax = Axes(title: "\(ArmStyle.label(batchNorm: bn)), \(rate == .high ? "high" : "best constant") LR \(lrText)",
                              xLabel: "epoch", yLabel: "test accuracy")
                ax.yLimits = 0...1
                ax.xLimits = 0.8...(Double(r.config.epochs) + 0.2)
                ax.stopLabel = nil
                if let chance {
                    ax.line(x: [0.8, Double(r.config.epochs) + 0.2], y: [chance, chance], label: "chance", color: .gray, width: 1, dashed: true)
                }
                // constant last and dashed: the plateau schedule follows it until its first cut
                let order = r.config.specs.enumerated().sorted { ($0.element.name == .constant ? 1 : 0, $0.offset) < ($1.element.name == .constant ? 1 : 0, $1.offset) }
                for (i, spec) in order {
                    let at = runs.filter { $0.schedule == spec }.sorted { $0.seed < $1.seed }
                    guard let first = at.first else { continue }
                    let n = at.map(\.testAccuracies.count).min() ?? 0
                    let mean = (0..<n).map { e in at.map { Double($0.testAccuracies[e]) }.reduce(0, +) / Double(at.count) }
                    ax.line(x: (0..<n).map { Double($0 + 1) }, y: mean, label: label(spec), color: color(i), width: 1.8,
                            dashed: spec.name == .constant, marker: .circle, markerSize: 4)
                    if first.failed, let last = mean.last {
                        ax.markers(x: [Double(n)], y: [last], marker: .cross, label: nil, color: color(i), size: 10)
                    }
                }
                fig.panels.append(ax)
            }
        }
        let seeds = r.config.scheduleSeeds
        return ReportFigure(
            name: "lr-schedules-accuracy-depth\(depth)", study: LRSchedulesStudy.id, figure: fig,
            alt: "Test accuracy against epoch for each schedule, \(network(depth)); left with BN, right without; "
                + "top row at each arm's best constant learning rate from its range test, bottom row at the high learning rate.",
            caption: "Test accuracy (\(r.config.testLimit.map { "first \(ReportFormat.count($0)) test images" } ?? "full test set")) "
                + "after every epoch, \(seeds == 1 ? "one seed" : "mean of \(seeds) seeds"). × marks a run that failed to train; "
                + "a diverged run's curve ends at the epoch it diverged in.")
    }

    // MARK: - Super-convergence

    /// One-cycle in a third of the epochs against the step schedule's full run, per network and arm, every seed.
    static func superConvergence(_ r: LRSchedulesStudy.Result) -> ReportFigure {
        var categories: [String] = [], cycle: [Double] = [], step: [Double] = []
        var points: [(x: Double, y: Double, oneCycle: Bool)] = []
        for (g, f) in r.findings.enumerated() {
            for (k, s) in [f.superWithBN, f.superWithoutBN].enumerated() {
                let i = Double(g * 2 + k)
                categories.append("\(f.depth == 2 ? "ConvNet" : "deep-\(f.depth)"), \(s.batchNorm ? "BN" : "no BN")")
                cycle.append(s.oneCycle.mean ?? 0)
                step.append(s.step.mean ?? 0)
                points += s.oneCycle.values.map { (i - 0.2, $0, true) } + s.step.values.map { (i + 0.2, $0, false) }
            }
        }
        let third = r.findings.first?.superWithBN.oneCycleEpochs ?? 1
        var ax = Axes(title: nil, xLabel: nil, yLabel: "test accuracy")
        ax.yLimits = 0...1
        ax.stopLabel = nil
        ax.bars(categories: categories, series: [("one-cycle, \(third) epoch\(third == 1 ? "" : "s")", cycle),
                                                 ("step, \(r.config.epochs) epochs", step)],
                colors: [Color.tab10[4], Color.tab10[7]])
        ax.markers(x: points.filter(\.oneCycle).map(\.x), y: points.filter(\.oneCycle).map(\.y), marker: .circle,
                   label: "each seed", color: .ink, size: 4)
        ax.markers(x: points.filter { !$0.oneCycle }.map(\.x), y: points.filter { !$0.oneCycle }.map(\.y), marker: .circle,
                   label: nil, color: .ink, size: 4)
        var fig = Figure(widthInches: 7.5, heightInches: 3.6, title: "Super-convergence: one-cycle in a third of the epochs")
        fig.panels = [ax]
        return ReportFigure(
            name: "lr-schedules-super-convergence", study: LRSchedulesStudy.id, figure: fig,
            alt: "Bars of mean test accuracy: one-cycle in a third of the epochs against the step schedule's full run, "
                + "per network and arm, with each seed's accuracy as a dot.",
            caption: "Mean test accuracy over \(r.config.superSeeds) seed\(r.config.superSeeds == 1 ? "" : "s") (bars) and each seed (dots). "
                + "One-cycle peaks where the arm's range-test loss was lowest; the step schedule runs at the best constant learning rate (a tenth of it).")
    }
}
