import Datasets
import Engine
import Foundation
import Testing
@testable import Studies
import TestSupport
@testable import Training

/// The schedule study's config checks, its verdict rules on made-up numbers, and a tiny real run.
@Suite struct LRSchedulesTests {
    typealias S = LRSchedulesStudy

    @Test func configErrorsNameTheKey() {
        func message(_ change: (inout S.Config) -> Void) -> String? {
            var c = S.Config(profile: .quick)
            change(&c)
            do { try c.validate(); return nil } catch { return error.description }
        }
        #expect(message { _ in } == nil)
        #expect(message { $0.schedules[1] = "multistep:milestones=x" }?.hasPrefix("schedules[1]: multistep: milestones") == true)
        #expect(message { $0.schedules[2] = "cosin" }?.hasPrefix("schedules[2]: unknown schedule 'cosin'; valid: constant,") == true)
        #expect(message { $0.schedules = ["constant", "onecycle"] }?.hasPrefix("schedules: needs a step or multistep") == true)
        #expect(message { $0.rangeEnd = 1e-6 }?.hasPrefix("rangeEnd: must be above") == true)
        #expect(message { $0.highLearningRate = 0 }?.hasPrefix("highLearningRate:") == true)
        #expect(S.Config(profile: .full) != S.Config(profile: .quick))
    }

    static func range(_ bn: Bool, _ seed: UInt64, divergence: Double?) -> S.RangeTestRun {
        S.RangeTestRun(depth: 2, batchNorm: bn, seed: seed,
                       result: LRRangeTest.Result(learningRates: [], smoothedLosses: [], suggested: 0.01, minimum: 0.1, divergence: divergence))
    }

    static func run(_ bn: Bool, _ seed: UInt64, oneCycle: Bool, accuracy: Float) -> S.ScheduleRun {
        let config = TrainingConfig(model: ModelSpec(family: bn ? .convnetBN : .convnet, inputShape: [1, 12, 12], classes: 4))
        let result = TrainingResult(config: config, stepLosses: [1], epochs: [], initialLoss: 1.4, finalLoss: 1, trainAccuracy: 0.8,
                                    testAccuracy: accuracy, testLoss: 1, divergedAtStep: nil, stoppedAtStep: nil, stopReason: nil)
        return S.ScheduleRun(part: .superConvergence, depth: 2, batchNorm: bn, schedule: oneCycle ? ScheduleSpec(name: .onecycle) : ScheduleSpec(name: .multistep),
                             rate: oneCycle ? .rangeMaximum : .best, learningRate: 0.1, seed: seed, epochs: oneCycle ? 1 : 3, result: result,
                             learningRates: [], testAccuracies: [accuracy], validationLosses: [], failed: false, failureReason: nil)
    }

    static func findings(bn: [Double?], plain: [Double?], oneCycle: [Float], step: [Float]) -> S.Findings {
        let ranges = bn.enumerated().map { range(true, UInt64($0.offset), divergence: $0.element) }
            + plain.enumerated().map { range(false, UInt64($0.offset), divergence: $0.element) }
        let runs = oneCycle.enumerated().map { run(true, UInt64($0.offset), oneCycle: true, accuracy: $0.element) }
            + step.enumerated().map { run(true, UInt64($0.offset), oneCycle: false, accuracy: $0.element) }
        var config = S.Config(profile: .quick)
        config.depths = [2]
        return S.Findings(depth: 2, config: config, rangeTests: ranges, runs: runs)
    }

    @Test func divergenceVerdictFollowsItsRule() {
        // scan resolution with the quick defaults: (10 / 1e-5)^(2/99) ≈ 1.32
        let f = Self.findings(bn: [5, 6], plain: [0.5, 1], oneCycle: [], step: [])
        #expect(abs(f.scanResolution - pow(1e6, 2.0 / 99)) < 1e-12)
        #expect(f.divergenceVerdict == .agrees)
        #expect(abs((f.divergenceRatio ?? 0) - (10.0 * 6).squareRoot()) < 1e-9)   // geometric mean of 10 and 6
        #expect(Self.findings(bn: [0.5, 0.6], plain: [5, 6], oneCycle: [], step: []).divergenceVerdict == .differs)
        #expect(Self.findings(bn: [5, 0.6], plain: [0.5, 6], oneCycle: [], step: []).divergenceVerdict == .inconclusive)
        // within two scan steps is no difference
        #expect(Self.findings(bn: [1.2, 1.2], plain: [1, 1], oneCycle: [], step: []).divergenceVerdict == .inconclusive)
        // BN never diverged: the ratio is a lower bound, and still above
        let bound = Self.findings(bn: [nil, nil], plain: [1, 1], oneCycle: [], step: [])
        #expect(bound.divergenceVerdict == .agrees && bound.ratioIsLowerBound)
        // no-BN never diverged: nothing to compare
        #expect(Self.findings(bn: [5, 6], plain: [nil, 1], oneCycle: [], step: []).divergenceVerdict == .inconclusive)
    }

    @Test func superConvergenceVerdictFollowsItsRule() {
        let match = Self.findings(bn: [], plain: [], oneCycle: [0.80, 0.82], step: [0.81, 0.83])
        #expect(match.superWithBN.matches == true && match.superVerdict == .agrees)
        let short = Self.findings(bn: [], plain: [], oneCycle: [0.50, 0.52], step: [0.81, 0.83])
        #expect(short.superWithBN.matches == false && short.superVerdict == .differs)
        // better than the step schedule also matches
        #expect(Self.findings(bn: [], plain: [], oneCycle: [0.9, 0.91], step: [0.81, 0.83]).superVerdict == .agrees)
        // seeds too far apart (allowance above 10 points): no verdict
        let wide = Self.findings(bn: [], plain: [], oneCycle: [0.1, 0.8], step: [0.5, 0.6])
        #expect((wide.superWithBN.noise ?? 0) > S.maxNoise && wide.superVerdict == .inconclusive)
        // one seed: no noise estimate, no verdict
        let one = Self.findings(bn: [], plain: [], oneCycle: [0.8], step: [0.81])
        #expect(one.superWithBN.noise == nil && one.superVerdict == .inconclusive)
    }

    @Test func tinyRunUsesTheValidationSplitAndIsDeterministic() throws {
        var config = S.Config(profile: .quick)
        config.depths = [2]
        config.epochs = 3
        config.batchSize = 32
        config.validationImages = 64
        config.trainLimit = 96
        config.testLimit = 32
        config.rangeSteps = 12
        config.rangeSeeds = 1
        config.superSeeds = 1
        config.schedules = ["constant", "multistep:per=batch", "plateau:patience=0,threshold=0.5"]
        let study = S(config: config)
        let context = StudyContext(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization)
        let units = study.units(seed: 7)
        #expect(units.count == 2 + 2 * 2 * 3 + 2 * 2)
        let outputs = try units.map { try study.run($0, in: context) }
        let result = study.assemble(outputs, of: units)
        #expect(result.rangeTests.count == 2 && result.runs.count == 2 * 2 * 3 + 2 * 2)
        for r in result.runs where r.part == .schedules {
            #expect(r.testAccuracies.count == r.result.epochs.count)
            // plateau evaluates the held-out split after each epoch and decides on it
            #expect(r.validationLosses.count == (r.schedule.name == .plateau ? r.result.epochs.count : 0))
            #expect(r.testAccuracies.last == r.result.testAccuracy)
            #expect(r.learningRates.count == r.result.stepLosses.count)
            if r.schedule.name == .multistep && r.result.divergedAtStep == nil {
                // 96 images in batches of 32: 9 steps; cuts after steps 4 and 6
                #expect(r.learningRates[3] == r.learningRates[0] && abs(r.learningRates[4] - r.learningRates[0] * 0.1) < 1e-6 * r.learningRates[0])
            }
            if r.schedule.name == .plateau && r.result.divergedAtStep == nil {
                // threshold 0.5 (relative): epoch 2 cannot halve the validation loss, so the rate is cut after it
                #expect(r.learningRates.last.map { abs($0 - r.learningRates[0] * 0.1) < 1e-6 * r.learningRates[0] } == true)
            }
        }
        // best constant rate: a tenth of the range test's lowest-loss learning rate
        let bnRange = try #require(result.rangeTests.first { $0.batchNorm })
        let best = try #require(result.runs.first { $0.batchNorm && $0.rate == .best })
        let expected = (bnRange.result.minimum ?? 0) / 10
        #expect(abs(Double(best.learningRate) - expected) <= 1e-6 * expected)
        // units computed again from scratch, in another order (range tests after the runs that need them), give the same bytes
        SharedComputation.shared.removeAll()
        let picked = [units.count - 1, units.count - 3, 5, 1]
        let again = try picked.map { try study.run(units[$0], in: context) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for (u, (a, b)) in zip(picked.map { units[$0] }, zip(picked.map { outputs[$0] }, again)) {
            let ea = try encoder.encode(a.run), eb = try encoder.encode(b.run)
            let ra = try encoder.encode(a.rangeTest), rb = try encoder.encode(b.rangeTest)
            #expect(ea == eb && ra == rb, "\(u.key)")
        }
    }
}
