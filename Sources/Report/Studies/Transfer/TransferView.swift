import Foundation
import Studies

/// The view `templates/transfer.mustache` renders.
struct TransferView {
    var setup: String
    var verdictRule: String
    var accuracyFigure: FigureView?
    var shiftFigure: FigureView?
    var strategyHeaders: [Cell]
    var rows: [Row]
    var checks: [CheckRow]
    var baselines: [BaselineRow]
    var layers: [LayerRow]
    var loadReport: String
    var reproduce: ReproduceView

    struct Cell { var text: String }

    struct Row {
        var target: String
        var size: String
        var cells: [Cell]
        var winner: String
    }

    struct CheckRow {
        var source: String
        var claim: String
        var target: String
        var size: String
        var difference: String
        var verdict: String
    }

    struct BaselineRow {
        var target: String
        var source: String
        var unadapted: String
        var adaBN: String
        var gain: String
        var verdict: String
    }

    struct LayerRow {
        var target: String
        var layer: String
        var meanShift: String
        var scaleChange: String
    }
}

extension TransferView {
    init(_ r: TransferStudy.Result, in section: ReportSection) {
        let c = r.config
        let f = r.findings
        let sizes = c.sizes.sorted().map { ReportFormat.count($0) } + (c.allImages ? ["all"] : [])
        setup = "Network: the seed's ConvNetWithBN with a 5-way head, pretrained on the first \(ReportFormat.count(c.sourceImages)) training "
            + "images of classes 0–4 (\(c.sourceEpochs) epoch\(c.sourceEpochs == 1 ? "" : "s"), SGD learning rate "
            + "\(ReportFormat.learningRate(Double(c.sourceLearningRate))), momentum \(ReportFormat.number(Double(c.momentum))), batch "
            + "\(TransferStudy.sourceBatchSize)), written to a safetensors checkpoint and loaded back with load_state_dict (strict). "
            + "Targets: " + c.targets.map(\.label).joined(separator: ", ") + "; shifted targets draw their training images from the "
            + "class 0–4 images the pretraining did not see. Each run replaces the head with a new nn.Linear (the same for every strategy of a seed) "
            + "and fine-tunes on \(sizes.joined(separator: ", ")) target images drawn at random per seed, with SGD learning rate "
            + "\(ReportFormat.learningRate(Double(c.learningRate))), momentum \(ReportFormat.number(Double(c.momentum))), batch \(c.batchSize), "
            + "for at least \(c.epochs) epoch\(c.epochs == 1 ? "" : "s") and \(c.minSteps) steps; accuracy on up to "
            + "\(ReportFormat.count(c.testLimit)) test images of the target. \(c.seeds) seed\(c.seeds == 1 ? "" : "s"), \(r.runs.count) fine-tuning runs."
        verdictRule = "Each claim is checked as a per-seed difference of target accuracy (same pretraining, head, images and batches on both sides): "
            + "it agrees when the mean difference exceeds twice its standard error, differs when it is below minus twice its standard error, and "
            + "is inconclusive otherwise (always with one seed). A winner is clear by the same rule against the runner-up."
        accuracyFigure = section.figure("transfer-accuracy")
        shiftFigure = section.figure("transfer-bn-shift")
        strategyHeaders = c.strategies.map { Cell(text: $0.label) }
        var rows: [Row] = []
        for target in c.targets {
            for w in f.winners where w.target == target {
                let cells = c.strategies.map { s in
                    Cell(text: f.cells.first { $0.target == target && $0.size == w.size && $0.strategy == s }.map { cell in
                        NormReport.accuracy(cell.accuracy) + (cell.failed > 0 ? " (\(cell.failed) failed)" : "")
                    } ?? "–")
                }
                rows.append(Row(target: target.label, size: TransferFigures.sizeLabel(w.size, images: w.images), cells: cells,
                                winner: w.strategy.label + (w.runnerUp == nil ? "" : w.clear ? " (clear)" : " (within spread)")))
            }
        }
        self.rows = rows
        checks = f.checks.map { k in
            let (who, what) = TransferStudy.claimText(k.claim)
            return CheckRow(source: who, claim: what, target: k.target.label, size: TransferFigures.sizeLabel(k.size, images: k.images),
                            difference: NormReport.points(k.difference), verdict: k.verdict.rawValue)
        }
        baselines = f.baselines.map { b in
            BaselineRow(target: b.target.label, source: NormReport.accuracy(b.sourceAccuracy),
                        unadapted: b.unadapted.map(NormReport.accuracy) ?? "n/a (other classes)",
                        adaBN: b.adaBNOnly.map(NormReport.accuracy) ?? "n/a (other classes)",
                        gain: b.adaBNGain.map(NormReport.points) ?? "n/a", verdict: b.unadapted == nil ? "n/a" : b.adaBNVerdict.rawValue)
        }
        layers = f.layerShifts.map { l in
            LayerRow(target: l.target.label, layer: l.layer, meanShift: NormReport.number(l.meanShift), scaleChange: NormReport.number(l.scaleChange))
        }
        let reports = Set(r.statistics.map(\.loadReport))
        loadReport = reports == [""] || reports.isEmpty ? "every key matched" : reports.sorted().joined(separator: " / ")
        reproduce = section.reproduce
    }
}
