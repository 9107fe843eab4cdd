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
    public struct Config: Codable, Sendable, Equatable {
        /// Noise standard deviations σ, one curve each.
        public var noiseLevels: [Double] = [0.1, 0.5, 1.0]
        /// Population size (the seed's 1000).
        public var samples: Int = 1000
        /// Iterations (the seed's "epochs": 100).
        public var iterations: Int = 100
        /// Independent repetitions, for bands.
        public var seeds: Int = 5
        public init() {}
    }

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

    public static let id = "covariate-shift"
    public var config: Config
    public init(config: Config = Config()) { self.config = config }
    public var workUnits: Int { config.noiseLevels.count }

    public func run(in context: StudyContext) throws -> Result {
        var curves: [Curve] = []
        for sigma in config.noiseLevels {
            if context.isCancelled() { throw CancellationError() }
            let start = Date()
            for normalized in [false, true] {
                let runs = (0..<UInt64(max(1, config.seeds))).map {
                    simulate(sigma: sigma, normalized: normalized, seed: context.seed &+ $0)
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
                curves.append(Curve(noise: sigma, normalized: normalized, mean: mean,
                                    meanAcrossSeedsStd: meanStd, spread: spread, maxAbsMean: maxAbs))
            }
            context.progress(WorkDone(label: "σ \(sigma)", seconds: Date().timeIntervalSince(start)))
        }
        return Result(config: config, curves: curves)
    }

    /// One population's trajectory: mean and standard deviation after each iteration.
    private func simulate(sigma: Double, normalized: Bool, seed: UInt64) -> (mean: [Double], std: [Double]) {
        // The noise stream depends on seed and σ only, so the two arms see identical noise.
        var rng = SeededGenerator(seed: seed &* 0x9E37_79B9 &+ UInt64(sigma * 1_000_000))
        var x = (0..<config.samples).map { _ in Double(rng.normal()) }
        var means: [Double] = [], stds: [Double] = []
        for _ in 0..<config.iterations {
            for j in x.indices { x[j] = tanh(x[j] + sigma * Double(rng.normal())) }
            if normalized {
                let (m, s) = moments(x)
                for j in x.indices { x[j] = (x[j] - m) / (s + 1e-5) }
            }
            let (m, s) = moments(x)
            means.append(m); stds.append(s)
        }
        return (means, stds)
    }

    private func moments(_ x: [Double]) -> (Double, Double) {
        let m = x.reduce(0, +) / Double(x.count)
        let v = x.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(x.count)
        return (m, v.squareRoot())
    }
}
