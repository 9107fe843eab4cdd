import Foundation

/// The ticks chosen for one axis at its final length: labelled major ticks (a nil label is a tick
/// whose label was thinned out), unlabelled minor ticks, and an optional ×10ⁿ multiplier.
struct AxisTicks {
    var major: [(value: Double, label: String?)] = []
    var minor: [Double] = []
    var multiplier: String?
    /// Labels drawn at 45° because they did not fit side by side.
    var rotated = false

    /// Chooses ticks that fit: the densest nice ticks whose labels do not overlap along the axis.
    /// `horizontal` axes compare label widths, vertical ones label heights.
    static func choose(scale: Scale, lower: Double, upper: Double, categories: [String]?, length: Double,
                       horizontal: Bool, font: Font, measure: (String) -> Double) -> AxisTicks {
        let map = AxisMap(scale: scale, lower: lower, upper: upper, start: 0, end: length)
        let gap = font.size * 0.5
        func extent(_ s: String) -> Double { horizontal ? measure(s) : font.size * 1.1 }
        func fits(_ ticks: [(value: Double, label: String?)], rotated: Bool = false) -> Bool {
            var lastEnd = -Double.infinity
            for t in ticks.sorted(by: { map($0.value) < map($1.value) }) {
                guard let l = t.label else { continue }
                let w = rotated ? font.size * 1.2 : extent(l)
                let p = map(t.value)
                if p - w / 2 < lastEnd + gap { return false }
                lastEnd = p + w / 2
            }
            return true
        }

        // categories: every label if they fit flat, else rotated, else every k-th (rotated)
        if let categories {
            let all = categories.enumerated().map { (value: Double($0.offset), label: Optional($0.element)) }
            if fits(all) { return AxisTicks(major: all) }
            var k = 1
            while k < max(1, categories.count) {
                let thinned = all.map { (value: $0.value, label: Int($0.value) % k == 0 ? $0.label : nil) }
                if fits(thinned, rotated: horizontal) { return AxisTicks(major: thinned, rotated: horizontal) }
                k += 1
            }
            return AxisTicks(major: all.map { (value: $0.value, label: $0.value == 0 ? $0.label : nil) }, rotated: horizontal)
        }

        let perBin = font.size * (horizontal ? 3 : 2)
        let start = max(1, min(9, Int(floor(abs(length) / perBin))))

        if scale == .linear {
            var last = AxisTicks()
            for bins in stride(from: start, through: 1, by: -1) {
                let values = TickLocator.linear(lower, upper, maxBins: bins)
                let (labels, mult) = TickFormatter.linear(values)
                last = AxisTicks(major: zip(values, labels).map { (value: $0, label: Optional($1)) }, multiplier: mult)
                if fits(last.major) { return last }
            }
            return last
        }

        // log2: powers of two, thinned to every 2nd, 3rd… while labels collide
        if scale == .log2 {
            let (vmin, vmax) = (min(lower, upper), max(lower, upper))
            guard vmin > 0, vmin.isFinite, vmax.isFinite else { return AxisTicks() }
            let e0 = Int(ceil(Foundation.log2(vmin) - 1e-9)), e1 = Int(floor(Foundation.log2(vmax) + 1e-9))
            guard e0 <= e1 else { return AxisTicks() }
            let all = (e0...e1).map { pow(2, Double($0)) }
            func label(_ v: Double) -> String {
                v >= 1 ? String(Int(v)) : "2" + TickFormatter.superscript(Int(Foundation.log2(v).rounded()))
            }
            var last = AxisTicks()
            for k in 1...max(1, all.count) {
                last = AxisTicks(major: all.enumerated().map { i, v in (value: v, label: i % k == 0 ? label(v) : nil) })
                if fits(last.major) { return last }
            }
            return last
        }

        // log: decades, thinned to every 2nd, 3rd… decade while labels collide
        var last = AxisTicks()
        for maxTicks in stride(from: start + 1, through: 1, by: -1) {
            let (major, minor) = TickLocator.log(lower, upper, maxTicks: maxTicks)
            if major.count < 2 {
                // less than a decade in view: label 1, 2, 5 × 10ⁿ (or fewer) among the minor ticks
                let all = (major + minor).sorted()
                for keep in [[1.0, 2, 3, 4, 5, 6, 7, 8, 9], [1, 2, 5], [1, 3], [1]] {
                    let ticks = all.map { v -> (value: Double, label: String?) in
                        let m = (v / pow(10, floor(log10(v) + 1e-9))).rounded()
                        return (value: v, label: keep.contains(m) ? TickFormatter.log(v) : nil)
                    }
                    let labelled = ticks.filter { $0.label != nil }
                    if labelled.count >= 2 || keep == [1] && !labelled.isEmpty, fits(ticks) {
                        return AxisTicks(major: ticks)
                    }
                }
                let lin = TickLocator.linear(lower, upper, maxBins: max(1, start / 2))
                let (labels, mult) = TickFormatter.linear(lin)
                return AxisTicks(major: zip(lin, labels).map { (value: $0, label: Optional($1)) }, multiplier: mult)
            }
            last = AxisTicks(major: major.map { (value: $0, label: Optional(TickFormatter.log($0))) }, minor: minor)
            if fits(last.major) { return last }
        }
        return last
    }
}
