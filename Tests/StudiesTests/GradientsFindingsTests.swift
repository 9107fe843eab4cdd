import Foundation
import Testing
import Engine
@testable import Training
@testable import Studies

/// The gradient study's verdicts follow its stated rules, in both directions.
@Suite struct GradientsFindingsTests {
    typealias G = GradientsStudy

    /// Initial gradients whose norms grow by `growth` per layer towards the input, with `kurtosis`.
    func initial(_ bn: Bool, seed: UInt64, growth: Double, kurtosis: Double, depth: Int = 6) -> G.InitialGradients {
        G.InitialGradients(depth: depth, batchNorm: bn, seed: seed,
                           layerNorms: (0...depth).map { pow(growth, Double(depth - $0)) }, middleLayer: depth / 2,
                           histogram: [], medianAbs: 0.6, p99Abs: 3, kurtosis: kurtosis)
    }

    func run(_ bn: Bool, seed: UInt64, ics: Double, beta: Double, failed: Bool = false) -> G.Run {
        let spec = ModelSpec(family: .deep, inputShape: [1, 12, 12], depth: 6, norm: bn ? .batch : NormKind.none, classes: 4)
        let result = TrainingResult(config: TrainingConfig(model: spec), stepLosses: [2], epochs: [], initialLoss: 2, finalLoss: 1,
                                    trainAccuracy: 0.9, testAccuracy: 0.9, testLoss: 1, divergedAtStep: nil)
        let probe = G.Probe(step: 1, icsRelative: [0, ics, ics], icsCosine: [1, 0.9, 0.9], landscapeLoss: [1], gradientDistance: [1], beta: beta)
        return G.Run(depth: 6, batchNorm: bn, learningRate: 0.1, seed: seed, result: result, failed: failed,
                     failureReason: failed ? "x" : nil, gradientNorms: [], probes: [probe])
    }

    func findings(_ initial: [G.InitialGradients], _ runs: [G.Run]) -> G.Findings {
        var config = G.Config(profile: .quick)
        config.learningRates = [0.1]
        return G.Findings(depth: 6, config: config, initial: initial, runs: runs)
    }

    @Test func growthAgreesOnlyNearThePrediction() {
        let near = findings([initial(true, seed: 0, growth: 1.20, kurtosis: 0), initial(true, seed: 1, growth: 1.22, kurtosis: 0)], [])
        #expect(abs((near.growthWithBN.mean ?? 0) - 1.21) < 1e-9)
        #expect(near.growthVerdict == .agrees)
        let far = findings([initial(true, seed: 0, growth: 1.0, kurtosis: 0), initial(true, seed: 1, growth: 1.01, kurtosis: 0)], [])
        #expect(far.growthVerdict == .differs)
        let one = findings([initial(true, seed: 0, growth: 1.21, kurtosis: 0)], [])
        #expect(one.growthVerdict == .inconclusive)
    }

    @Test func tailsCompareKurtosisBeyondNoise() {
        let heavy = findings([initial(true, seed: 0, growth: 1.2, kurtosis: 0.5), initial(true, seed: 1, growth: 1.2, kurtosis: 0.6),
                              initial(false, seed: 0, growth: 0.9, kurtosis: 5), initial(false, seed: 1, growth: 0.9, kurtosis: 6)], [])
        #expect(heavy.tailsVerdict == .agrees)
        let reversed = findings([initial(true, seed: 0, growth: 1.2, kurtosis: 5), initial(true, seed: 1, growth: 1.2, kurtosis: 6),
                                 initial(false, seed: 0, growth: 0.9, kurtosis: 0.5), initial(false, seed: 1, growth: 0.9, kurtosis: 0.6)], [])
        #expect(reversed.tailsVerdict == .differs)
        let noisy = findings([initial(true, seed: 0, growth: 1.2, kurtosis: 0), initial(true, seed: 1, growth: 1.2, kurtosis: 10),
                              initial(false, seed: 0, growth: 0.9, kurtosis: 1), initial(false, seed: 1, growth: 0.9, kurtosis: 9)], [])
        #expect(noisy.tailsVerdict == .inconclusive)
    }

    @Test func icsAndBetaNeedTwoTrainedRunsPerArm() throws {
        let smoother = [run(true, seed: 0, ics: 0.3, beta: 2), run(true, seed: 1, ics: 0.31, beta: 2.1),
                        run(false, seed: 0, ics: 0.1, beta: 9), run(false, seed: 1, ics: 0.11, beta: 10)]
        let a = try #require(findings([], smoother).atLearningRates.first)
        #expect(a.icsVerdict == .agrees && a.betaVerdict == .agrees)
        let rougher = [run(true, seed: 0, ics: 0.01, beta: 9), run(true, seed: 1, ics: 0.011, beta: 10),
                       run(false, seed: 0, ics: 0.3, beta: 2), run(false, seed: 1, ics: 0.31, beta: 2.1)]
        let b = try #require(findings([], rougher).atLearningRates.first)
        #expect(b.icsVerdict == .differs && b.betaVerdict == .differs)
        let untrained = [run(true, seed: 0, ics: 0.3, beta: 2), run(true, seed: 1, ics: 0.31, beta: 2.1),
                         run(false, seed: 0, ics: 0.1, beta: 9, failed: true), run(false, seed: 1, ics: 0.11, beta: 10)]
        let c = try #require(findings([], untrained).atLearningRates.first)
        #expect(c.icsVerdict == .inconclusive && c.betaVerdict == .inconclusive && c.trainedWithoutBN == 1)
    }
}
