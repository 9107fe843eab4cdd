/// A number measured once per seed: the finite values, their mean and sample standard deviation.
public struct SeedSpread: Codable, Sendable, Equatable {
    public var values: [Double]
    public var mean: Double?
    public var std: Double?

    public init(_ values: [Double]) {
        self.values = values.filter(\.isFinite)
        let n = Double(self.values.count)
        guard n > 0 else { return }
        let m = self.values.reduce(0, +) / n
        mean = m
        std = n > 1 ? (self.values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / (n - 1)).squareRoot() : nil
    }

    /// The standard error of the mean (nil with fewer than two values).
    public var standardError: Double? { std.map { $0 / Double(values.count).squareRoot() } }

    /// +1 when this exceeds `other` by more than twice the standard error of the difference, −1
    /// when it falls short by as much, 0 in between; nil without two values on each side.
    public func compared(to other: SeedSpread) -> Int? {
        guard let a = mean, let b = other.mean, let sa = standardError, let sb = other.standardError else { return nil }
        let se = (sa * sa + sb * sb).squareRoot()
        return a - b > 2 * se ? 1 : b - a > 2 * se ? -1 : 0
    }
}
