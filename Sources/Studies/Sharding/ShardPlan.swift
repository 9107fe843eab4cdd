import Foundation

/// Which shard runs which unit: a pure function of the units (in the pipeline's fixed order) and
/// the shard count, so every shard of a run, on any machine, computes the same assignment.
///
/// Greedy longest-processing-time (Graham 1969): units by expected cost, most expensive first
/// (ties: earlier in the fixed order first), each to the shard with the least cost so far (ties:
/// fewer units, then the lower index). The most loaded shard is within 4/3 of the best possible
/// split, and usually within a few percent when there are many more units than shards.
public enum ShardPlan {
    /// The 0-based shard of each unit, in `units` order.
    public static func assign(_ units: [PlannedUnit], count: Int) -> [Int] {
        precondition(count >= 1, "a shard count is at least 1")
        // A cost that is not a finite positive number counts as nothing (and cannot break the sort).
        let cost = units.map { $0.cost.isFinite && $0.cost > 0 ? $0.cost : 0 }
        let order = units.indices.sorted { cost[$0] != cost[$1] ? cost[$0] > cost[$1] : $0 < $1 }
        var load = [Double](repeating: 0, count: count)
        var size = [Int](repeating: 0, count: count)
        var shard = [Int](repeating: 0, count: units.count)
        for i in order {
            var best = 0
            for k in 1..<count where load[k] < load[best] || (load[k] == load[best] && size[k] < size[best]) { best = k }
            shard[i] = best
            load[best] += cost[i]
            size[best] += 1
        }
        return shard
    }

    /// The units of shard `shard` (in `units` order).
    public static func units(of shard: Shard, in units: [PlannedUnit]) -> [PlannedUnit] {
        let assigned = assign(units, count: shard.count)
        return units.indices.filter { assigned[$0] == shard.index - 1 }.map { units[$0] }
    }
}

/// Shard `index` of `count` (1 ≤ index ≤ count), written `K/N` on the command line.
public struct Shard: Codable, Hashable, Sendable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)) else { return nil }
        self.init(index: k, count: n)
    }

    public var description: String { "\(index)/\(count)" }

    /// The file a shard run writes: `shard-K-of-N.json`.
    public var fileName: String { "shard-\(index)-of-\(count).json" }
}
