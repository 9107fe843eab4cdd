extension CovariateShiftStudy {
    /// Per noise level and arm: the largest |mean| drift and the final spread (informational).
    public func metrics(of result: Result) -> [Metric] {
        var out: [Metric] = []
        for c in result.curves {
            let key = "\(Self.id).sigma\(c.noise).\(c.normalized ? "normalized" : "raw")"
            let which = c.normalized ? "normalised" : "raw"
            out.append(Metric(id: key + ".max_abs_mean", label: "Largest |mean| drift, σ = \(c.noise), \(which)",
                              value: c.maxAbsMean, unit: .number, better: .neither))
            out.append(Metric(id: key + ".final_spread", label: "Final spread (std), σ = \(c.noise), \(which)",
                              value: c.spread.last, unit: .number, better: .neither))
        }
        return out
    }
}
