extension RunningStatsStudy {
    /// Per arm: eval-mode, train-mode and recalibrated test accuracy.
    public func metrics(of result: Result) -> [Metric] {
        var out: [Metric] = []
        for a in result.findings.arms {
            let key = "\(Self.id).\(a.arm.label.replacingOccurrences(of: " ", with: "_"))"
            out.append(Metric(id: key + ".eval_accuracy", label: "Eval-mode test accuracy, \(a.arm.label)",
                              value: a.evalAccuracy.mean, unit: .accuracy, better: .higher))
            out.append(Metric(id: key + ".train_mode_accuracy", label: "Train-mode test accuracy, \(a.arm.label)",
                              value: a.trainModeAccuracy.mean, unit: .accuracy, better: .neither))
            if a.arm.momentum != nil {
                out.append(Metric(id: key + ".recalibrated_accuracy", label: "Test accuracy after recalibration, \(a.arm.label)",
                                  value: a.recalibratedAccuracy.mean, unit: .accuracy, better: .higher))
            }
        }
        return out
    }
}
