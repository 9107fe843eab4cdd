/// The activation study's numbers with their verdicts against Ioffe & Szegedy (arXiv:1502.03167, Fig. 1).
public struct ActivationsFindings: Codable, Sendable, Equatable {
    /// One arm of the sigmoid MLP over its seeds.
    public struct MLPArm: Codable, Sendable, Equatable {
        public var batchNorm: Bool
        /// Per seed: Ioffe's drift of the last hidden layer's sigmoid inputs after the first tenth of training.
        public var medianDrift: SeedSpread
        public var spreadDrift: SeedSpread
        /// Per seed: test accuracy at the end (all test images, evaluation mode) and on the probe at a tenth of training.
        public var testAccuracy: SeedSpread
        public var accuracyAtTenth: SeedSpread
        /// Per hidden layer, per seed: the fraction of saturated sigmoid outputs at the last capture.
        public var saturated: [SeedSpread]
        /// Runs that trained (did not diverge or stall) out of those run.
        public var trained: Int
        public var runs: Int
    }

    /// One ConvNet layer of one arm over its seeds.
    public struct ConvLayer: Codable, Sendable, Equatable {
        public var layer: String
        public var batchNorm: Bool
        /// Per seed: the fraction of ReLU units dead for the whole batch at the last capture.
        public var deadFraction: SeedSpread
        /// Per seed, per channel averaged: the drift of the BN input's mean and standard deviation after
        /// the first tenth (|Δmean| / 2σ and |Δσ| / σ, σ from the early window).
        public var bnInputMeanDrift: SeedSpread
        public var bnInputStdDrift: SeedSpread
        /// Per seed: Ioffe's drift of the pooled pre-activation's median and 16–84 spread.
        public var preActivationMedianDrift: SeedSpread
        public var preActivationSpreadDrift: SeedSpread
    }

    public var mlpWithoutBN: MLPArm
    public var mlpWithBN: MLPArm
    /// Ioffe & Szegedy: without BN the sigmoid input's distribution drifts; with BN it stays steady.
    /// agrees when the drift without BN exceeds the drift with BN by more than twice the standard
    /// error of the difference; differs when it falls short by as much; otherwise inconclusive
    /// (also with fewer than two trained seeds per arm).
    public var medianDriftVerdict: Verdict
    public var spreadDriftVerdict: Verdict
    /// Ioffe & Szegedy: the BN network reaches higher test accuracy; the same rule on the final accuracy.
    public var accuracyVerdict: Verdict
    /// Ioffe & Szegedy: the BN network trains faster; the same rule on the probe accuracy at a tenth of training.
    public var speedVerdict: Verdict
    public var convnet: [ConvLayer]

    public init(mlpRuns: [ActivationsStudy.MLPRun], convnetRuns: [ActivationsStudy.ConvNetRun]) {
        func arm(_ bn: Bool) -> MLPArm {
            let runs = mlpRuns.filter { $0.batchNorm == bn }
            let trained = runs.filter { !$0.summary.failed }
            let layers = runs.map(\.layers.count).max() ?? 0
            return MLPArm(
                batchNorm: bn, medianDrift: SeedSpread(trained.map(\.medianDrift)), spreadDrift: SeedSpread(trained.map(\.spreadDrift)),
                testAccuracy: SeedSpread(runs.map { Double($0.summary.testAccuracy) }),
                accuracyAtTenth: SeedSpread(runs.map(Self.accuracyAtTenth)),
                saturated: (0..<layers).map { l in
                    SeedSpread(runs.compactMap { l < $0.layers.count ? $0.layers[l].saturatedFraction?.last.map(Double.init) : nil })
                },
                trained: trained.count, runs: runs.count)
        }
        mlpWithoutBN = arm(false)
        mlpWithBN = arm(true)
        let comparable = mlpWithoutBN.trained >= 2 && mlpWithBN.trained >= 2
        medianDriftVerdict = Self.verdict(comparable ? mlpWithoutBN.medianDrift.compared(to: mlpWithBN.medianDrift) : nil)
        spreadDriftVerdict = Self.verdict(comparable ? mlpWithoutBN.spreadDrift.compared(to: mlpWithBN.spreadDrift) : nil)
        accuracyVerdict = Self.verdict(mlpWithBN.testAccuracy.compared(to: mlpWithoutBN.testAccuracy))
        speedVerdict = Self.verdict(mlpWithBN.accuracyAtTenth.compared(to: mlpWithoutBN.accuracyAtTenth))

        var convnet: [ConvLayer] = []
        for bn in [false, true] {
            let runs = convnetRuns.filter { $0.batchNorm == bn }
            let names = runs.first?.layers.map(\.layer) ?? []
            for (l, name) in names.enumerated() {
                let traces = runs.compactMap { l < $0.layers.count ? ($0.layers[l], $0.summary.steps) : nil }
                let bnInput = traces.map { Self.channelDrift($0.0, totalSteps: $0.1) }
                let pre = traces.map { t, total in
                    ActivationStatistics.drift(steps: t.steps, percentiles: t.quantiles.map { q in q.count == 9 ? [[q[2], q[4], q[6]]] : [] },
                                               totalSteps: total)
                }
                convnet.append(ConvLayer(
                    layer: name, batchNorm: bn,
                    deadFraction: SeedSpread(traces.compactMap { $0.0.deadFraction?.last.map(Double.init) }),
                    bnInputMeanDrift: SeedSpread(bnInput.map(\.median)), bnInputStdDrift: SeedSpread(bnInput.map(\.spread)),
                    preActivationMedianDrift: SeedSpread(pre.map(\.median)), preActivationSpreadDrift: SeedSpread(pre.map(\.spread))))
            }
        }
        self.convnet = convnet
    }

    /// +1 (the paper's direction) agrees, −1 differs, 0 or nil inconclusive.
    static func verdict(_ comparison: Int?) -> Verdict {
        switch comparison {
        case 1?: .agrees
        case (-1)?: .differs
        default: .inconclusive
        }
    }

    /// The probe accuracy at the first capture at or after a tenth of the run's steps.
    static func accuracyAtTenth(_ run: ActivationsStudy.MLPRun) -> Double {
        let tenth = Double(run.summary.steps) / 10
        guard let i = run.steps.indices.first(where: { Double(run.steps[$0]) >= tenth }), i < run.accuracy.count else { return .nan }
        return Double(run.accuracy[i])
    }

    /// The BN input's per-channel drift: each channel as a "unit" with percentiles (μ − σ, μ, μ + σ).
    static func channelDrift(_ t: ActivationsStudy.LayerTrace, totalSteps: Int) -> (median: Double, spread: Double) {
        guard let means = t.channelMean, let stds = t.channelStd else { return (.nan, .nan) }
        let p = zip(means, stds).map { m, s in zip(m, s).map { [$0 - $1, $0, $0 + $1] } }
        return ActivationStatistics.drift(steps: t.steps, percentiles: p, totalSteps: totalSteps)
    }
}
