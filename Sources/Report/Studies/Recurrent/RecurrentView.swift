import Foundation
import Studies

/// The view `templates/recurrent.mustache` renders.
struct RecurrentView {
    var setup: String
    var verdictRule: String
    var figures: [FigureView]
    var rows: [Row]
    var reproduce: ReproduceView

    /// One network on one task.
    struct Row {
        var task: String
        var network: String
        var trained: String
        var firstEpoch: String
        var final: String
        var batchStatistics: String
        var gap: String
        var initialDecay: String
        var largestGoodLR: String
        var startsGroup: Bool
    }
}

extension RecurrentView {
    init(_ r: RecurrentStudy.Result, in section: ReportSection) {
        let c = r.config
        let images = c.trainLimit.map { min($0, section.run.dataset.trainImages) } ?? section.run.dataset.trainImages
        setup = "Networks: tanh RNNs with \(c.hiddenSize) hidden units reading each image as 28 steps of 28 pixels, a linear head on the "
            + "last hidden state: \(c.networks.map(RecurrentFigures.label).joined(separator: ", ")). All start from the same W_ih, W_hh and head "
            + "for a seed. SGD with momentum \(ReportFormat.number(Double(c.momentum))), batch \(c.batchSize), learning rate "
            + "\(ReportFormat.learningRate(Double(c.learningRate))), \(c.epochs) epoch\(c.epochs == 1 ? "" : "s") on \(ReportFormat.count(images)) "
            + "training images, \(c.seeds) seed\(c.seeds == 1 ? "" : "s"); accuracy on the first \(ReportFormat.count(min(c.testLimit, section.run.dataset.testImages))) "
            + "test images. Sweep: learning rates \(c.learningRates.map { ReportFormat.learningRate(Double($0)) }.joined(separator: ", ")), "
            + "\(c.sweepEpochs) epoch\(c.sweepEpochs == 1 ? "" : "s"), \(c.sweepSeeds) seed\(c.sweepSeeds == 1 ? "" : "s"), rows only. "
            + "Gradients through time at initialisation: BN per step with γ = \(c.gammas.map { ReportFormat.number(Double($0)) }.joined(separator: ", ")), "
            + "\(c.gradientSeeds) seeds, \(c.gradientBatches) batch\(c.gradientBatches == 1 ? "" : "es") each. \(r.runs.count + r.sweeps.count) training runs in all."
        verdictRule = "A comparison agrees with the paper when the difference it predicts exceeds twice the standard error of the difference "
            + "over seeds, differs when the opposite difference does, and is inconclusive otherwise (always with one seed). The learning-rate "
            + "verdict compares grid points: agrees when the normalised network's largest good learning rate is larger than the plain RNN's, "
            + "differs when it is not, inconclusive when both reach the top of the grid or neither trains well. The statistics of the first "
            + "steps serve the later ones when the accuracy lost, plus twice its standard error, stays within "
            + "\(Int((RecurrentStudy.statisticsTolerance * 100).rounded())) points."
        figures = ["recurrent-accuracy", "recurrent-lr-sweep", "recurrent-gradients", "recurrent-gammas", "recurrent-gap", "recurrent-statistics-steps"]
            .compactMap { section.figure($0) }
        reproduce = section.reproduce
        rows = c.tasks.flatMap { t in
            r.findings.networks.filter { $0.task == t }.enumerated().map { k, n in
                Row(task: k == 0 ? RecurrentFigures.task(t) : "", network: RecurrentFigures.label(n.network),
                    trained: "\(n.trained)/\(n.seeds)",
                    firstEpoch: RecurrentStudy.accuracy(n.firstEpochAccuracy), final: RecurrentStudy.accuracy(n.finalAccuracy),
                    batchStatistics: RecurrentStudy.accuracy(SeedSpread(r.runs.filter { $0.network == n.network && $0.task == t }
                        .map { Double($0.batchStatisticsAccuracy) })),
                    gap: RecurrentStudy.points(n.gap), initialDecay: RecurrentStudy.decades(n.initialDecay),
                    largestGoodLR: t == .rows ? n.largestGoodLearningRate.map { ReportFormat.learningRate(Double($0)) } ?? "none" : "",
                    startsGroup: k == 0)
            }
        }
    }
}
