import Datasets
import Engine
import Foundation
import Testing
@testable import Studies
import TestSupport
import Training

@Suite struct RecurrentTests {
    typealias R = RecurrentStudy

    static func tinyRecurrent() -> R.Config {
        var c = R.Config(profile: .quick)
        c.hiddenSize = 8
        c.epochs = 2
        c.seeds = 2
        c.learningRates = [0.05, 100]
        c.gradientSeeds = 2
        c.gradientBatches = 1
        c.statisticsSteps = [1, 3, 6]
        c.trainLimit = 64
        c.testLimit = 32
        c.batchSize = 16
        return c
    }

    static var context: StudyContext {
        StudyContext(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization)
    }

    // MARK: - Config

    @Test func configNamesTheBadKey() {
        func key(_ change: (inout R.Config) -> Void) -> String? {
            var c = R.Config(profile: .quick)
            change(&c)
            do { try c.validate(); return nil } catch { return error.key }
        }
        #expect(key { _ in } == nil)
        #expect(key { $0.networks = ["rnn", "convnet"] } == "networks[1]")
        #expect(key { $0.networks = ["rnn", "rnn"] } == "networks[1]")
        #expect(key { $0.tasks = [] } == "tasks")
        #expect(key { $0.gammas = [0.1, -1] } == "gammas[1]")
        #expect(key { $0.learningRates = [0.1, .nan] } == "learningRates[1]")
        #expect(key { $0.statisticsSteps = [0] } == "statisticsSteps[0]")
        #expect(key { $0.gradientSeeds = 1 } == "gradientSeeds")
        #expect(key { $0.trainLimit = 10 } == "trainLimit")
        #expect(key { $0.hiddenSize = 4096 } == "hiddenSize")
        #expect(R.Config(profile: .full).hiddenSize == 128)
    }

    // MARK: - The study on synthetic data

    /// A real tiny run: one unit of each kind, and the properties that must hold whatever the numbers.
    @Test func unitsMeasureWhatTheySay() throws {
        let study = R(config: Self.tinyRecurrent())
        let units = study.units(seed: 0)
        #expect(units.count == 2 * 4 * 2 + 4 * 2 + 2 * 2)
        #expect(Set(units.map(\.key)).count == units.count)
        let outputs = try units.map { try study.run($0, in: Self.context) }
        let result = study.assemble(outputs, of: units)
        #expect(result.runs.count == 16 && result.sweeps.count == 8 && result.gammas.count == 4)
        for run in result.runs {
            #expect(run.initialGradients.count == 12 && run.initialGradients.allSatisfy { $0 > 0 && $0.isFinite })
            #expect(run.lateGradients.count == 12)
            #expect(run.testAccuracies.count == 2)
            #expect(run.testAccuracies.last == run.result.testAccuracy)
            // Without BN, batch and running statistics are the same computation.
            if run.network == "rnn" || run.network == "rnn-ln" { #expect(run.gap == 0, "\(run.network)") }
            #expect((run.statisticsStepAccuracies != nil) == (run.network == "rnn-bn-step"))
            // with every step's own statistics, the curve's last point is the ordinary evaluation
            if let a = run.statisticsStepAccuracies { #expect(a.count == 3 && a[2] == run.result.testAccuracy) }
        }
        // lr 100 fails everywhere; the gradients at init do not train
        for s in result.sweeps where s.learningRate == 100 { #expect(s.failed) }
        for g in result.gammas { #expect(g.gradients.count == 12) }
        // Same unit, same numbers (each unit stands alone, whatever else ran before it).
        let again = try study.run(units[5], in: Self.context)
        #expect(again.run == outputs[5].run)
        // metrics.json round trip derives the same findings
        let data = try JSONCoding.encoder().encode(result)
        let decoded = try JSONCoding.decoder().decode(R.Result.self, from: data)
        #expect(decoded == result)
        #expect(study.metrics(of: result).contains { $0.id == "recurrent.rnn-bn-step.rows.final_accuracy" && $0.value != nil })
    }

    // MARK: - Verdict rules, both ways, on made-up results

    /// A run with the given numbers (the training result itself comes from one real tiny run).
    static let base: TrainingResult = {
        let spec = ModelSpec(family: .rnn, inputShape: [1, 12, 12], classes: 4, hiddenSize: 4)
        return try! Trainer(config: TrainingConfig(model: spec, learningRate: 0.05, batchSize: 16, seed: 1, trainLimit: 32))
            .run(train: synthetic.train, test: synthetic.test.prefix(8), normalization: synthetic.normalization).result
    }()

    static func run(_ network: String, _ seed: UInt64, first: Float = 0.5, final: Float = 0.6, batchStats: Float? = nil,
                    initial: [Double] = [1, 1], steps: [Float]? = nil) -> R.Run {
        var result = base
        result.testAccuracy = final
        return R.Run(network: network, task: .rows, seed: seed, result: result, failed: false, failureReason: nil,
                     testAccuracies: [first, final], batchStatisticsAccuracy: batchStats ?? final,
                     initialGradients: initial, lateGradients: initial, statisticsStepAccuracies: steps)
    }

    static func config() -> R.Config {
        var c = R.Config(profile: .quick)
        c.tasks = [.rows]
        c.statisticsSteps = [1, 14, 28]
        c.learningRates = [0.1, 1]
        return c
    }

    @Test func convergenceAndGapClaimsBothWays() {
        // per-step BN faster than plain after one epoch, by far more than the seeds' spread: agrees
        var runs = [Self.run("rnn", 0, first: 0.50), Self.run("rnn", 1, first: 0.51),
                    Self.run("rnn-bn-step", 0, first: 0.70), Self.run("rnn-bn-step", 1, first: 0.71),
                    Self.run("rnn-ln", 0, first: 0.30), Self.run("rnn-ln", 1, first: 0.31),
                    Self.run("rnn-bn-shared", 0, final: 0.5, batchStats: 0.7), Self.run("rnn-bn-shared", 1, final: 0.52, batchStats: 0.71)]
        var f = R.Findings(config: Self.config(), runs: runs, sweeps: [], gammas: [])
        #expect(f.recurrentBNClaims[0]?.verdict == .agrees)
        #expect(f.layerNormClaims[0]?.verdict == .differs)
        #expect(f.gapClaims[0]?.verdict == .agrees)
        // the opposite gap: the shared BN loses nothing, the per-step one does
        runs = runs.map { r in
            var r = r
            if r.network == "rnn-bn-shared" { r.batchStatisticsAccuracy = r.accuracy }
            if r.network == "rnn-bn-step" { r.batchStatisticsAccuracy = r.accuracy + 0.2 + Float(r.seed) * 0.01 }
            return r
        }
        f = R.Findings(config: Self.config(), runs: runs, sweeps: [], gammas: [])
        #expect(f.gapClaims[0]?.verdict == .differs)
        // one seed: inconclusive whatever the means
        f = R.Findings(config: Self.config(), runs: runs.filter { $0.seed == 0 }, sweeps: [], gammas: [])
        #expect(f.recurrentBNClaims[0]?.verdict == .inconclusive && f.gapClaims[0]?.verdict == .inconclusive)
        // a network left out: no claim
        f = R.Findings(config: { var c = Self.config(); c.networks = ["rnn", "rnn-ln"]; return c }(), runs: runs, sweeps: [], gammas: [])
        #expect(f.gapClaims[0] == nil && f.recurrentBNClaims[0] == nil && f.layerNormClaims[0] != nil)
    }

    @Test func gammaClaimBothWays() {
        func gammas(_ decay01: Double, _ decay1: Double) -> [R.GammaRun] {
            (0..<3).flatMap { k -> [R.GammaRun] in
                let jitter = Double(k) * 0.01
                return [R.GammaRun(gamma: 0.1, seed: UInt64(k), gradients: [pow(10, decay01 + jitter), 1]),
                        R.GammaRun(gamma: 1, seed: UInt64(k), gradients: [pow(10, decay1 + jitter), 1])]
            }
        }
        // log10(‖∂L/∂h_T‖ / ‖∂L/∂h_1‖): γ = 1's gradient at t = 1 is 100× smaller: it vanishes faster, as Cooijmans
        var f = R.Findings(config: Self.config(), runs: [], sweeps: [], gammas: gammas(-0.5, -2))
        #expect(f.gammaClaim?.verdict == .agrees)
        #expect(abs((f.gammaDecay[1].mean ?? 0) - 1.99) < 1e-9)
        f = R.Findings(config: Self.config(), runs: [], sweeps: [], gammas: gammas(-2, -0.5))
        #expect(f.gammaClaim?.verdict == .differs)
        f = R.Findings(config: Self.config(), runs: [], sweeps: [], gammas: gammas(-1, -1))
        #expect(f.gammaClaim?.verdict == .inconclusive)
    }

    @Test func learningRateVerdicts() {
        let v = R.Findings.learningRateVerdict
        #expect(v(1, 0.1, 1) == .agrees)
        #expect(v(0.1, 1, 1) == .differs)
        #expect(v(0.1, 0.1, 1) == .differs)
        #expect(v(1, 1, 1) == .inconclusive)     // both at the top of the grid
        #expect(v(0.1, nil, 1) == .agrees)
        #expect(v(nil, 0.1, 1) == .differs)
        #expect(v(nil, nil, 1) == .inconclusive)
        // from sweep results: per-step BN trains well at 1, plain only at 0.1 (1 fails)
        var result = Self.base
        func sweep(_ n: String, _ lr: Float, _ acc: Float, failed: Bool = false) -> R.SweepRun {
            result.testAccuracy = acc
            return R.SweepRun(network: n, learningRate: lr, seed: 0, result: result, failed: failed, failureReason: nil)
        }
        let sweeps = [sweep("rnn", 0.1, 0.6), sweep("rnn", 1, 0.1, failed: true),
                      sweep("rnn-bn-step", 0.1, 0.6), sweep("rnn-bn-step", 1, 0.62),
                      sweep("rnn-ln", 0.1, 0.6), sweep("rnn-ln", 1, 0.3)]
        let f = R.Findings(config: Self.config(), runs: [Self.run("rnn", 0)], sweeps: sweeps, gammas: [])
        #expect(f.networks.first { $0.network == "rnn" }?.largestGoodLearningRate == 0.1)
        #expect(f.networks.first { $0.network == "rnn-bn-step" }?.largestGoodLearningRate == 1)
        #expect(f.learningRateVerdicts["rnn-bn-step"] == .agrees)
        #expect(f.learningRateVerdicts["rnn-ln"] == .differs)   // 0.3 is more than 5 points below its best
        #expect(f.learningRateVerdicts["rnn"] == nil)
    }

    @Test func statisticsOfTheFirstStepsBothWays() {
        func runs(_ loss: Float) -> [R.Run] {
            (0..<3).map { k in
                let final = 0.8 + Float(k) * 0.01
                return Self.run("rnn-bn-step", UInt64(k), final: final, initial: Array(repeating: 1, count: 28),
                                steps: [0.1, final - loss - Float(k) * 0.002, final])
            }
        }
        var f = R.Findings(config: Self.config(), runs: runs(0.001), sweeps: [], gammas: [])
        #expect(f.statisticsSteps == 14)   // the largest k within the first half of the 28 steps
        #expect(f.statisticsClaims[0]?.verdict == .agrees)
        f = R.Findings(config: Self.config(), runs: runs(0.2), sweeps: [], gammas: [])
        #expect(f.statisticsClaims[0]?.verdict == .differs)
        f = R.Findings(config: Self.config(), runs: Array(runs(0.001).prefix(1)), sweeps: [], gammas: [])
        #expect(f.statisticsClaims[0]?.verdict == .inconclusive)
    }
}
