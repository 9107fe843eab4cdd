import Foundation
import Studies
import Training

/// The view `templates/lr-schedules.mustache` renders.
struct LRSchedulesView {
    var setup: String
    var validationNote: String
    var failureCriterion: String
    var rangeFigure: FigureView?
    var rangeRows: [RangeRow]
    var learningRateFigure: FigureView?
    var accuracyFigures: [FigureView]
    var tables: [ScheduleTable]
    var superFigure: FigureView?
    var superRows: [SuperRow]
    var superRule: String
    var reproduce: ReproduceView

    struct RangeRow {
        var network: String
        var arm: String
        var suggested: String
        var minimum: String
        var best: String
        var divergence: String
        var ratio: String
        var verdict: String
        var startsGroup: Bool
    }

    struct ScheduleTable {
        var network: String
        var target: String
        var rows: [ScheduleRow]
    }

    struct ScheduleRow {
        var arm: String
        var rate: String
        var schedule: String
        var accuracy: String
        var epochsToTarget: String
        var status: CellView
        var startsGroup: Bool
    }

    struct SuperRow {
        var network: String
        var arm: String
        var peak: String
        var oneCycle: String
        var step: String
        var noise: String
        var outcome: CellView
        var verdict: String
        var startsGroup: Bool
    }
}

extension LRSchedulesView {
    /// The geometric mean of the values present.
    static func geometricMean(_ values: [Double?]) -> Double? {
        let v = values.compactMap { $0 }.filter { $0 > 0 }
        return v.isEmpty ? nil : exp(v.map(log).reduce(0, +) / Double(v.count))
    }

    init(_ r: LRSchedulesStudy.Result, in section: ReportSection) {
        let c = r.config
        let results = section.run
        let trainImages = min(c.trainLimit ?? results.dataset.trainImages, results.dataset.trainImages - c.validationImages)
        let testImages = min(c.testLimit ?? results.dataset.testImages, results.dataset.testImages)
        setup = "Networks: \(c.depths.map(LRSchedulesFigures.network).joined(separator: "; ")), each with and without BN. "
            + "SGD with momentum \(ReportFormat.number(Double(c.momentum))), batch \(c.batchSize), \(ReportFormat.count(trainImages)) training images, "
            + "\(c.epochs) epochs per schedule; test accuracy on \(ReportFormat.count(testImages)) test images after every epoch. "
            + "Schedules: \(c.specs.map { LRSchedulesFigures.label($0) + " (\($0))" }.joined(separator: ", ")). "
            + "Range test from \(ReportFormat.learningRate(c.rangeStart)) to \(ReportFormat.learningRate(c.rangeEnd)) over \(c.rangeSteps) batches, "
            + "\(c.rangeSeeds) seed\(c.rangeSeeds == 1 ? "" : "s") per arm. Each arm's best constant learning rate is a tenth of where "
            + "its range-test loss was lowest (geometric mean over the seeds) (fastai's lr_min rule; the steepest-descent suggestion is listed too); the high "
            + "rate, \(ReportFormat.learningRate(Double(c.highLearningRate))), is one the learning-rate sweep finds only BN tolerates. \(r.runs.count + r.rangeTests.count) runs in all."
        validationNote = "ReduceLROnPlateau decides on the loss of a validation split: the last \(ReportFormat.count(c.validationImages)) images "
            + "of the training file, held out from training (every schedule trains without them) and never the test set. "
            + "Per-batch schedules step after every optimizer step, the others after every epoch, as in PyTorch's examples."
        failureCriterion = FailureCriterion.statement
        rangeFigure = section.figure("lr-schedules-range-test")
        learningRateFigure = section.figure("lr-schedules-learning-rate")
        accuracyFigures = c.depths.compactMap { section.figure("lr-schedules-accuracy-depth\($0)") }
        superFigure = section.figure("lr-schedules-super-convergence")
        reproduce = section.reproduce
        let lr = LRSchedulesStudy.lr

        rangeRows = []
        tables = []
        superRows = []
        for f in r.findings {
            let network = LRSchedulesFigures.network(f.depth)
            for (k, a) in [f.rangeWithBN, f.rangeWithoutBN].enumerated() {
                rangeRows.append(RangeRow(
                    network: k == 0 ? network : "", arm: ArmStyle.label(batchNorm: a.batchNorm),
                    suggested: a.suggested.map(lr).joined(separator: ", "), minimum: a.minimum.map(lr).joined(separator: ", "),
                    best: Self.geometricMean(a.minimum).map { lr($0 / 10) } ?? "–",
                    divergence: a.divergence.map { $0.map(ReportFormat.learningRate) ?? "none" }.joined(separator: ", "),
                    ratio: k == 0 ? f.divergenceRatio.map { (f.ratioIsLowerBound ? "≥ " : "") + ReportFormat.ratio($0) } ?? "–" : "",
                    verdict: k == 0 ? LRSchedulesStudy.verdictText(f.divergenceVerdict) : "", startsGroup: k == 0))
            }
            var rows: [ScheduleRow] = []
            var previous: (Bool, LRSchedulesStudy.Rate)?
            for row in f.rows {
                let starts = previous.map { $0.0 != row.batchNorm || $0.1 != row.rate } ?? true
                previous = (row.batchNorm, row.rate)
                let epochs = row.epochsToTarget.map { $0.map(String.init) ?? "not reached" }.joined(separator: ", ")
                let status = row.failed == 0 ? CellView(text: "trained", flagged: false)
                    : CellView(text: row.seeds == 1 ? "failed" : "\(row.failed)/\(row.seeds) failed", flagged: true)
                rows.append(ScheduleRow(
                    arm: starts ? ArmStyle.label(batchNorm: row.batchNorm) : "",
                    rate: starts ? "\(row.rate == .high ? "high" : "best") \(ReportFormat.learningRate(Double(row.learningRate)))" : "",
                    schedule: LRSchedulesFigures.label(row.schedule),
                    accuracy: row.accuracy.mean.map { ReportFormat.accuracy($0, std: row.accuracy.std) } ?? "–",
                    epochsToTarget: epochs, status: status, startsGroup: starts))
            }
            tables.append(ScheduleTable(network: network, target: ReportFormat.accuracy(Double(c.targetAccuracy)), rows: rows))
            for (k, s) in [f.superWithBN, f.superWithoutBN].enumerated() {
                let outcome = s.matches.map { CellView(text: $0 ? "matches" : "falls short", flagged: !$0) }
                    ?? CellView(text: s.noise == nil ? "fewer than two seeds" : "seeds too far apart", flagged: false)
                superRows.append(SuperRow(
                    network: k == 0 ? network : "", arm: ArmStyle.label(batchNorm: s.batchNorm),
                    peak: s.peakLearningRate.map { ReportFormat.learningRate(Double($0)) } ?? "–",
                    oneCycle: s.oneCycle.mean.map { ReportFormat.accuracy($0, std: s.oneCycle.std) } ?? "–",
                    step: s.step.mean.map { ReportFormat.accuracy($0, std: s.step.std) } ?? "–",
                    noise: s.noise.map { String(format: "%.1f points", $0 * 100) } ?? "–",
                    outcome: outcome,
                    verdict: s.batchNorm ? LRSchedulesStudy.verdictText(f.superVerdict) : "no claim",
                    startsGroup: k == 0))
            }
        }
        let third = r.findings.first?.superWithBN.oneCycleEpochs ?? max(1, c.epochs / 3)
        superRule = "One-cycle runs \(third) epoch\(third == 1 ? "" : "s") (a third of \(c.epochs)), peaking at the learning rate where the arm's "
            + "range-test loss was lowest; the step schedule runs all \(c.epochs) at the arm's best constant learning rate (a tenth of that); \(c.superSeeds) seeds each. "
            + "One-cycle matches when its mean accuracy is at most twice the standard error of the difference below the step schedule's. "
            + "The verdict against Smith & Topin (2017) is read from the BN arm: agrees when it matches, differs when it falls short, "
            + "inconclusive with fewer than two seeds or an allowance above \(Int(LRSchedulesStudy.maxNoise * 100)) points."
    }
}
