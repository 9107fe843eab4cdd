extension GradientsStudy {
    /// Per depth: growth factor, kurtosis, and per learning rate ICS and β, each arm (informational:
    /// none of them has a better direction for a nightly gate).
    public func metrics(of result: Result) -> [Metric] {
        var out: [Metric] = []
        func add(_ id: String, _ label: String, _ s: Spread) {
            out.append(Metric(id: "\(Self.id).\(id)", label: label, value: s.mean, unit: .number, better: .neither))
        }
        for f in result.findings {
            let d = "depth\(f.depth)", net = "deep CNN, depth \(f.depth)"
            add("\(d).bn.growth_per_layer", "Gradient growth per layer at init, \(net), with BN", f.growthWithBN)
            add("\(d).no_bn.growth_per_layer", "Gradient growth per layer at init, \(net), without BN", f.growthWithoutBN)
            add("\(d).bn.kurtosis", "Excess kurtosis of middle-layer gradients at init, \(net), with BN", f.kurtosisWithBN)
            add("\(d).no_bn.kurtosis", "Excess kurtosis of middle-layer gradients at init, \(net), without BN", f.kurtosisWithoutBN)
            for a in f.atLearningRates {
                let lr = "lr\(a.learningRate)"
                add("\(d).\(lr).bn.ics", "Relative ICS, \(net), LR \(a.learningRate), with BN", a.icsWithBN)
                add("\(d).\(lr).no_bn.ics", "Relative ICS, \(net), LR \(a.learningRate), without BN", a.icsWithoutBN)
                add("\(d).\(lr).bn.beta", "Effective β-smoothness, \(net), LR \(a.learningRate), with BN", a.betaWithBN)
                add("\(d).\(lr).no_bn.beta", "Effective β-smoothness, \(net), LR \(a.learningRate), without BN", a.betaWithoutBN)
            }
        }
        return out
    }
}
