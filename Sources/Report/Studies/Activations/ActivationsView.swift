import Foundation
import Studies

/// The view `templates/activations.mustache` renders.
struct ActivationsView {
    var setup: String
    var verdictRule: String
    var ioffeFigure: FigureView?
    var mlpDistributionFigure: FigureView?
    var convnetDistributionFigure: FigureView?
    var channelFigures: [FigureView]
    var deadFigure: FigureView?
    var mapFigures: [FigureView]
    /// Said when the result came from metrics.json (`bnlab render`): feature maps are not kept there.
    var mapsMissing: Bool
    var mlpRows: [MLPRow]
    var convRows: [ConvRow]
    var reproduce: ReproduceView

    struct MLPRow {
        var arm: String
        var trained: String
        var accuracy: String
        var accuracyAtTenth: String
        var medianDrift: String
        var spreadDrift: String
        var saturated: String
    }

    struct ConvRow {
        var layer: String
        var arm: String
        var dead: String
        var meanDrift: String
        var stdDrift: String
        var preMedianDrift: String
    }
}

extension ActivationsView {
    init(_ r: ActivationsStudy.Result, in section: ReportSection) {
        let c = r.config
        let f = r.findings
        let fmt = ActivationsReportFormat.self
        let mlpSteps = ActivationsStudy.stepCount(images: min(c.mlpTrainLimit, section.run.dataset.trainImages), batchSize: c.mlpBatchSize,
                                                  epochs: c.mlpEpochs)
        let convSteps = ActivationsStudy.stepCount(images: min(c.convnetTrainLimit, section.run.dataset.trainImages),
                                                   batchSize: c.convnetBatchSize, epochs: c.convnetEpochs)
        setup = "Sigmoid MLP (Ioffe & Szegedy's 784-100-100-100-10, BatchNorm1d before each sigmoid in the BN arm, both from the same "
            + "N(0, \(ReportFormat.number(Double(c.mlpWeightStd)))²) weights): SGD at learning rate \(ReportFormat.number(Double(c.mlpLearningRate))), "
            + "momentum \(ReportFormat.number(Double(c.mlpMomentum))), batch \(c.mlpBatchSize), \(ReportFormat.count(mlpSteps)) steps, "
            + "\(c.seeds) seed\(c.seeds == 1 ? "" : "s") per arm, captured every \(c.mlpCaptureEvery) steps on \(ReportFormat.count(c.probeImages)) test images "
            + "(the paper trained 50,000 steps on MNIST). ConvNet (the seed's, with and without BN): SGD at learning rate "
            + "\(ReportFormat.number(Double(c.convnetLearningRate))), momentum \(ReportFormat.number(Double(c.convnetMomentum))), batch \(c.convnetBatchSize), "
            + "\(ReportFormat.count(convSteps)) steps, \(c.convnetSeeds) seed\(c.convnetSeeds == 1 ? "" : "s") per arm, captured every "
            + "\(c.convnetCaptureEvery) steps on the training batch. \(r.mlpRuns.count + r.convnetRuns.count) training runs in all."
        verdictRule = "Drift: for each unit of the last hidden layer, early = the mean of its percentiles over the captures at 10–20% of training, "
            + "late = over the last 10%; median drift = |median late − median early| ÷ (85th − 15th percentile, early), spread drift = "
            + "|spread late − spread early| ÷ spread early, averaged over the 100 units, one number per seed. A finding agrees with Ioffe & Szegedy "
            + "when the drift without BN exceeds the drift with BN by more than twice the standard error of the difference over seeds, differs "
            + "when it falls short by as much, and is inconclusive otherwise (also with fewer than two trained seeds per arm). Accuracy and speed: the same "
            + "rule on the final test accuracy and on the probe accuracy at a tenth of training, with BN against without."
        ioffeFigure = section.figure("\(ActivationsStudy.id)-ioffe")
        mlpDistributionFigure = section.figure("\(ActivationsStudy.id)-distributions-mlp")
        convnetDistributionFigure = section.figure("\(ActivationsStudy.id)-distributions-convnet")
        channelFigures = ["mean", "std"].compactMap { section.figure("\(ActivationsStudy.id)-channel-\($0)") }
        deadFigure = section.figure("\(ActivationsStudy.id)-dead-saturated")
        mapFigures = ActivationsFigures.mapFigureNames(r).compactMap { section.figure($0) }
        mapsMissing = mapFigures.isEmpty && !r.convnetRuns.isEmpty
        mlpRows = [f.mlpWithoutBN, f.mlpWithBN].map { a in
            MLPRow(arm: ArmStyle.label(batchNorm: a.batchNorm), trained: "\(a.trained)/\(a.runs)", accuracy: fmt.accuracy(a.testAccuracy),
                   accuracyAtTenth: fmt.accuracy(a.accuracyAtTenth), medianDrift: fmt.spread(a.medianDrift), spreadDrift: fmt.spread(a.spreadDrift),
                   saturated: a.saturated.map(fmt.percent).joined(separator: " / "))
        }
        convRows = f.convnet.map { l in
            ConvRow(layer: l.layer, arm: ArmStyle.label(batchNorm: l.batchNorm), dead: fmt.percent(l.deadFraction),
                    meanDrift: fmt.spread(l.bnInputMeanDrift), stdDrift: fmt.spread(l.bnInputStdDrift), preMedianDrift: fmt.spread(l.preActivationMedianDrift))
        }
        reproduce = section.reproduce
    }
}
