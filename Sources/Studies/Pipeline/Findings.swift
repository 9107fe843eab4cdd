import Training
/// Derives the headline metrics of a run from its study results.
public enum Findings {
    /// Every headline number, in report order; time metrics come from `RunResults.timings` instead.
    public static func metrics(of results: RunResults) -> [Metric] {
        var out: [Metric] = []
        if let sweep = results.lrSweep {
            for f in sweep.findings {
                let net = f.depth == 2 ? "ConvNet (depth 2)" : "deep CNN, depth \(f.depth)"
                for arm in [f.withBN, f.withoutBN] {
                    let key = "lr-sweep.depth\(f.depth).\(arm.batchNorm ? "bn" : "no_bn")"
                    let which = arm.batchNorm ? "with BN" : "without BN"
                    out.append(Metric(id: key + ".best_accuracy", label: "Best test accuracy, \(net), \(which)",
                                      value: arm.bestAccuracy.map(Double.init), unit: .accuracy, better: .higher))
                    out.append(Metric(id: key + ".best_lr", label: "Best learning rate, \(net), \(which)",
                                      value: arm.bestLearningRate.map(Double.init), unit: .learningRate, better: .neither))
                    out.append(Metric(id: key + ".largest_trainable_lr", label: "Largest learning rate that trains, \(net), \(which)",
                                      value: arm.largestTrainingLearningRate.map(Double.init), unit: .learningRate, better: .higher))
                    out.append(Metric(id: key + ".window_decades", label: "LR window within 2 points of best, \(net), \(which)",
                                      value: arm.windowDecades.map(Double.init), unit: .decades, better: .higher))
                }
                out.append(Metric(id: "lr-sweep.depth\(f.depth).largest_lr_ratio",
                                  label: "Largest trainable LR with BN ÷ without, \(net)",
                                  value: f.largestLearningRateRatio.map(Double.init), unit: .ratio, better: .higher))
            }
        }
        if let shift = results.covariateShift {
            for c in shift.curves {
                out.append(Metric(id: "covariate-shift.sigma\(c.noise).\(c.normalized ? "normalized" : "raw").max_abs_mean",
                                  label: "Largest |mean| drift, σ = \(c.noise), \(c.normalized ? "normalised" : "raw")",
                                  value: c.maxAbsMean, unit: .number, better: .neither))
                out.append(Metric(id: "covariate-shift.sigma\(c.noise).\(c.normalized ? "normalized" : "raw").final_spread",
                                  label: "Final spread (std), σ = \(c.noise), \(c.normalized ? "normalised" : "raw")",
                                  value: c.spread.last, unit: .number, better: .neither))
            }
        }
        return out
    }
}
