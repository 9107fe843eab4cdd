import Datasets
import Engine
import Foundation
import Testing
@testable import Studies
import TestSupport
@testable import Training

/// The activation study: its statistics, hooks that change nothing, the verdict rules both ways,
/// bounded results, and config validation.
@Suite struct ActivationsTests {
    typealias A = ActivationsStudy

    /// A tiny config for the pipeline, report and end-to-end tests (debug builds are slow).
    static func tiny() -> A.Config {
        var c = A.Config(profile: .quick)
        c.seeds = 2
        c.mlpEpochs = 2
        c.mlpTrainLimit = 120
        c.mlpCaptureEvery = 1
        c.probeImages = 32
        c.convnetTrainLimit = 64
        c.convnetBatchSize = 16
        c.convnetCaptureEvery = 2
        return c
    }

    var context: StudyContext { StudyContext(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization) }

    // MARK: - Statistics

    @Test func quantilesInterpolateAsTorchAndKeepExactExtremes() {
        // torch.quantile(torch.tensor([1., 2, 3, 4]), [0, .25, .5, .9, 1]) = [1, 1.75, 2.5, 3.7, 4]
        let q = ActivationStatistics.quantiles([4, 1, .nan, 3, 2], percents: [0, 25, 50, 90, 100])
        #expect(zip(q, [1, 1.75, 2.5, 3.7, 4] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(q)")
        // a large input is sampled, but its minimum and maximum stay exact
        var big = (0..<200_000).map { Float($0 % 1000) / 1000 }
        big[123_457] = -5; big[199_999] = 7
        let b = ActivationStatistics.quantiles(big, percents: ActivationStatistics.tensorBoardPercentiles)
        #expect(b.first == -5 && b.last == 7)
        #expect(abs(b[4] - 0.5) < 0.01, "median \(b[4])")
        #expect(ActivationStatistics.quantiles([Float.nan], percents: [50])[0].isNaN)
    }

    @Test func channelMomentsDeadAndSaturatedFractions() {
        // x: [2, 2, 1, 2]; channel 0 = {1, 3, 5, 7}, channel 1 = {−1, −1, −1, 2}
        let x = Tensor(shape: [2, 2, 1, 2], data: [1, 3, -1, -1, 5, 7, -1, 2])
        let (mean, std) = ActivationStatistics.channelMoments(x)
        #expect(mean == [4, -0.25])
        #expect(abs(std[0] - 5.0.squareRoot().float) < 1e-6 && abs(std[1] - (27.0 / 16).squareRoot().float) < 1e-6)
        // units (c, h, w): channel 1's first position is ≤ 0 for both images: 1 of 4 dead
        #expect(ActivationStatistics.deadFraction(reluInput: x) == 0.25)
        #expect(ActivationStatistics.deadFraction(reluInput: Tensor(zeros: [3, 5])) == 1)
        let y = Tensor(shape: [4], data: [0.005, 0.5, 0.995, 0.99])
        #expect(ActivationStatistics.saturatedFraction(sigmoidOutput: y) == 0.5)
        let u = ActivationStatistics.unitQuantiles(Tensor(shape: [3, 2], data: [1, 10, 2, 20, 3, 30]), percents: [0, 50, 100])
        #expect(u == [[1, 2, 3], [10, 20, 30]])
    }

    @Test func driftIsZeroForSteadyUnitsAndGrowsWithTheirMovement() {
        let steps = Array(stride(from: 0, through: 100, by: 5))
        // unit 0 steady; unit 1's median moves by 2 after step 20, spread 2 throughout
        let steady = steps.map { _ in [[-1, 0, 1] as [Float], [-1, 0, 1]] }
        let d0 = ActivationStatistics.drift(steps: steps, percentiles: steady, totalSteps: 100)
        #expect(d0.median == 0 && d0.spread == 0)
        let moving = steps.map { s -> [[Float]] in
            let m: Float = s >= 30 ? 2 : 0
            return [[-1, 0, 1], [m - 1, m, m + 1]]
        }
        let d1 = ActivationStatistics.drift(steps: steps, percentiles: moving, totalSteps: 100)
        #expect(abs(d1.median - 0.5) < 1e-9, "mean of 0 and |2 − 0| / 2 = 1: \(d1.median)")
        #expect(d1.spread == 0)
        #expect(ActivationStatistics.drift(steps: [0], percentiles: [steady[0]], totalSteps: 100).median.isNaN)
    }

    // MARK: - Hooks never change a run

    @Test(arguments: [A.Network.mlp, A.Network.convnet])
    func capturesLeaveLossesAndWeightsBitIdentical(network: A.Network) throws {
        for bn in [false, true] {
            let spec: ModelSpec = network == .mlp
                ? ModelSpec(family: bn ? .mlpSigmoidBN : .mlpSigmoid, inputShape: [1, 12, 12], classes: 4, weightStd: 0.1)
                : ModelSpec(family: bn ? .convnetBN : .convnet, inputShape: [1, 12, 12], classes: 4)
            let training = TrainingConfig(model: spec, learningRate: 0.1, epochs: 2, batchSize: 16, momentum: 0.9, seed: 7, trainLimit: 96)
            let observer: any TrainingObserver
            if network == .mlp {
                let probe = BatchLoader(synthetic.test.prefix(40), normalization: synthetic.normalization, batchSize: 40).batch(0..<40)
                observer = MLPProbeRecorder(captureSteps: [0, 1, 2, 5, 12], probe: probe, trackedUnits: [0, 5])
            } else {
                var rng = SeededGenerator(seed: 0)
                let probes = FeatureMapCapture.probes(of: try spec.build(rng: &rng))
                let images = BatchLoader(synthetic.test, normalization: synthetic.normalization, batchSize: 4).batch(0..<4).images
                observer = ConvNetBatchRecorder(captureSteps: [1, 2, 5, 12], probes: probes, mapImages: images)
            }
            let watched = try Trainer(config: training).run(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization,
                                                            observers: [observer])
            let plain = try Trainer(config: training).run(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization)
            #expect(watched.result.stepLosses == plain.result.stepLosses, "\(spec) losses")
            #expect(watched.result == plain.result)
            for ((name, a), (_, b)) in zip(watched.model.namedParameters(), plain.model.namedParameters()) { #expect(a.value == b.value, "\(name)") }
            for ((name, a), (_, b)) in zip(watched.model.namedBuffers(), plain.model.namedBuffers()) { #expect(a.value == b.value, "\(name)") }
            if let r = observer as? MLPProbeRecorder {
                #expect(r.steps == [0, 1, 2, 5, 12] && r.layers.allSatisfy { $0.quantiles.count == 5 && $0.quantiles[0].count == 9 })
                #expect(r.percentiles.allSatisfy { $0.count == ModelSpec.mlpWidth })
            }
            if let r = observer as? ConvNetBatchRecorder {
                #expect(r.layers.map(\.steps) == [[1, 2, 5, 12], [1, 2, 5, 12]])
                #expect(r.layers.allSatisfy { $0.channelMean?.count == 4 && $0.deadFraction?.count == 4 })
                #expect(r.initialMaps.map(\.layer) == ["conv1", "conv2"] && r.initialMaps[0].channels == 16)
            }
        }
    }

    // MARK: - The study on a tiny config

    @Test func studyRunsKeepsSummariesAndMapsOutOfJSON() throws {
        let study = A(config: Self.tiny())
        let units = study.units(seed: 4)
        #expect(units.count == 2 * 1 + 2 * 2)
        #expect(units.filter(\.capturesMaps).count == 2)
        let outputs = try units.map { try study.run($0, in: context) }
        let result = study.assemble(outputs, of: units)
        #expect(result.mlpRuns.count == 4 && result.convnetRuns.count == 2)
        let mlp = result.mlpRuns[0]
        #expect(mlp.steps == Array(0...4) && mlp.accuracy.count == 5)
        #expect(mlp.unitPercentiles.count == 3 && mlp.unitPercentiles[0].count == 5 && mlp.meanPercentiles.count == 5)
        #expect(result.convnetRuns.allSatisfy { $0.maps.map(\.stage) == ["init", "end"] && $0.mapImages?.count == 4 })
        let maps = try #require(result.convnetRuns.first?.maps.last?.maps.first)
        #expect(maps.values.count == 4 * 16 * 12 * 12)
        // post-ReLU maps: nothing negative, at initialisation or at the end, with or without BN
        for run in result.convnetRuns {
            for snapshot in run.maps {
                for m in snapshot.maps { #expect(m.values.min() ?? -1 >= 0, "\(run.batchNorm) \(snapshot.stage) \(m.layer): min \(m.values.min() ?? .nan)") }
            }
        }
        let json = String(decoding: try JSONCoding.encoder().encode(result), as: UTF8.self)
        #expect(!json.contains("\"maps\"") && !json.contains("mapImages") && json.count < 100_000, "\(json.count) bytes")
        let decoded = try JSONCoding.decoder().decode(A.Result.self, from: Data(json.utf8))
        #expect(decoded.mlpRuns == result.mlpRuns && decoded.findings == result.findings)
        #expect(decoded.convnetRuns.allSatisfy { $0.maps.isEmpty })
        let metrics = study.metrics(of: result)
        #expect(!metrics.isEmpty && metrics.allSatisfy { $0.id.hasPrefix("activations.") })
        #expect(Set(metrics.map(\.id)).count == metrics.count)
    }

    // MARK: - Verdicts both ways

    static func mlpRun(bn: Bool, seed: UInt64, drift: Double, accuracy: Float, failed: Bool = false) -> A.MLPRun {
        A.MLPRun(batchNorm: bn, seed: seed, summary: A.RunSummary(steps: 100, finalLoss: 0.5, testAccuracy: accuracy, testLoss: 0.5, failed: failed),
                 steps: [0, 10, 100], accuracy: [0.1, 0.5, accuracy], medianDrift: drift, spreadDrift: drift / 2)
    }

    @Test func verdictRulesCanGoEitherWay() {
        let agrees = ActivationsFindings(mlpRuns: [
            Self.mlpRun(bn: false, seed: 0, drift: 0.40, accuracy: 0.80), Self.mlpRun(bn: false, seed: 1, drift: 0.44, accuracy: 0.81),
            Self.mlpRun(bn: true, seed: 0, drift: 0.08, accuracy: 0.86), Self.mlpRun(bn: true, seed: 1, drift: 0.10, accuracy: 0.87),
        ], convnetRuns: [])
        #expect(agrees.medianDriftVerdict == .agrees && agrees.spreadDriftVerdict == .agrees && agrees.accuracyVerdict == .agrees)
        #expect(agrees.mlpWithBN.accuracyAtTenth.mean == 0.5)
        #expect(agrees.speedVerdict == .inconclusive)   // both arms at 0.5 after a tenth
        let differs = ActivationsFindings(mlpRuns: [
            Self.mlpRun(bn: false, seed: 0, drift: 0.08, accuracy: 0.86), Self.mlpRun(bn: false, seed: 1, drift: 0.10, accuracy: 0.87),
            Self.mlpRun(bn: true, seed: 0, drift: 0.40, accuracy: 0.80), Self.mlpRun(bn: true, seed: 1, drift: 0.44, accuracy: 0.81),
        ], convnetRuns: [])
        #expect(differs.medianDriftVerdict == .differs && differs.accuracyVerdict == .differs)
        func faster(_ bn: [Float], _ plain: [Float]) -> Verdict {
            func run(_ b: Bool, _ k: Int, _ a: Float) -> A.MLPRun {
                var r = Self.mlpRun(bn: b, seed: UInt64(k), drift: 0.1, accuracy: 0.8)
                r.accuracy = [0.1, a, 0.8]
                return r
            }
            return ActivationsFindings(mlpRuns: bn.enumerated().map { run(true, $0, $1) } + plain.enumerated().map { run(false, $0, $1) },
                                       convnetRuns: []).speedVerdict
        }
        #expect(faster([0.80, 0.82], [0.60, 0.62]) == .agrees)
        #expect(faster([0.60, 0.62], [0.80, 0.82]) == .differs)
        // overlapping seeds, one seed, or an arm that failed to train: inconclusive
        let overlap = ActivationsFindings(mlpRuns: [
            Self.mlpRun(bn: false, seed: 0, drift: 0.1, accuracy: 0.8), Self.mlpRun(bn: false, seed: 1, drift: 0.5, accuracy: 0.86),
            Self.mlpRun(bn: true, seed: 0, drift: 0.2, accuracy: 0.8), Self.mlpRun(bn: true, seed: 1, drift: 0.3, accuracy: 0.86),
        ], convnetRuns: [])
        #expect(overlap.medianDriftVerdict == .inconclusive && overlap.accuracyVerdict == .inconclusive)
        let single = ActivationsFindings(mlpRuns: [Self.mlpRun(bn: false, seed: 0, drift: 0.4, accuracy: 0.8),
                                                   Self.mlpRun(bn: true, seed: 0, drift: 0.1, accuracy: 0.9)], convnetRuns: [])
        #expect(single.medianDriftVerdict == .inconclusive)
        let failed = ActivationsFindings(mlpRuns: [
            Self.mlpRun(bn: false, seed: 0, drift: 0.40, accuracy: 0.1, failed: true), Self.mlpRun(bn: false, seed: 1, drift: 0.44, accuracy: 0.81),
            Self.mlpRun(bn: true, seed: 0, drift: 0.08, accuracy: 0.86), Self.mlpRun(bn: true, seed: 1, drift: 0.10, accuracy: 0.87),
        ], convnetRuns: [])
        #expect(failed.medianDriftVerdict == .inconclusive && failed.mlpWithoutBN.trained == 1)
    }

    // MARK: - Config

    @Test func configRejectsBadValuesNamingTheKey() {
        func key(_ edit: (inout A.Config) -> Void) -> String? {
            var c = A.Config(profile: .quick)
            edit(&c)
            do { try c.validate(); return nil } catch { return error.key }
        }
        #expect(key { $0.mlpWeightStd = 0 } == "mlpWeightStd")
        #expect(key { $0.trackedUnits = [3, 100] } == "trackedUnits[1]")
        #expect(key { $0.trackedUnits = [] } == "trackedUnits")
        #expect(key { $0.mlpTrainLimit = 10 } == "mlpTrainLimit")
        #expect(key { $0.probeImages = 1 } == "probeImages")
        #expect(key { $0.mlpCaptureEvery = 0 } == "mlpCaptureEvery")
        #expect(key { $0.mlpEpochs = 1000; $0.mlpCaptureEvery = 1 } == "mlpCaptureEvery")
        #expect(key { $0.convnetLearningRate = -1 } == "convnetLearningRate")
        #expect(key { $0.convnetMomentum = 1 } == "convnetMomentum")
        #expect(key { $0.seeds = 0 } == "seeds")
        for profile in Profile.allCases { #expect(throws: Never.self) { try A.Config(profile: profile).validate() } }
    }

    @Test func captureStepsIncludeTheFirstAndLast() {
        #expect(A.captureSteps(first: 0, every: 4, total: 10) == [0, 4, 8, 10])
        #expect(A.captureSteps(first: 1, every: 5, total: 11) == [1, 6, 11])
        #expect(A.captureSteps(first: 1, every: 5, total: 0) == [])
        #expect(FeatureMapCapture.onePerClass(synthetic.test).count == 4)
    }
}

private extension Double {
    var float: Float { Float(self) }
}
