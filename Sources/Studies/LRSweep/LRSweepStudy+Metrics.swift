extension LRSweepStudy {
    /// Per network and arm: best accuracy, best LR, largest LR that trains at all and well, window; and the BN ÷ no-BN ratio.
    public func metrics(of result: Result) -> [Metric] {
        var out: [Metric] = []
        for f in result.findings {
            let net = f.depth == 2 ? "ConvNet (depth 2)" : "deep CNN, depth \(f.depth)"
            for arm in [f.withBN, f.withoutBN] {
                let key = "\(Self.id).depth\(f.depth).\(arm.batchNorm ? "bn" : "no_bn")"
                let which = arm.batchNorm ? "with BN" : "without BN"
                out.append(Metric(id: key + ".best_accuracy", label: "Best test accuracy, \(net), \(which)",
                                  value: arm.bestAccuracy.map(Double.init), unit: .accuracy, better: .higher))
                out.append(Metric(id: key + ".best_lr", label: "Best learning rate, \(net), \(which)",
                                  value: arm.bestLearningRate.map(Double.init), unit: .learningRate, better: .neither))
                out.append(Metric(id: key + ".largest_trainable_lr", label: "Largest learning rate that trains at all, \(net), \(which)",
                                  value: arm.largestTrainingLearningRate.map(Double.init), unit: .learningRate, better: .higher))
                out.append(Metric(id: key + ".largest_good_lr", label: "Largest learning rate that trains well, \(net), \(which)",
                                  value: arm.largestGoodLearningRate.map(Double.init), unit: .learningRate, better: .higher))
                out.append(Metric(id: key + ".window_decades", label: "LR window within 2 points of best, \(net), \(which)",
                                  value: arm.windowDecades.map(Double.init), unit: .decades, better: .higher))
            }
            out.append(Metric(id: "\(Self.id).depth\(f.depth).largest_good_lr_ratio",
                              label: "Largest LR that trains well, with BN ÷ without, \(net)",
                              value: f.largestGoodLearningRateRatio.map(Double.init), unit: .ratio, better: .higher))
        }
        return out
    }
}
