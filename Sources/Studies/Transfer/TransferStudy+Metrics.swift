extension TransferStudy {
    /// Per target, size and strategy: the mean target test accuracy over seeds.
    public func metrics(of result: Result) -> [Metric] {
        result.findings.cells.compactMap { c in
            guard let mean = c.accuracy.mean else { return nil }
            let size = c.size.map { "\($0)" } ?? "all"
            return Metric(id: "\(Self.id).\(c.target.rawValue).\(c.strategy.rawValue).\(size).accuracy",
                          label: "Target accuracy, \(c.target.label), \(c.strategy.label), \(c.size.map { "\($0) images" } ?? "all images")",
                          value: mean, unit: .accuracy, better: .higher)
        }
    }
}
