#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A piecewise-constant fit of a series, to find the nights where a number stepped.
///
/// airspeed velocity's approach (asv's `step_detect.py`): minimise, over every split of the series
/// into segments, the sum of absolute deviations from each segment's median plus a penalty γ per
/// segment (the L1 Potts problem), solved exactly by dynamic programming. The L1 cost makes one
/// odd night cost its deviation once, instead of its square, so single outliers rarely become steps.
///
/// γ = 4 σ̂ ln n, with σ̂ = 1.4826 · median|xᵢ − xᵢ₋₁| / √2, a noise estimate from successive
/// differences that a few steps do not inflate. A deterministic series (σ̂ = 0: bnlab's nightly
/// numbers repeat exactly for an unchanged commit) steps at every change of value.
public struct StepFit: Sendable, Equatable, Codable {
    /// Positions `start..<end` of the series at one level.
    public struct Segment: Sendable, Equatable, Codable {
        public var start: Int
        public var end: Int
        /// The segment's median.
        public var level: Double
    }

    public var segments: [Segment]
    /// σ̂, the noise estimate.
    public var noise: Double
    /// γ, the cost of one more segment.
    public var penalty: Double

    /// The positions where a new level starts (every segment's start but the first).
    public var steps: [Int] { segments.dropFirst().map(\.start) }

    /// Fits `x` (finite values). O(n² log n): 1,000 points take a few milliseconds in release.
    public init(_ x: [Double]) {
        let n = x.count
        guard n > 1 else {
            segments = n == 1 ? [Segment(start: 0, end: 1, level: x[0])] : []
            noise = 0
            penalty = 0
            return
        }
        let diffs = zip(x.dropFirst(), x).map { abs($0 - $1) }
        noise = 1.4826 * Self.median(diffs) / 2.0.squareRoot()
        // A floor for float noise: values equal to 1e-9 of their scale are one level.
        let scale = max(1, Self.median(x.map(abs)))
        penalty = max(4 * noise * log(Double(n)), 1e-9 * scale)

        // Ranks (ties broken by position) for the Fenwick trees that give any prefix's median.
        let order = (0..<n).sorted { x[$0] != x[$1] ? x[$0] < x[$1] : $0 < $1 }
        var rank = [Int](repeating: 0, count: n)
        for (r, i) in order.enumerated() { rank[i] = r }
        let sortedValues = order.map { x[$0] }

        // best[j]: the least cost of x[0..<j]; from[j]: where its last segment starts.
        var best = [Double](repeating: .infinity, count: n + 1)
        var from = [Int](repeating: 0, count: n + 1)
        best[0] = -penalty
        var counts = Fenwick(n), sums = Fenwick(n)
        for i in 0..<n {
            counts.clear(); sums.clear()
            var total = 0.0
            for j in (i + 1)...n {  // segment x[i..<j]
                let v = x[j - 1]
                counts.add(rank[j - 1], 1); sums.add(rank[j - 1], v); total += v
                let m = j - i, k = (m + 1) / 2
                let r = counts.kth(Double(k))                // rank of the lower median
                let median = sortedValues[r]
                let below = sums.prefix(r)                    // sum of the k smallest
                let cost = (median * Double(k) - below) + (total - below - median * Double(m - k))
                let c = best[i] + cost + penalty
                if c < best[j] { best[j] = c; from[j] = i }
            }
        }
        var bounds: [(Int, Int)] = []
        var j = n
        while j > 0 { bounds.append((from[j], j)); j = from[j] }
        segments = bounds.reversed().map { Segment(start: $0.0, end: $0.1, level: Self.median(Array(x[$0.0..<$0.1]))) }
    }

    /// The level fitted at each position.
    public var fitted: [Double] { segments.flatMap { s in Array(repeating: s.level, count: s.end - s.start) } }

    static func median(_ v: [Double]) -> Double {
        guard !v.isEmpty else { return 0 }
        let s = v.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

/// A binary indexed tree over ranks `0..<n`: prefix sums and the k-th smallest in O(log n).
private struct Fenwick {
    private var tree: [Double]
    private let n: Int
    private var top: Int

    init(_ n: Int) {
        self.n = n
        tree = [Double](repeating: 0, count: n + 1)
        top = 1
        while top * 2 <= n { top *= 2 }
    }

    mutating func clear() { for i in tree.indices { tree[i] = 0 } }

    mutating func add(_ index: Int, _ value: Double) {
        var i = index + 1
        while i <= n { tree[i] += value; i += i & -i }
    }

    /// The sum over ranks `0...index`.
    func prefix(_ index: Int) -> Double {
        var i = index + 1, s = 0.0
        while i > 0 { s += tree[i]; i -= i & -i }
        return s
    }

    /// The smallest rank whose prefix count reaches `k` (counts are whole numbers).
    func kth(_ k: Double) -> Int {
        var position = 0, remaining = k, step = top
        while step > 0 {
            let next = position + step
            if next <= n && tree[next] < remaining { position = next; remaining -= tree[next] }
            step /= 2
        }
        return position  // 0-based rank = (1-based position + 1) - 1
    }
}
