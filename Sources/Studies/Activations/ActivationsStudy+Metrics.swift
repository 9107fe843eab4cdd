extension ActivationsStudy {
    /// The MLP's accuracy per arm (higher is better) and the drifts, dead and saturated fractions
    /// (informational: no better direction for a nightly gate).
    public func metrics(of result: Result) -> [Metric] {
        var out: [Metric] = []
        let f = result.findings
        for a in [f.mlpWithoutBN, f.mlpWithBN] {
            let (key, label) = a.batchNorm ? ("bn", "with BN") : ("no_bn", "without BN")
            out.append(Metric(id: "\(Self.id).mlp.\(key).test_accuracy", label: "Sigmoid MLP test accuracy, \(label)",
                              value: a.testAccuracy.mean, unit: .accuracy, better: .higher))
            out.append(Metric(id: "\(Self.id).mlp.\(key).median_drift", label: "Drift of the sigmoid input's median, \(label)",
                              value: a.medianDrift.mean, unit: .number, better: .neither))
            out.append(Metric(id: "\(Self.id).mlp.\(key).spread_drift", label: "Drift of the sigmoid input's 15–85 spread, \(label)",
                              value: a.spreadDrift.mean, unit: .number, better: .neither))
            for (l, s) in a.saturated.enumerated() {
                out.append(Metric(id: "\(Self.id).mlp.\(key).saturated.layer\(l + 1)", label: "Saturated sigmoid outputs, hidden layer \(l + 1), \(label)",
                                  value: s.mean, unit: .number, better: .neither))
            }
        }
        for c in f.convnet {
            let (key, label) = c.batchNorm ? ("bn", "with BN") : ("no_bn", "without BN")
            out.append(Metric(id: "\(Self.id).convnet.\(key).\(c.layer).dead_relu", label: "Dead ReLU units, ConvNet \(c.layer), \(label)",
                              value: c.deadFraction.mean, unit: .number, better: .neither))
            out.append(Metric(id: "\(Self.id).convnet.\(key).\(c.layer).bn_input_mean_drift", label: "Drift of the BN input's channel means, ConvNet \(c.layer), \(label)",
                              value: c.bnInputMeanDrift.mean, unit: .number, better: .neither))
        }
        return out
    }
}
