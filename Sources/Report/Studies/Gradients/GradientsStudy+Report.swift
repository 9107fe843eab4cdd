import Foundation
import Studies

extension GradientsStudy: ReportableStudy {
    public func figures(of result: Result, in run: RunResults) -> [ReportFigure] {
        // A metrics.json is input: depths outside what the study can run would make empty or
        // reversed ranges, so they are left out of the figures.
        var drawable = result
        drawable.config.depths = result.config.depths.filter { (4...32).contains($0) }
        return GradientsFigures.all(drawable)
    }

    /// Per network: growth at initialisation against Yang et al., tails against Bjorck et al., and
    /// at each learning rate ICS and β against Santurkar et al., each with its verdict.
    public func findings(of r: Result, in run: RunResults) -> [FindingSentence] {
        let f = GradientsReportFormat.self
        let seeds = r.config.seeds == 1 ? "one seed" : "mean ± std over \(r.config.seeds) seeds"
        return r.findings.map { x in
            var text = "At initialisation, gradients grow by \(f.spread(x.growthWithBN)) per layer towards the input with BN "
                + "(Yang et al. predict \(ReportFormat.number(Self.predictedGrowth)): \(x.growthVerdict.rawValue)) and by "
                + "\(f.spread(x.growthWithoutBN)) without. The middle layer's gradient entries have excess kurtosis "
                + "\(f.spread(x.kurtosisWithBN)) with BN and \(f.spread(x.kurtosisWithoutBN)) without "
                + "(Bjorck et al. found heavier tails without BN: \(x.tailsVerdict.rawValue))."
            for a in x.atLearningRates {
                text += " At LR \(ReportFormat.learningRate(Double(a.learningRate))), relative ICS is \(f.spread(a.icsWithBN)) with BN and "
                    + "\(f.spread(a.icsWithoutBN)) without, effective β-smoothness \(f.spread(a.betaWithBN)) with BN and "
                    + "\(f.spread(a.betaWithoutBN)) without; against Santurkar et al. (BN does not reduce ICS; BN smooths the landscape): "
                    + "\(a.icsVerdict.rawValue), \(a.betaVerdict.rawValue)"
                let untrained = [("with", a.trainedWithBN), ("without", a.trainedWithoutBN)].filter { $0.1 < r.config.seeds }
                    .map { "\($0.0) BN \(r.config.seeds - $0.1) of \(r.config.seeds) runs failed to train" }
                text += untrained.isEmpty ? "." : " (\(untrained.joined(separator: ", ")))."
            }
            return FindingSentence(lead: "Gradients, \(GradientsFigures.network(x.depth))", text: text + " (\(seeds).)")
        }
    }

    public func view(of result: Result, in section: ReportSection) -> Any { GradientsView(result, in: section) }
}
