import Foundation
import Studies

extension ActivationsStudy: ReportableStudy {
    public func figures(of result: Result, in run: RunResults) -> [ReportFigure] {
        ActivationsFigures.all(result, classNames: ActivationsFigures.classNames(of: run))
    }

    /// Ioffe & Szegedy's drift and accuracy with their verdicts; the ConvNet's dead units and BN-input drift.
    public func findings(of r: Result, in run: RunResults) -> [FindingSentence] {
        let f = r.findings
        let s = ActivationsReportFormat.spread
        let (plain, bn) = (f.mlpWithoutBN, f.mlpWithBN)
        var out: [FindingSentence] = []
        if plain.runs + bn.runs > 0 {
            let seeds = r.config.seeds == 1 ? "one seed" : "mean ± std over \(r.config.seeds) seeds"
            var text = "After the first tenth of training, the median of a last-hidden-layer sigmoid's input moves by \(s(plain.medianDrift)) "
                + "of its 15–85 spread without BN and by \(s(bn.medianDrift)) with BN; the spread itself changes by \(s(plain.spreadDrift)) "
                + "and \(s(bn.spreadDrift)). Ioffe & Szegedy found the distribution drifting without BN and steady with it: "
                + "\(f.medianDriftVerdict.rawValue) (median), \(f.spreadDriftVerdict.rawValue) (spread). Test accuracy "
                + "\(ActivationsReportFormat.accuracy(bn.testAccuracy)) with BN, \(ActivationsReportFormat.accuracy(plain.testAccuracy)) without "
                + "(the paper: higher with BN: \(f.accuracyVerdict.rawValue)); at a tenth of training \(ActivationsReportFormat.accuracy(bn.accuracyAtTenth)) "
                + "with BN and \(ActivationsReportFormat.accuracy(plain.accuracyAtTenth)) without (the paper: BN trains faster: \(f.speedVerdict.rawValue))"
            let failed = [("without", plain), ("with", bn)].filter { $0.1.trained < $0.1.runs }
                .map { "\($0.0) BN \($0.1.runs - $0.1.trained) of \($0.1.runs) runs failed to train" }
            text += failed.isEmpty ? "." : " (\(failed.joined(separator: ", ")))."
            out.append(FindingSentence(lead: "Activations, Ioffe & Szegedy's Figure 1", text: text + " (\(seeds).)"))
        }
        if !f.convnet.isEmpty {
            let parts = f.convnet.map { c in
                "\(c.layer) \(ArmStyle.label(batchNorm: c.batchNorm)): \(ActivationsReportFormat.percent(c.deadFraction)) dead ReLUs at the end, "
                    + "BN-input channel means drift by \(s(c.bnInputMeanDrift)) (in 2σ)"
            }
            out.append(FindingSentence(lead: "Activations, ConvNet", text: parts.joined(separator: "; ") + ". Measured, not judged: the paper makes no claim about them."))
        }
        return out
    }

    public func view(of result: Result, in section: ReportSection) -> Any { ActivationsView(result, in: section) }

    /// The sigmoid MLP's median drift and test accuracy, with and without BN (Ioffe & Szegedy's
    /// Figure 1 in four numbers).
    public func headlineMetrics(of result: Result) -> [String] {
        let ids = metrics(of: result).map(\.id)
        return ids.filter { $0.hasSuffix(".median_drift") } + ids.filter { $0.hasSuffix(".test_accuracy") }
    }
}

/// Numbers of the activation study as the page writes them.
enum ActivationsReportFormat {
    static func spread(_ s: SeedSpread) -> String { GradientsReportFormat.spread(s) }

    static func accuracy(_ s: SeedSpread) -> String {
        guard let m = s.mean else { return "–" }
        return s.std.map { String(format: "%.1f ± %.1f%%", m * 100, $0 * 100) } ?? String(format: "%.1f%%", m * 100)
    }

    static func percent(_ s: SeedSpread) -> String {
        guard let m = s.mean else { return "–" }
        return s.std.map { String(format: "%.1f ± %.1f%%", m * 100, $0 * 100) } ?? String(format: "%.1f%%", m * 100)
    }
}
