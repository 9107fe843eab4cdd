import Foundation
import Studies

extension RecurrentStudy: ReportableStudy {
    public func figures(of result: Result, in run: RunResults) -> [ReportFigure] { RecurrentFigures.all(result) }

    /// Convergence against Cooijmans et al. and Ba et al., the shared BN's train/eval gap, gradients
    /// through time by γ, the learning rates, and the reach of the per-step statistics.
    public func findings(of r: Result, in run: RunResults) -> [FindingSentence] {
        let f = r.findings, c = r.config
        let seeds = c.seeds == 1 ? "one seed" : "mean ± std over \(c.seeds) seeds"
        var out: [FindingSentence] = []
        for (i, t) in c.tasks.enumerated() {
            let nets = f.networks.filter { $0.task == t }
            var text = "Test accuracy after \(c.epochs) epoch\(c.epochs == 1 ? "" : "s"): "
                + nets.map { "\(RecurrentFigures.label($0.network)) \(Self.accuracy($0.finalAccuracy))" }.joined(separator: ", ") + "."
            if let claim = f.recurrentBNClaims[i] {
                text += " After one epoch BN per step reaches \(Self.accuracy(claim.measured)) against the plain RNN's "
                    + "\(Self.accuracy(claim.reference)) (Cooijmans et al.: recurrent BN converges faster): \(claim.verdict.rawValue)."
            }
            if let claim = f.layerNormClaims[i] {
                text += " LayerNorm reaches \(Self.accuracy(claim.measured)) (Ba et al.: faster convergence than the plain RNN): \(claim.verdict.rawValue)."
            }
            let failed = nets.filter { $0.trained < $0.seeds }.map { "\(RecurrentFigures.label($0.network)) (\($0.seeds - $0.trained) of \($0.seeds))" }
            if !failed.isEmpty { text += " Runs that failed to train: \(failed.joined(separator: ", "))." }
            out.append(FindingSentence(lead: "Recurrent, \(RecurrentFigures.task(t))", text: text + " (\(seeds).)"))
        }
        for (i, t) in c.tasks.enumerated() {
            guard let claim = f.gapClaims[i] else { continue }
            out.append(FindingSentence(lead: "Shared BN statistics, \(RecurrentFigures.task(t))", text:
                "The deck's BatchNormRNN scores \(Self.points(claim.measured)) points more with batch statistics than with its running "
                + "statistics (which average every step's); BN with statistics per step, \(Self.points(claim.reference)). "
                + "Cooijmans et al. keep statistics per time step because they differ between steps, so a shared average should cost "
                + "accuracy at evaluation: \(claim.verdict.rawValue)."))
        }
        if let claim = f.gammaClaim, let lo = c.gammas.min(), let hi = c.gammas.max() {
            out.append(FindingSentence(lead: "Gradients through time", text:
                "At initialisation, ‖∂L/∂hₜ‖ of the per-step BN network shrinks by \(Self.decades(claim.reference)) decades from the last "
                + "step back to the first with γ = \(ReportFormat.number(Double(lo))) and by \(Self.decades(claim.measured)) with "
                + "γ = \(ReportFormat.number(Double(hi))) (over \(c.gradientSeeds) seeds; negative: it grows going back). "
                + "Cooijmans et al. (Fig. 1) found that gradients vanish faster with γ = 1 than with 0.1: \(claim.verdict.rawValue). "
                + "(Here both terms are normalised, W_hh is drawn as PyTorch's RNNCell draws it, U(−1/√H, 1/√H), rather than "
                + "orthogonal, and the loss is the task's at the last step.)"))
        }
        let rows = f.networks.filter { $0.task == .rows }
        if !r.sweeps.isEmpty, !rows.isEmpty {
            var text = "Largest learning rate that trains well (every seed trains, accuracy within "
                + "\(Int((Self.trainsWellWithin * 100).rounded())) points of the network's best): "
                + rows.map { "\(RecurrentFigures.label($0.network)) \($0.largestGoodLearningRate.map { ReportFormat.learningRate(Double($0)) } ?? "none")" }
                    .joined(separator: ", ") + "."
            let verdicts = rows.compactMap { n in f.learningRateVerdicts[n.network].map { "\(RecurrentFigures.label(n.network)) \($0.rawValue)" } }
            if !verdicts.isEmpty {
                text += " Against the claim that normalisation lets a network train at larger learning rates than the plain RNN: "
                    + verdicts.joined(separator: ", ") + "."
            }
            if let top = c.learningRates.max(), rows.contains(where: { $0.largestGoodLearningRate == top }) {
                text += " \(ReportFormat.learningRate(Double(top))) is the top of the grid, so a limit there may be higher."
            }
            out.append(FindingSentence(lead: "Learning rates", text: text))
        }
        for (i, t) in c.tasks.enumerated() {
            guard let claim = f.statisticsClaims[i], let k = f.statisticsSteps else { continue }
            out.append(FindingSentence(lead: "Steps beyond those seen, \(RecurrentFigures.task(t))", text:
                "Evaluating the per-step BN network with only the first \(k) steps' statistics (later steps reuse step \(k)'s, as "
                + "Cooijmans et al. do beyond the longest training sequence) costs \(Self.points(claim.measured)) points of accuracy. "
                + "They expect the statistics to settle quickly, so that this costs little (within "
                + "\(Int((Self.statisticsTolerance * 100).rounded())) points): \(claim.verdict.rawValue)."))
        }
        return out
    }

    public func view(of result: Result, in section: ReportSection) -> Any { RecurrentView(result, in: section) }

    /// Each network's final accuracy on the permuted task, where the normalisations differ most.
    public func headlineMetrics(of result: Result) -> [String] {
        let suffix = ".\(Task.permuted.rawValue).final_accuracy"
        return metrics(of: result).map(\.id).filter { $0.hasSuffix(suffix) }
    }

    // MARK: - Numbers

    /// `88.1 ± 0.4%`.
    static func accuracy(_ s: SeedSpread) -> String {
        guard let m = s.mean else { return "–" }
        return ReportFormat.accuracy(m, std: s.std)
    }

    /// Accuracy differences in points: `12.3 ± 1.0`.
    static func points(_ s: SeedSpread) -> String {
        guard let m = s.mean else { return "–" }
        return s.std.map { String(format: "%.1f ± %.1f", m * 100, $0 * 100) } ?? String(format: "%.1f", m * 100)
    }

    /// Decades: `-1.23 ± 0.10`.
    static func decades(_ s: SeedSpread) -> String {
        guard let m = s.mean else { return "–" }
        return s.std.map { String(format: "%.2f ± %.2f", m, $0) } ?? String(format: "%.2f", m)
    }
}
