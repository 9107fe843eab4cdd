extension LRSchedulesStudy {
    /// Per network and arm: the range test's suggested and divergence learning rates, the best
    /// accuracy over schedules at the best constant rate, and one-cycle's and the step schedule's
    /// super-convergence accuracies; per network the divergence ratio.
    public func metrics(of result: Result) -> [Metric] {
        var out: [Metric] = []
        for f in result.findings {
            let net = f.depth == 2 ? "ConvNet (depth 2)" : "deep CNN, depth \(f.depth)"
            for (arm, sup) in [(f.rangeWithBN, f.superWithBN), (f.rangeWithoutBN, f.superWithoutBN)] {
                let key = "\(Self.id).depth\(f.depth).\(arm.batchNorm ? "bn" : "no_bn")"
                let which = arm.batchNorm ? "with BN" : "without BN"
                out.append(Metric(id: key + ".suggested_lr", label: "Range test's suggested learning rate, \(net), \(which)",
                                  value: arm.suggested.first ?? nil, unit: .learningRate, better: .neither))
                out.append(Metric(id: key + ".divergence_lr", label: "Range test's divergence point, \(net), \(which)",
                                  value: arm.divergence.first ?? nil, unit: .learningRate, better: .higher))
                let best = f.rows.filter { $0.batchNorm == arm.batchNorm && $0.rate == .best }.compactMap(\.accuracy.mean).max()
                out.append(Metric(id: key + ".best_schedule_accuracy", label: "Best test accuracy over schedules, \(net), \(which)",
                                  value: best, unit: .accuracy, better: .higher))
                out.append(Metric(id: key + ".onecycle_accuracy", label: "One-cycle accuracy in a third of the epochs, \(net), \(which)",
                                  value: sup.oneCycle.mean, unit: .accuracy, better: .higher))
                out.append(Metric(id: key + ".step_accuracy", label: "Step schedule accuracy, full run, \(net), \(which)",
                                  value: sup.step.mean, unit: .accuracy, better: .higher))
            }
            out.append(Metric(id: "\(Self.id).depth\(f.depth).divergence_ratio", label: "Range-test divergence point with BN ÷ without, \(net)",
                              value: f.divergenceRatio, unit: .ratio, better: .higher))
        }
        return out
    }
}
