import Training
import Engine
import Foundation

/// The seed's toy model of internal covariate shift, with and without a normalisation step.
///
/// A population of scalar "layer inputs" starts as N(0, 1) and is passed, iteration after
/// iteration, through `x ← tanh(x + σ·ε)` with fresh Gaussian noise ε: its mean and spread drift.
/// The normalised twin runs the same process (same noise) and then standardises the population each
/// iteration, as BatchNorm does to a layer's inputs, which pins the mean at 0 and the spread at 1.
public struct CovariateShiftStudy: Study {
    public static let id = "covariate-shift"
    public static let title = "Covariate-shift simulation"

    public var config: Config
    public init(config: Config) { self.config = config }

    /// Mean and standard deviation of the population at each iteration, across seeds.
    public struct Curve: Codable, Sendable, Equatable {
        public var noise: Double
        public var normalized: Bool
        /// Per iteration: the population mean, averaged over seeds, and its spread across seeds.
        public var mean: [Double]
        public var meanAcrossSeedsStd: [Double]
        /// Per iteration: the population standard deviation, averaged over seeds.
        public var spread: [Double]
        /// The largest |mean| over iterations, averaged over seeds.
        public var maxAbsMean: Double
    }

    public struct Result: Codable, Sendable, Equatable {
        public var config: Config
        public var curves: [Curve]
    }

    /// One noise level: both arms, every seed.
    public struct Unit: StudyUnit, Equatable {
        public var noise: Double
        public var seed: UInt64
        public var key: String { "σ \(noise)" }
    }

    // MARK: - Work

    public func units(seed: UInt64) -> [Unit] { config.noiseLevels.map { Unit(noise: $0, seed: seed) } }

    /// The raw and the normalised curve at one noise level.
    public func run(_ unit: Unit, in context: StudyContext) throws -> [Curve] {
        var curves: [Curve] = []
        for normalized in [false, true] {
            let runs = try (0..<UInt64(max(1, config.seeds))).map {
                try simulate(sigma: unit.noise, normalized: normalized, seed: unit.seed &+ $0, isCancelled: context.isCancelled)
            }
            let n = Double(runs.count)
            var mean = [Double](repeating: 0, count: config.iterations)
            var meanStd = mean, spread = mean
            for i in 0..<config.iterations {
                let ms = runs.map { $0.mean[i] }
                mean[i] = ms.reduce(0, +) / n
                meanStd[i] = (ms.map { ($0 - mean[i]) * ($0 - mean[i]) }.reduce(0, +) / n).squareRoot()
                spread[i] = runs.map { $0.std[i] }.reduce(0, +) / n
            }
            let maxAbs = runs.map { $0.mean.map(abs).max() ?? 0 }.reduce(0, +) / n
            curves.append(Curve(noise: unit.noise, normalized: normalized, mean: mean,
                                meanAcrossSeedsStd: meanStd, spread: spread, maxAbsMean: maxAbs))
        }
        return curves
    }

    public func assemble(_ results: [[Curve]], of units: [Unit]) -> Result {
        Result(config: config, curves: results.flatMap { $0 })
    }

    /// One population's trajectory: mean and standard deviation after each iteration.
    private func simulate(sigma: Double, normalized: Bool, seed: UInt64,
                          isCancelled: () -> Bool) throws -> (mean: [Double], std: [Double]) {
        // The noise stream depends on seed and σ only, so the two arms see identical noise.
        // σ ≤ 1000 (validated), so σ·10⁶ fits a UInt64; checked anyway, as a run can be built without validation.
        var rng = SeededGenerator(seed: seed &* 0x9E37_79B9 &+ (UInt64(exactly: (sigma * 1_000_000).rounded(.towardZero)) ?? sigma.bitPattern))
        var x = (0..<config.samples).map { _ in Double(rng.normal()) }
        var means: [Double] = [], stds: [Double] = []
        for _ in 0..<config.iterations {
            if isCancelled() { throw CancellationError() }
            for j in x.indices {
                // A large population takes a while per iteration: poll within it too.
                if j & Self.cancelCheckMask == 0, j > 0, isCancelled() { throw CancellationError() }
                x[j] = tanh(x[j] + sigma * Double(rng.normal()))
            }
            if normalized {
                let (m, s) = moments(x)
                for j in x.indices { x[j] = (x[j] - m) / (s + 1e-5) }
            }
            let (m, s) = moments(x)
            means.append(m); stds.append(s)
        }
        return (means, stds)
    }

    /// Cancellation is polled every 65,536 samples (well under a millisecond of work).
    static let cancelCheckMask = (1 << 16) - 1

    private func moments(_ x: [Double]) -> (Double, Double) {
        let m = x.reduce(0, +) / Double(x.count)
        let v = x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count)
        return (m, v.squareRoot())
    }
}
