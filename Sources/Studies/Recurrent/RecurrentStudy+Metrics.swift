extension RecurrentStudy {
    /// Per network and task: final accuracy (higher is better), accuracy after one epoch and the
    /// train/eval gap (informational); per network: the largest learning rate that trains well.
    public func metrics(of result: Result) -> [Metric] {
        var out: [Metric] = []
        for n in result.findings.networks {
            let key = "\(Self.id).\(n.network).\(n.task.rawValue)"
            let what = "\(n.network), \(n.task == .rows ? "rows" : "permuted pixels")"
            out.append(Metric(id: key + ".final_accuracy", label: "Final test accuracy, \(what)",
                              value: n.finalAccuracy.mean, unit: .accuracy, better: .higher))
            out.append(Metric(id: key + ".first_epoch_accuracy", label: "Test accuracy after one epoch, \(what)",
                              value: n.firstEpochAccuracy.mean, unit: .accuracy, better: .neither))
            out.append(Metric(id: key + ".train_eval_gap", label: "Accuracy with batch statistics minus running statistics, \(what)",
                              value: n.gap.mean, unit: .accuracy, better: .neither))
            if n.task == .rows {
                out.append(Metric(id: "\(Self.id).\(n.network).largest_good_lr", label: "Largest learning rate that trains well, \(n.network)",
                                  value: n.largestGoodLearningRate.map(Double.init), unit: .learningRate, better: .higher))
            }
        }
        for (g, d) in zip(result.config.gammas, result.findings.gammaDecay) {
            out.append(Metric(id: "\(Self.id).gamma\(g).gradient_decay", label: "Gradient decay through time at init, per-step BN, γ = \(g) (decades)",
                              value: d.mean, unit: .decades, better: .neither))
        }
        return out
    }
}
