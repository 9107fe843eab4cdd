#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Tick positions for linear and log axes, as matplotlib chooses them.
public enum TickLocator {
    /// matplotlib's AutoLocator steps (MaxNLocator `steps=[1, 2, 2.5, 5, 10]`), extended one decade
    /// either way.
    static let steps: [Double] = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10, 20]

    /// Linear ticks for the view `lower...upper`: at most `maxBins` intervals, at a 1–2–2.5–5–10 step,
    /// only the ticks inside the view (matplotlib's MaxNLocator with `min_n_ticks = 2`).
    public static func linear(_ lower: Double, _ upper: Double, maxBins: Int) -> [Double] {
        guard lower.isFinite, upper.isFinite else { return [] }
        let (vmin, vmax) = lower <= upper ? (lower, upper) : (upper, lower)
        let nbins = Double(max(1, maxBins))
        if vmax - vmin <= 0 { return [vmin] }
        // scale_range: offset for ranges far from zero (keeps precision), scale = 10^floor(log10(dv/n))
        let dv = vmax - vmin, meanv = (vmax + vmin) / 2
        let offset = abs(meanv) / dv < 100 ? 0 : copysign(pow(10, floor(log10(abs(meanv)))), meanv)
        let scale = pow(10, floor(log10(dv / nbins)))
        let lo = vmin - offset, hi = vmax - offset
        let rawStep = (hi - lo) / nbins
        let candidates = steps.map { $0 * scale }
        let istep = candidates.firstIndex { $0 >= rawStep * (1 - 1e-10) } ?? candidates.count - 1
        var best: [Double] = []
        for step in candidates[...istep].reversed() {
            let base = (lo / step).rounded(.down) * step
            // tolerant floor/ceil so 0.30000000000000004 counts as 0.3
            let tol = 1e-10 * Swift.max(1, abs(offset) / step)
            let lowI = ((lo - base) / step + tol).rounded(.down)
            let highI = ((hi - base) / step - tol).rounded(.up)
            var ticks: [Double] = []
            var i = lowI
            while i <= highI { ticks.append(i * step + base + offset); i += 1 }
            let eps = step * 1e-9
            best = ticks.filter { $0 >= vmin - eps && $0 <= vmax + eps }.map { abs($0) < eps ? 0 : $0 }
            if best.count >= 2 { break }
        }
        return best
    }

    /// Log ticks for the view `lower...upper` (both > 0): decades (every `stride`-th when the
    /// range spans many) as major ticks, and 2…9 × 10ⁿ as minor ticks.
    public static func log(_ lower: Double, _ upper: Double, maxTicks: Int) -> (major: [Double], minor: [Double]) {
        guard lower > 0, upper > 0, lower.isFinite, upper.isFinite else { return ([], []) }
        let (vmin, vmax) = lower <= upper ? (lower, upper) : (upper, lower)
        let e0 = Int(floor(log10(vmin) + 1e-10)), e1 = Int(ceil(log10(vmax) - 1e-10))
        let decades = e1 - e0
        let stride = Swift.max(1, Int(ceil(Double(decades + 1) / Double(Swift.max(1, maxTicks)))))
        let inView = { (v: Double) in v >= vmin * (1 - 1e-9) && v <= vmax * (1 + 1e-9) }
        var major: [Double] = [], minor: [Double] = []
        // major decades on multiples of the stride, so 10⁻⁴, 10⁻², 10⁰ rather than 10⁻³, 10⁻¹
        for e in e0...e1 {
            let v = pow(10, Double(e))
            if e % stride == 0, inView(v) { major.append(v) }
            else if stride > 1, inView(v) { minor.append(v) }
            if stride == 1 && decades <= 12 {
                for m in 2...9 where inView(Double(m) * v) { minor.append(Double(m) * v) }
            }
        }
        return (major, minor)
    }
}
