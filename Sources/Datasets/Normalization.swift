/// Per-channel normalisation `x = (pixel / 255 − mean) / std`, as torchvision's `ToTensor` + `Normalize`.
public struct Normalization: Codable, Sendable, Equatable {
    /// Per-channel mean of pixels scaled to [0, 1].
    public var mean: [Float]
    /// Per-channel standard deviation of pixels scaled to [0, 1].
    public var std: [Float]

    /// Creates a normalisation from per-channel mean and std (std must be positive).
    public init(mean: [Float], std: [Float]) {
        precondition(mean.count == std.count && !mean.isEmpty, "mean and std need one value per channel")
        precondition(std.allSatisfy { $0 > 0 }, "std must be positive")
        self.mean = mean
        self.std = std
    }

    /// Decodes and checks a normalisation (e.g. from a checkpoint): one positive std per mean.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let mean = try container.decode([Float].self, forKey: .mean)
        let std = try container.decode([Float].self, forKey: .std)
        guard mean.count == std.count, !mean.isEmpty, std.allSatisfy({ $0 > 0 && $0.isFinite }), mean.allSatisfy(\.isFinite) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                debugDescription: "normalization needs one finite mean and one positive std per channel, got mean \(mean), std \(std)"))
        }
        self.init(mean: mean, std: std)
    }

    /// The values commonly used for Fashion-MNIST; `fit` on its training set gives 0.28604 and 0.35302.
    public static let fashionMNIST = Normalization(mean: [0.2860], std: [0.3530])

    /// The identity on [0, 1]-scaled pixels (mean 0, std 1) for `channels` channels.
    public static func unit(channels: Int) -> Normalization {
        Normalization(mean: Array(repeating: 0, count: channels), std: Array(repeating: 1, count: channels))
    }

    // MARK: - Fitting

    /// The per-channel mean and population std of `set`'s pixels scaled to [0, 1], accumulated in Double.
    /// A constant channel gets std 1 so normalising never divides by zero.
    public static func fit(_ set: ImageSet) -> Normalization {
        // Histogram per channel: exact integer counts, then mean and variance from 256 bins.
        var histogram = [[Int]](repeating: [Int](repeating: 0, count: 256), count: set.channels)
        let plane = set.height * set.width
        set.pixels.withUnsafeBufferPointer { p in
            for c in 0..<set.channels {
                histogram[c].withUnsafeMutableBufferPointer { h in
                    for n in 0..<set.count {
                        let start = (n * set.channels + c) * plane
                        for i in start ..< start + plane { h[Int(p[i])] += 1 }
                    }
                }
            }
        }
        var mean = [Float](), std = [Float]()
        for h in histogram {
            let total = Double(h.reduce(0, +))
            var m = 0.0
            for v in 0..<256 { m += Double(h[v]) * Double(v) / 255 }
            m /= max(total, 1)
            var variance = 0.0
            for v in 0..<256 { let d = Double(v) / 255 - m; variance += Double(h[v]) * d * d }
            variance /= max(total, 1)
            mean.append(Float(m))
            std.append(variance > 0 ? Float(variance.squareRoot()) : 1)
        }
        return Normalization(mean: mean, std: std)
    }

    // MARK: - Applying

    /// For each channel, the normalised Float of every possible pixel value: table[c * 256 + pixel].
    /// Computed in Float exactly as PyTorch does (`pixel / 255`, then `(x − mean) / std`), so batches match bitwise.
    public func lookupTable() -> [Float] {
        var table = [Float](repeating: 0, count: mean.count * 256)
        for c in 0..<mean.count {
            for v in 0..<256 { table[c * 256 + v] = (Float(v) / 255 - mean[c]) / std[c] }
        }
        return table
    }
}
