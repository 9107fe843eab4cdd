import Engine

/// The numbers the activation study keeps from a captured tensor: quantiles, per-channel moments,
/// dead and saturated fractions, and Ioffe's drift of a unit's percentiles. Everything is reduced
/// where it is captured, so memory does not grow with the batch or the number of captures.
public enum ActivationStatistics {
    /// TensorBoard's distribution view: the percentiles at 0, ±1, ±1.5, ±2 and ±3 standard deviations
    /// of a normal (its compressed-histogram basis points 0, 668, 1587, 3085, 5000, …, 10000).
    public static let tensorBoardPercentiles: [Double] = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100]
    /// Ioffe & Szegedy's Figure 1: the 15th, 50th and 85th percentiles of a sigmoid's input.
    public static let ioffePercentiles: [Double] = [15, 50, 85]
    /// Quantiles of more values than this are taken on an evenly strided sample of about this many
    /// (minimum and maximum stay exact).
    public static let maxSample = 1 << 16
    /// A sigmoid unit's output counts as saturated below this or above 1 minus this.
    public static let saturation: Float = 0.01

    // MARK: - Quantiles

    /// The `percents` quantiles of `values`, interpolating linearly between order statistics (as
    /// `torch.quantile` and numpy's default). Non-finite values are left out; an empty input gives NaN.
    public static func quantiles(_ values: UnsafeBufferPointer<Float>, percents: [Double]) -> [Float] {
        let stride = max(1, (values.count + maxSample - 1) / maxSample)
        var sample: [Float] = []
        sample.reserveCapacity(values.count / stride + 1)
        var (lo, hi) = (Float.infinity, -Float.infinity)
        for (i, v) in values.enumerated() where v.isFinite {
            lo = min(lo, v); hi = max(hi, v)
            if i % stride == 0 { sample.append(v) }
        }
        guard !sample.isEmpty else { return percents.map { _ in .nan } }
        sample.sort()
        return percents.map { p in
            if p <= 0 { return lo }
            if p >= 100 { return hi }
            return interpolated(sample, p)
        }
    }

    public static func quantiles(_ values: [Float], percents: [Double]) -> [Float] {
        values.withUnsafeBufferPointer { quantiles($0, percents: percents) }
    }

    /// The p-th percentile of sorted finite values, linear between order statistics.
    static func interpolated(_ sorted: [Float], _ p: Double) -> Float {
        let h = p / 100 * Double(sorted.count - 1)
        let i = Int(h.rounded(.down)), f = h - Double(i)
        if i + 1 >= sorted.count { return sorted[sorted.count - 1] }
        return Float(Double(sorted[i]) + f * (Double(sorted[i + 1]) - Double(sorted[i])))
    }

    /// The percentiles of each unit (column) of `x: [N, F]` over the N samples: [F][percents].
    public static func unitQuantiles(_ x: Tensor, percents: [Double]) -> [[Float]] {
        precondition(x.rank == 2, "unitQuantiles expects [N, F], got \(x.shape)")
        let (n, f) = (x.shape[0], x.shape[1])
        var column = [Float](repeating: 0, count: n)
        return (0..<f).map { j in
            for i in 0..<n { column[i] = x.data[i * f + j] }
            return quantiles(column, percents: percents)
        }
    }

    // MARK: - Per channel

    /// Each channel's mean and standard deviation (biased, as BN normalises with) over the batch and
    /// positions of `x: [N, C, H, W]` or `[N, C]`, summed in Double.
    public static func channelMoments(_ x: Tensor) -> (mean: [Float], std: [Float]) {
        precondition(x.rank >= 2, "channelMoments expects [N, C, …], got \(x.shape)")
        let (n, c) = (x.shape[0], x.shape[1])
        let plane = x.shape.dropFirst(2).reduce(1, *)
        var mean = [Float](), std = [Float]()
        x.data.withUnsafeBufferPointer { p in
            for ch in 0..<c {
                var (s, ss) = (0.0, 0.0)
                for i in 0..<n {
                    let base = (i * c + ch) * plane
                    for k in 0..<plane { let v = Double(p[base + k]); s += v; ss += v * v }
                }
                let m = s / Double(n * plane)
                mean.append(Float(m))
                std.append(Float(max(0, ss / Double(n * plane) - m * m).squareRoot()))
            }
        }
        return (mean, std)
    }

    // MARK: - Dead and saturated units

    /// The fraction of a ReLU's units (each channel and position of `[N, C, H, W]`, each feature of
    /// `[N, F]`) whose input is ≤ 0 for every sample of the batch: units that output zero and pass
    /// no gradient for the whole batch.
    public static func deadFraction(reluInput x: Tensor) -> Float {
        precondition(x.rank >= 2, "deadFraction expects [N, …], got \(x.shape)")
        let n = x.shape[0], units = x.count / max(1, n)
        guard units > 0 else { return .nan }
        var alive = [Bool](repeating: false, count: units)
        x.data.withUnsafeBufferPointer { p in
            for i in 0..<n {
                let base = i * units
                for u in 0..<units where p[base + u] > 0 { alive[u] = true }
            }
        }
        return Float(alive.lazy.filter { !$0 }.count) / Float(units)
    }

    /// The fraction of sigmoid outputs below `saturation` or above 1 − `saturation`.
    public static func saturatedFraction(sigmoidOutput y: Tensor) -> Float {
        guard y.count > 0 else { return .nan }
        let (lo, hi) = (saturation, 1 - saturation)
        let count = y.data.lazy.filter { $0 < lo || $0 > hi }.count
        return Float(count) / Float(y.count)
    }

    // MARK: - Ioffe's drift

    /// How far each unit's median and 15–85 spread move after the first tenth of training, in units
    /// of its spread then: per unit, early = the mean over the captures at 10–20% of the run (at least
    /// the first capture at or after 10%), late = the mean over the captures in the last 10% (at least
    /// the last); median drift = |median_late − median_early| / spread_early, spread drift =
    /// |spread_late − spread_early| / spread_early; each averaged over the units with a positive early
    /// spread. `percentiles`: [capture][unit][15th, 50th, 85th]. NaN when it cannot be measured.
    public static func drift(steps: [Int], percentiles: [[[Float]]], totalSteps: Int) -> (median: Double, spread: Double) {
        let n = min(steps.count, percentiles.count)
        guard n >= 2, totalSteps > 0 else { return (.nan, .nan) }
        let t = Double(totalSteps)
        var early = (0..<n).filter { Double(steps[$0]) >= 0.1 * t && Double(steps[$0]) <= 0.2 * t }
        if early.isEmpty, let first = (0..<n).first(where: { Double(steps[$0]) >= 0.1 * t }) { early = [first] }
        var late = (0..<n).filter { Double(steps[$0]) >= 0.9 * t }
        if late.isEmpty { late = [n - 1] }
        late = late.filter { !early.contains($0) }
        guard !early.isEmpty, !late.isEmpty else { return (.nan, .nan) }
        let units = percentiles.map(\.count).max() ?? 0
        var (medianSum, spreadSum, counted) = (0.0, 0.0, 0)
        for u in 0..<units {
            func mean(_ captures: [Int], _ f: ([Float]) -> Double) -> Double {
                captures.map { u < percentiles[$0].count ? f(percentiles[$0][u]) : .nan }.reduce(0, +) / Double(captures.count)
            }
            let spread = { (p: [Float]) in p.count >= 3 ? Double(p[2]) - Double(p[0]) : .nan }
            let median = { (p: [Float]) in p.count >= 3 ? Double(p[1]) : .nan }
            let (s0, s1) = (mean(early, spread), mean(late, spread))
            let (m0, m1) = (mean(early, median), mean(late, median))
            guard s0 > 0, s0.isFinite, s1.isFinite, m0.isFinite, m1.isFinite else { continue }
            medianSum += abs(m1 - m0) / s0
            spreadSum += abs(s1 - s0) / s0
            counted += 1
        }
        guard counted > 0 else { return (.nan, .nan) }
        return (medianSum / Double(counted), spreadSum / Double(counted))
    }
}
