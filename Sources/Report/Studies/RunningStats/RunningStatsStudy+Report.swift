import Foundation
import Studies

extension RunningStatsStudy: ReportableStudy {
    public func figures(of result: Result, in run: RunResults) -> [ReportFigure] { RunningStatsFigures.all(result) }

    public func findings(of r: Result, in run: RunResults) -> [FindingSentence] {
        let f = r.findings
        var out: [FindingSentence] = []
        let seeds = r.config.seeds == 1 ? "one seed" : "mean ± std over \(r.config.seeds) seeds"
        var text = ""
        for a in f.arms where a.arm.momentum != nil {
            let err = a.finalVarianceError.enumerated().map { l, s in "\(l < f.layers.count ? f.layers[l] : "layer \(l + 1)") \(NormReport.number(s))" }.joined(separator: ", ")
            text += "With \(a.arm.label), eval-mode test accuracy is \(NormReport.accuracy(a.evalAccuracy)); recalibrating the running statistics "
                + "changes it by \(NormReport.points(a.recovered)) (\(a.recalibrationVerdict.rawValue)); the running variance ends "
                + "\(err) (relative error) from the population's. "
        }
        text += "Ioffe & Szegedy normalise at inference with population statistics, which the running averages estimate: a finding agrees "
            + "when recalibrating to the population statistics moves accuracy by less than 1 point."
        out.append(FindingSentence(lead: "Running statistics", text: text + " (\(seeds).)"))

        var gap = f.arms.map { a in
            "\(a.arm.label): eval \(NormReport.accuracy(a.evalAccuracy)), train mode \(NormReport.accuracy(a.trainModeAccuracy))"
        }.joined(separator: "; ")
        gap = "Test accuracy in evaluation mode against training mode (each test batch of \(r.config.batchSize) normalised by its own statistics) — " + gap + "."
        out.append(FindingSentence(lead: "Train versus eval", text: gap))

        var single = "In evaluation mode a test image alone gives the logits it has inside a batch of 1,000 to within "
            + (f.singleImageEvalMaxDifference.map { String(format: "%.1e", $0) } ?? "–")
            + " (tolerance 1e-5: \(f.singleImageVerdict.rawValue) with Ioffe & Szegedy, for whom inference is a fixed affine map per channel); "
            + "in training mode the same image alone differs by up to " + (f.singleImageTrainMaxDifference.map { ReportFormat.number($0) } ?? "–")
            + ", and a BatchNorm1d given one sample in training mode raises \"\(f.batchNorm1dError)\"."
        if let e = f.evalAloneAccuracy, let t = f.trainAloneAccuracy {
            single += " Images classified one at a time: \(ReportFormat.accuracy(e)) in eval mode, \(ReportFormat.accuracy(t)) in train mode."
        }
        out.append(FindingSentence(lead: "A single image", text: single))
        return out
    }

    public func view(of result: Result, in section: ReportSection) -> Any { RunningStatsView(result, in: section) }
}
