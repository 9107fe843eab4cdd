import Datasets
import Engine
import Foundation
import Testing
@testable import Studies
import TestSupport
@testable import Training

/// The running-statistics, batch-size and dropout studies: probes that change nothing, the
/// measurements they rest on, the verdict rules, and config validation.
@Suite struct NormStudiesTests {
    /// Tiny configs for the pipeline, report and end-to-end tests (debug builds are slow).
    static func tinyRunningStats() -> RunningStatsStudy.Config {
        var c = RunningStatsStudy.Config(profile: .quick)
        c.momenta = [.exponential(0.1), .cumulative]
        c.seeds = 1
        c.trainLimit = 64
        c.testLimit = 32
        c.batchSize = 16
        c.checkpoints = 2
        c.singleImages = 4
        return c
    }

    static func tinyBatchSize() -> BatchSizeStudy.Config {
        var c = BatchSizeStudy.Config(profile: .quick)
        c.norms = [.batch, .group]
        c.batchSizes = [4, 16]
        c.depth = 2
        c.trainLimit = 32
        c.testLimit = 32
        c.seeds = 1
        return c
    }

    static func tinyDropout() -> DropoutStudy.Config {
        var c = DropoutStudy.Config(profile: .quick)
        c.depth = 2
        c.seeds = 1
        c.trainLimit = 64
        c.testLimit = 32
        c.batchSize = 16
        c.varianceImages = 32
        return c
    }

    var context: StudyContext { StudyContext(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization) }

    @Test func runningStatsProbesDoNotChangeTheRun() throws {
        var config = Self.tinyRunningStats()
        config.trainLimit = 128
        let study = RunningStatsStudy(config: config)
        for unit in study.units(seed: 3).prefix(3) {
            let training = study.trainingConfig(unit, inputShape: [1, 12, 12], classes: 4)
            let train = synthetic.train.prefix(128), test = synthetic.test.prefix(64)
            let recorder = RunningStatsRecorder(steps: [1, 4, 8], test: test, batchSize: 16)
            let probed = try Trainer(config: training).run(train: train, test: test, normalization: synthetic.normalization, observers: [recorder])
            let plain = try Trainer(config: training).run(train: train, test: test, normalization: synthetic.normalization)
            #expect(probed.result == plain.result, "\(unit.key)")
            for ((_, a), (_, b)) in zip(probed.model.namedBuffers(), plain.model.namedBuffers()) { #expect(a.value == b.value) }
            #expect(recorder.checkpoints.map(\.step) == [1, 4, 8])
            let tracked = unit.arm.momentum != nil
            #expect(recorder.checkpoints.allSatisfy { $0.layers.count == (tracked ? 2 : 0) })
        }
    }

    @Test func momentumNoneMatchesThePopulationAfterTheFirstStep() throws {
        // after one step, the cumulative average is that batch's statistics; recomputed over the
        // whole set they differ, but by much less than momentum 0.1's (0.9 of the initial 0 / 1).
        var config = Self.tinyRunningStats()
        config.trainLimit = 128
        let study = RunningStatsStudy(config: config)
        let units = study.units(seed: 0)
        var first: [String: Double] = [:]
        for unit in units where unit.seed == 0 {
            let recorder = RunningStatsRecorder(steps: [1], test: synthetic.test.prefix(64), batchSize: 16)
            _ = try Trainer(config: study.trainingConfig(unit, inputShape: [1, 12, 12], classes: 4))
                .run(train: synthetic.train.prefix(128), test: synthetic.test.prefix(64), normalization: synthetic.normalization,
                     observers: [recorder])
            if let l = recorder.checkpoints.first?.layers.first { first[unit.arm.label] = l.varianceError }
        }
        let none = try #require(first["momentum None"]), tenth = try #require(first["momentum 0.1"])
        #expect(none < tenth / 3, "None \(none), 0.1 \(tenth)")
    }

    @Test func runningStatsStudyRecordsTheSingleImageFacts() throws {
        let study = RunningStatsStudy(config: Self.tinyRunningStats())
        let unit = study.units(seed: 0)[0]
        let run = try study.run(unit, in: context)
        let single = try #require(run.singleImage)
        #expect(single.evalMaxDifference <= 1e-5)
        #expect(single.trainMaxDifference > 1e-3)
        #expect(run.recalibratedAccuracy != nil)
        #expect(RunningStatsStudy.batchNorm1dSingleSampleError().hasPrefix("Expected more than 1 value per channel when training"))
    }

    @Test func varianceShiftIsMeasuredWhereDropoutFeedsBN() throws {
        var config = Self.tinyDropout()
        config.depth = 3
        config.trainLimit = 128
        config.varianceImages = 64
        let study = DropoutStudy(config: config)
        let runs = try study.units(seed: 1).map { try study.run($0, in: context) }
        let before = try #require(runs.first { $0.arrangement == .beforeNorm })
        let after = try #require(runs.first { $0.arrangement == .afterNorm })
        // depth 3: BatchNorms 1–3; dropout feeds the 2nd and 3rd in the before-norm network only
        #expect(before.shifts.map(\.afterDropout) == [false, true, true])
        #expect(after.shifts.map(\.afterDropout) == [false, false, false])
        // the first BatchNorm's input does not depend on the mode (no dropout or BN before it)
        for r in runs { #expect(abs(r.shifts[0].measured - 1) < 1e-3) }
        // before-norm: dropout inflates the training variance; the formula's prediction is below 1
        #expect(before.shifts[1].measured < 1)
        #expect(before.shifts[1].predicted < 1 && before.shifts[0].predicted == 1)
        let result = study.assemble(runs, of: study.units(seed: 1))
        #expect(result.findings.shiftBefore.values.count == 1)
        #expect(result.findings.shiftVerdict == .inconclusive, "one seed cannot decide")
    }

    @Test func verdictRulesCanGoEitherWay() {
        #expect(NormProbes.positive(SeedSpread([0.05, 0.06, 0.055])) == .agrees)
        #expect(NormProbes.positive(SeedSpread([-0.05, -0.06, -0.055])) == .differs)
        #expect(NormProbes.positive(SeedSpread([-0.05, 0.06])) == .inconclusive)
        #expect(NormProbes.positive(SeedSpread([0.05])) == .inconclusive)
        #expect(NormProbes.withinTolerance(SeedSpread([0.001, -0.002, 0.0]), 0.01) == .agrees)
        #expect(NormProbes.withinTolerance(SeedSpread([0.08, 0.09, 0.085]), 0.01) == .differs)
        #expect(NormProbes.withinTolerance(SeedSpread([0.0, 0.03]), 0.01) == .inconclusive)
    }

    @Test func batchSizeFindingsCompareTheSmallestBatchWithTheLargestUpTo32() {
        let config = { () -> BatchSizeStudy.Config in
            var c = BatchSizeStudy.Config(profile: .quick); c.batchSizes = [2, 8, 32, 64]; c.norms = [.batch, .group]; c.seeds = 2; return c
        }()
        func run(_ norm: NormKind, _ b: Int, _ seed: UInt64, _ error: Float) -> BatchSizeStudy.Run {
            let r = TrainingResult(config: TrainingConfig(model: ModelSpec(family: .convnet)), stepLosses: [], epochs: [], initialLoss: 2,
                                   finalLoss: 1, trainAccuracy: 0.5, testAccuracy: 1 - error, testLoss: 1)
            return BatchSizeStudy.Run(norm: norm, batchSize: b, learningRate: 0.1, seed: seed, result: r, failed: false, testError: error)
        }
        var runs: [BatchSizeStudy.Run] = []
        for seed in [UInt64(0), 1] {
            let d = Float(seed) * 0.005
            runs += [run(.batch, 2, seed, 0.35 + d), run(.batch, 8, seed, 0.3), run(.batch, 32, seed, 0.24 + d), run(.batch, 64, seed, 0.2),
                     run(.group, 2, seed, 0.25 + d), run(.group, 8, seed, 0.25), run(.group, 32, seed, 0.245 + d), run(.group, 64, seed, 0.3)]
        }
        let f = BatchSizeFindings(config: config, runs: runs)
        #expect(f.smallBatch == 2 && f.largeBatch == 32)
        #expect(f.bnVerdict == .agrees && f.gnVerdict == .agrees)
        #expect(abs((f.bnLoss.mean ?? 0) - 0.11) < 1e-6)
        // GroupNorm 10 points worse at batch 2: not flat
        let worse = runs.map { r in r.norm == .group && r.batchSize == 2 ? run(.group, 2, r.seed, 0.35 + Float(r.seed) * 0.001) : r }
        #expect(BatchSizeFindings(config: config, runs: worse).gnVerdict == .differs)
    }

    @Test func configsRejectBadValuesNamingTheKey() {
        func key(_ body: () throws -> Void) -> String? {
            do { try body(); return nil } catch { return (error as? ConfigError)?.key ?? "\(error)" }
        }
        var rs = RunningStatsStudy.Config(profile: .quick)
        rs.momenta = [.exponential(0.1), .exponential(0)]
        #expect(key { try rs.validate() } == "momenta[1]")
        rs = RunningStatsStudy.Config(profile: .quick); rs.momenta = []; rs.untracked = false
        #expect(key { try rs.validate() } == "momenta")
        var bs = BatchSizeStudy.Config(profile: .quick)
        bs.batchSizes = [1, 4]
        #expect(key { try bs.validate() } == "batchSizes[0]")
        bs = BatchSizeStudy.Config(profile: .quick); bs.groups = 3
        #expect(key { try bs.validate() } == "groups")
        bs = BatchSizeStudy.Config(profile: .quick); bs.trainLimit = 16
        #expect(key { try bs.validate() } == "trainLimit")
        var d = DropoutStudy.Config(profile: .quick)
        d.p = 1
        #expect(key { try d.validate() } == "p")
        for profile in Profile.allCases {
            #expect(key { try RunningStatsStudy.Config(profile: profile).validate() } == nil)
            #expect(key { try BatchSizeStudy.Config(profile: profile).validate() } == nil)
            #expect(key { try DropoutStudy.Config(profile: profile).validate() } == nil)
        }
    }

    @Test func momentumDecodesFromNumbersAndCumulative() throws {
        let decoded = try JSONDecoder().decode([BatchNormOptions.Momentum].self, from: Data(#"[0.05, "cumulative"]"#.utf8))
        #expect(decoded == [.exponential(0.05), .cumulative])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([BatchNormOptions.Momentum].self, from: Data(#"["none"]"#.utf8)) }
        let encoded = String(decoding: try JSONEncoder().encode(decoded), as: UTF8.self)
        #expect(encoded == #"[0.05,"cumulative"]"#)
    }
}
