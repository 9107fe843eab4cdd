import Charts
import Foundation
import Studies

extension DropoutStudy: ReportableStudy {
    public func figures(of r: Result, in run: RunResults) -> [ReportFigure] { [shiftFigure(r), accuracyFigure(r)] }

    static func color(_ a: Arrangement) -> Color {
        switch a {
        case .none: Color.tab10[7]
        case .beforeNorm: Color.tab10[3]
        case .afterNorm: Color.tab10[0]
        }
    }

    /// Measured eval ÷ train variance at every BatchNorm, per arrangement, and Li et al.'s prediction.
    func shiftFigure(_ r: Result) -> ReportFigure {
        var fig = Figure(widthInches: 6.8, heightInches: 3.8, title: "Variance shift at each BatchNorm")
        var ax = Axes(xLabel: "BatchNorm layer (input → output)", yLabel: "Var(eval) / Var(train) of BN's input")
        ax.legend = .outside
        for (i, a) in r.findings.arms.enumerated() {
            let x = a.measuredShift.indices.map { Double($0 + 1) }
            ax.line(x: x, y: a.measuredShift.map { $0.mean ?? .nan }, label: a.arrangement.label, color: Self.color(a.arrangement),
                    width: 1.8, marker: NormReport.markers[i % 6], markerSize: 4.5,
                    errors: r.config.seeds > 1 ? a.measuredShift.map { $0.std ?? 0 } : nil)
            if a.arrangement == .beforeNorm {
                ax.line(x: x, y: a.predictedShift.map { $0.mean ?? .nan }, label: "Li et al.'s formula, dropout before BN",
                        color: Self.color(.beforeNorm), width: 1.2, dashed: true)
            }
        }
        let n = r.findings.arms.map(\.measuredShift.count).max() ?? 1
        ax.line(x: [0.8, Double(n) + 0.2], y: [1, 1], label: "no shift", color: .gray, width: 0.8, dashed: true)
        fig.panels = [ax]
        return ReportFigure(
            name: "dropout-variance-shift", study: Self.id, figure: fig,
            alt: "Line chart of the ratio of each BatchNorm input's variance in evaluation mode to training mode, per layer, for no dropout, dropout before BN and dropout after BN, with the ratio Li et al.'s formula predicts.",
            caption: "At each BatchNorm of the trained network: the variance of its input (the convolution's output) with dropout off and running "
                + "statistics (evaluation mode) divided by that with dropout on and batch statistics (training mode), per channel over "
                + "\(ReportFormat.count(r.config.varianceImages)) training images, averaged over channels. Below 1, BN's running variance "
                + "(accumulated in training) overestimates what it sees at test time. Dashed red: Li et al.'s v / ((c² + v)/(1 − p) − c²) from the "
                + "mean c and variance v of the dropout's input, which ignores the convolution between dropout and BN. "
                + (r.config.seeds > 1 ? "Error bars: ± one standard deviation over seeds." : ""))
    }

    /// Test accuracy, eval-mode training accuracy and recalibrated accuracy per arrangement, with seed spread.
    func accuracyFigure(_ r: Result) -> ReportFigure {
        var fig = Figure(widthInches: 8, heightInches: 3.4, title: "Accuracy with dropout before and after BN")
        var ax = Axes(yLabel: "accuracy")
        ax.legend = .outside
        let arms = r.findings.arms
        NormReport.bars(&ax, categories: arms.map(\.arrangement.label), series: [
            (label: "training images (eval mode)", color: Color.tab10[7], values: arms.map(\.trainAccuracy)),
            (label: "test", color: Color.tab10[0], values: arms.map(\.testAccuracy)),
            (label: "test, BN recalibrated, dropout off", color: Color.tab10[2], values: arms.map(\.recalibratedAccuracy)),
        ])
        fig.panels = [ax]
        return ReportFigure(
            name: "dropout-accuracy", study: Self.id, figure: fig,
            alt: "Grouped bar chart of accuracy on training images and test images, and test accuracy after recalibrating BatchNorm with dropout off, for no dropout, dropout before BN and dropout after BN.",
            caption: "Accuracy in evaluation mode on the first \(ReportFormat.count(r.config.testLimit)) training images and on \(ReportFormat.count(r.config.testLimit)) "
                + "test images (their difference is the generalisation gap), and test accuracy after recalibrating every BatchNorm's running "
                + "statistics over the training set with dropout off. Bars: mean over seeds (the axis does not start at 0); black: ± one standard deviation; white dots: the seeds.")
    }

    public func findings(of r: Result, in run: RunResults) -> [FindingSentence] {
        let f = r.findings
        func arm(_ a: Arrangement) -> DropoutFindings.Arm? { f.arms.first { $0.arrangement == a } }
        let seeds = r.config.seeds == 1 ? "one seed" : "mean ± std over \(r.config.seeds) seeds"
        var text = "With dropout (p = \(ReportFormat.number(Double(r.config.p)))) before BN, the variance of BN's input in evaluation mode is "
            + "\(NormReport.number(f.shiftBefore)) × that in training mode at the layers a dropout feeds (Li et al. found it smaller at test time: "
            + "\(f.shiftVerdict.rawValue); their formula predicts \(NormReport.number(f.predictedBefore)): \(f.formulaVerdict.rawValue)); "
            + "with dropout after BN the same layers give \(NormReport.number(f.shiftAfter)). "
        if let b = arm(.beforeNorm), let a = arm(.afterNorm), let n = arm(.none) {
            text += "Test accuracy: \(NormReport.accuracy(b.testAccuracy)) before BN, \(NormReport.accuracy(a.testAccuracy)) after, "
                + "\(NormReport.accuracy(n.testAccuracy)) without dropout (Li et al.: after BN does better: \(f.placementVerdict.rawValue), "
                + "\(NormReport.points(f.afterMinusBefore))). Recalibrating BN with dropout off changes the before-BN network's accuracy by "
                + "\(NormReport.points(b.recovered)) (Li et al. found it helps: \(f.recalibrationVerdict.rawValue)). "
                + "Generalisation gap (training − test accuracy): \(NormReport.points(n.gap)) without dropout, \(NormReport.points(a.gap)) with "
                + "dropout after BN, \(NormReport.points(b.gap)) before; dropout after BN adds \(NormReport.points(f.dropoutGain)) of test accuracy "
                + "(Ioffe & Szegedy found that with BN dropout can be removed: \(f.dropoutGainVerdict.rawValue))."
        }
        return [FindingSentence(lead: "Dropout and BN", text: text + " (\(seeds).)")]
    }

    public func view(of r: Result, in section: ReportSection) -> Any { DropoutView(r, in: section) }
}

/// The view `templates/dropout.mustache` renders.
struct DropoutView {
    struct Row {
        var arrangement: String
        var trained: String
        var train: String
        var test: String
        var gap: String
        var recalibrated: String
        var recovered: String
    }
    struct ShiftRow { var layer: String; var cells: [Cell] }
    struct Cell { var text: String }

    var setup: String
    var verdictRule: String
    var shiftFigure: FigureView?
    var accuracyFigure: FigureView?
    var rows: [Row]
    var shiftHeaders: [Cell]
    var shiftRows: [ShiftRow]
    var verdicts: [Cell]
    var reproduce: ReproduceView

    init(_ r: DropoutStudy.Result, in section: ReportSection) {
        let c = r.config
        let f = r.findings
        setup = "Network: the plain deep CNN at depth \(c.depth) with BatchNorm after every convolution, in three arrangements from the same initial "
            + "weights: no dropout; dropout before every convolution but the first, so each feeds a convolution and the BatchNorm after it "
            + "(before BN); one dropout before the classifier, after every BatchNorm (after BN). p = \(ReportFormat.number(Double(c.p))). "
            + "SGD with momentum \(ReportFormat.number(Double(c.momentum))), learning rate \(ReportFormat.learningRate(Double(c.learningRate))), batch \(c.batchSize), "
            + "\(ReportFormat.count(min(c.trainLimit, section.run.dataset.trainImages))) training images, \(c.epochs) epoch\(c.epochs == 1 ? "" : "s"), "
            + "\(c.seeds) seed\(c.seeds == 1 ? "" : "s"); test accuracy on \(ReportFormat.count(min(c.testLimit, section.run.dataset.testImages))) images. "
            + "\(r.runs.count) training runs in all."
        verdictRule = "Each comparison is per seed. Variance shift: agrees with Li et al. when 1 − ratio exceeds twice its standard error, differs "
            + "when it is below minus twice. Formula: agrees when |measured − predicted| + 2 standard errors ≤ \(ReportFormat.number(DropoutFindings.formulaTolerance)), "
            + "differs when |measured − predicted| − 2 standard errors > \(ReportFormat.number(DropoutFindings.formulaTolerance)). Placement and recalibration: "
            + "agree when the accuracy difference Li et al. predict exceeds twice its standard error, differ when the opposite one does. Dropout with "
            + "BN: agrees with Ioffe & Szegedy when dropout after BN adds less than 1 point beyond twice the standard error, differs when it adds more "
            + "than 1 point beyond it. Otherwise, and always with one seed, inconclusive."
        shiftFigure = section.figure("dropout-variance-shift")
        accuracyFigure = section.figure("dropout-accuracy")
        rows = f.arms.map { a in
            Row(arrangement: a.arrangement.label, trained: "\(a.trained)/\(c.seeds)", train: NormReport.accuracy(a.trainAccuracy),
                test: NormReport.accuracy(a.testAccuracy), gap: NormReport.points(a.gap),
                recalibrated: NormReport.accuracy(a.recalibratedAccuracy), recovered: NormReport.points(a.recovered))
        }
        shiftHeaders = f.arms.map { Cell(text: $0.arrangement.label) } + [Cell(text: "Li et al.'s formula, before BN")]
        let layers = f.arms.map(\.measuredShift.count).max() ?? 0
        let before = f.arms.first { $0.arrangement == .beforeNorm }
        shiftRows = (0..<layers).map { l in
            ShiftRow(layer: "BN \(l + 1)" + (l < (before?.layers.count ?? 0) ? " (layer \(before!.layers[l]))" : ""),
                     cells: f.arms.map { a in Cell(text: l < a.measuredShift.count ? NormReport.number(a.measuredShift[l]) : "–") }
                        + [Cell(text: before.map { l < $0.predictedShift.count ? NormReport.number($0.predictedShift[l]) : "–" } ?? "–")])
        }
        verdicts = [
            Cell(text: "Variance smaller in evaluation with dropout before BN (Li et al.): \(f.shiftVerdict.rawValue)."),
            Cell(text: "Li et al.'s formula matches the measured ratio: \(f.formulaVerdict.rawValue)."),
            Cell(text: "Dropout after BN beats dropout before BN (Li et al.): \(f.placementVerdict.rawValue)."),
            Cell(text: "Recalibrating BN with dropout off helps dropout before BN (Li et al.): \(f.recalibrationVerdict.rawValue)."),
            Cell(text: "With BN, dropout adds less than 1 point (Ioffe & Szegedy): \(f.dropoutGainVerdict.rawValue)."),
        ]
        reproduce = section.reproduce
    }
}
