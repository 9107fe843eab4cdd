/// Seeded shuffling written out explicitly, so a seed gives the same order on every Swift version
/// (the standard library's `shuffle(using:)` does not promise a fixed algorithm).
public enum Shuffle {
    /// A uniform integer in 0..<bound (Lemire's multiply-shift with rejection, so no modulo bias).
    public static func below(_ bound: Int, using rng: inout some RandomNumberGenerator) -> Int {
        precondition(bound > 0, "bound must be positive")
        let n = UInt64(bound)
        var m = rng.next().multipliedFullWidth(by: n)
        if m.low < n {
            let threshold = (0 &- n) % n   // 2^64 mod n: low words below it would over-represent some results
            while m.low < threshold { m = rng.next().multipliedFullWidth(by: n) }
        }
        return Int(m.high)
    }

    /// Shuffles `elements` in place (Fisher–Yates: for i = n−1 down to 1, swap element i with a uniform j in 0...i).
    public static func fisherYates<T>(_ elements: inout [T], using rng: inout some RandomNumberGenerator) {
        guard elements.count > 1 else { return }
        for i in stride(from: elements.count - 1, to: 0, by: -1) {
            elements.swapAt(i, below(i + 1, using: &rng))
        }
    }

    /// A uniformly random permutation of 0..<count.
    public static func permutation(_ count: Int, using rng: inout some RandomNumberGenerator) -> [Int] {
        var order = Array(0..<count)
        fisherYates(&order, using: &rng)
        return order
    }
}
