import Datasets
import Engine
import Foundation
import Testing
@testable import Studies
import TestSupport
import Training

/// The transfer study: its data sets, units that run alone, the strategies' set-ups, the verdict
/// rules on synthetic results (both ways), and config validation.
@Suite struct TransferStudyTests {
    typealias T = TransferStudy

    /// A tiny config for the pipeline, report and end-to-end tests (debug builds are slow).
    static func tiny() -> T.Config {
        var c = T.Config(profile: .quick)
        c.targets = [.newClasses, .inverted]
        c.sizes = [16]
        c.allImages = true
        c.seeds = 1
        c.sourceImages = 96
        c.sourceEpochs = 1
        c.epochs = 1
        c.minSteps = 2
        c.batchSize = 16
        c.testLimit = 32
        c.statisticsImages = 32
        return c
    }

    var context: StudyContext { StudyContext(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization) }

    @Test func setsSplitClassesShiftPixelsAndKeepThePoolApartFromTheSource() throws {
        let c = Self.tiny()
        let newClasses = try T.Sets(target: .newClasses, config: c, train: synthetic.train, test: synthetic.test)
        #expect(newClasses.classes == 2 && newClasses.source.count == 96)
        #expect(newClasses.source.classCount == 2 && newClasses.pool.classCount == 2 && newClasses.test.classCount == 2)
        #expect(Set(newClasses.pool.labels) == [0, 1] && newClasses.pool.count == synthetic.train.labels.filter { $0 >= 2 }.count)
        let inverted = try T.Sets(target: .inverted, config: c, train: synthetic.train, test: synthetic.test)
        // the pool: the source classes' images the pretraining did not use, inverted
        let sourceIndices = synthetic.train.labels.indices.filter { synthetic.train.labels[$0] < 2 }
        #expect(inverted.pool.count == sourceIndices.count - 96)
        let firstUnused = synthetic.train.subset([sourceIndices[96]])
        #expect(Array(inverted.pool.pixels.prefix(144)) == firstUnused.pixels.map { 255 - $0 })
        #expect(inverted.test.pixels == inverted.sourceTest.pixels.map { 255 - $0 } && inverted.test.labels == inverted.sourceTest.labels)
        let low = try T.Sets(target: .lowContrast, config: c, train: synthetic.train, test: synthetic.test)
        #expect(low.test.pixels == low.sourceTest.pixels.map { $0 / 2 + 64 })
        // a run's images: nested draws from the pool
        let small = inverted.training(10, seed: 4), large = inverted.training(40, seed: 4)
        #expect(small.count == 10 && Array(large.pixels.prefix(small.pixels.count)) == small.pixels)
        #expect(inverted.training(nil, seed: 4).count == inverted.pool.count)
        var tooMany = c
        tooMany.sourceImages = 10_000
        #expect(throws: ConfigError.self) { try T.Sets(target: .inverted, config: tooMany, train: synthetic.train, test: synthetic.test) }
    }

    @Test func strategiesFreezeAndSetModesAsTheirRecipesSay() throws {
        let c = Self.tiny()
        let study = T(config: c)
        let sets = try T.Sets(target: .inverted, config: c, train: synthetic.train, test: synthetic.test)
        let source = try study.pretrained(seed: 0, data: sets, context: context)
        for strategy in T.Strategy.allCases {
            let (model, keys) = try study.load(source, data: sets, inputShape: [1, 12, 12])
            #expect(keys.isEmpty)
            let before = model.namedBatchNorms().map { $0.1.runningMean.value }
            var rng = SeededGenerator(seed: 1)
            let head = try Linear(inFeatures: 288, outFeatures: 2, rng: &rng)
            let setMode = try strategy.prepare(model, head: head, target: sets.pool, normalization: synthetic.normalization, batchSize: 16)
            setMode(model)
            let trainable = model.namedParameters().filter { $0.1.requiresGrad }.map(\.0)
            let modes = model.namedBatchNorms().map(\.1.isTraining)
            #expect(model.child(named: "fc") === head)
            switch strategy {
            case .full: #expect(trainable.count == model.namedParameters().count && modes == [true, true])
            case .recipe, .adaBN: #expect(trainable == ["fc.weight", "fc.bias"] && modes == [false, false] && model.isTraining)
            case .bnAffine: #expect(trainable == ["bn1.weight", "bn1.bias", "bn2.weight", "bn2.bias", "fc.weight", "fc.bias"] && modes == [true, true])
            }
            let after = model.namedBatchNorms().map { $0.1.runningMean.value }
            #expect((after != before) == (strategy == .adaBN), "\(strategy): statistics re-estimated only by AdaBN")
        }
    }

    /// A unit gives the same result alone (its pretraining computed afresh) as after others
    /// shared theirs, and the checkpoint goes through safetensors bytes.
    @Test func unitsRunAloneWithTheSameResult() throws {
        let study = T(config: Self.tiny())
        let units = study.units(seed: 7)
        #expect(Set(units.map(\.key)).count == units.count)
        // 2 targets × 4 strategies × 2 sizes (16 and all) × 1 seed, and a statistics unit per target
        #expect(units.count == 2 * 4 * 2 + 2)
        #expect(units[0].strategy == .full && units[0].size == nil && units.last?.strategy == nil)
        let pick = [units[0], units.last!]
        let shared = try pick.map { try study.run($0, in: context) }
        SharedComputation.shared.removeAll()
        let alone = try pick.reversed().map { try study.run($0, in: context) }.reversed()
        #expect(Array(alone) == shared)
        #expect(shared[1].statistics?.layers.map(\.layer) == ["bn1", "bn2"])
        #expect(shared[1].statistics?.unadaptedAccuracy != nil)
        let pool = try T.Sets(target: units[0].target, config: Self.tiny(), train: synthetic.train, test: synthetic.test).pool
        #expect(shared[0].run?.images == pool.count)
    }

    // MARK: - Verdicts on synthetic results

    /// Runs of one target with accuracies per strategy and seed at each size.
    func runs(_ accuracy: [T.Strategy: [Float]], sizes: [Int?] = [100], target: T.Target = .inverted) -> [T.Run] {
        sizes.flatMap { size in
            accuracy.flatMap { strategy, values in
                values.enumerated().map { seed, a in
                    T.Run(target: target, strategy: strategy, size: size, images: size ?? 500, seed: UInt64(seed), accuracy: a,
                          finalLoss: 0.5, epochs: 1, steps: 10, failed: false, failureReason: nil)
                }
            }
        }
    }

    func findings(_ runs: [T.Run], seeds: Int = 3) -> TransferFindings {
        var c = T.Config(profile: .quick)
        c.targets = [.inverted]
        c.seeds = seeds
        return TransferFindings(config: c, runs: runs, statistics: [])
    }

    func verdict(_ f: TransferFindings, _ claim: TransferFindings.Claim, size: Int? = 100) -> Verdict? {
        f.checks.first { $0.claim == claim && $0.size == size }?.verdict
    }

    @Test func verdictsAgreeDifferOrAreInconclusiveBySeedSpread() {
        let clearlyBetter = findings(runs([.adaBN: [0.80, 0.82, 0.81], .recipe: [0.70, 0.71, 0.69], .full: [0.6, 0.6, 0.6], .bnAffine: [0.75, 0.74, 0.76]]))
        #expect(verdict(clearlyBetter, .adaBN) == .agrees)
        #expect(verdict(clearlyBetter, .bnAffine) == .agrees)
        #expect(verdict(clearlyBetter, .recipeSmallData) == .agrees)
        #expect(verdict(clearlyBetter, .fullLargeData) == .differs)
        let winner = clearlyBetter.winners.first
        #expect(winner?.strategy == .adaBN && winner?.runnerUp == .bnAffine && winner?.clear == true)

        let clearlyWorse = findings(runs([.adaBN: [0.60, 0.61, 0.59], .recipe: [0.70, 0.71, 0.69]]))
        #expect(verdict(clearlyWorse, .adaBN) == .differs)
        #expect(clearlyWorse.winners.first?.strategy == .recipe)

        // paired differences +8, −6, +1 points: no verdict either way
        let noisy = findings(runs([.adaBN: [0.78, 0.65, 0.71], .recipe: [0.70, 0.71, 0.70]]))
        #expect(verdict(noisy, .adaBN) == .inconclusive)
        #expect(noisy.winners.first?.clear == false)

        let oneSeed = findings(runs([.adaBN: [0.9], .recipe: [0.5]]), seeds: 1)
        #expect(verdict(oneSeed, .adaBN) == .inconclusive && oneSeed.winners.first?.clear == false)

        // a paired comparison: a large seed-to-seed spread that moves both strategies together still decides
        let paired = findings(runs([.adaBN: [0.52, 0.72, 0.92], .recipe: [0.50, 0.70, 0.90]]))
        #expect(verdict(paired, .adaBN) == .agrees)
    }

    /// Li et al.'s claim without labels: AdaBN alone against the unadapted source model, paired by seed.
    @Test func adaBNAloneVerdictBothWays() {
        func baseline(_ unadapted: [Float], _ adaBN: [Float], target: T.Target = .lowContrast) -> TransferFindings.Baseline? {
            var c = T.Config(profile: .quick)
            c.targets = [target]
            let stats = zip(unadapted, adaBN).enumerated().map { seed, pair in
                T.Statistics(target: target, seed: UInt64(seed), classes: 5, sourceAccuracy: 0.85,
                             unadaptedAccuracy: target.sharesClasses ? pair.0 : nil, adaBNOnlyAccuracy: target.sharesClasses ? pair.1 : nil,
                             layers: [], loadReport: "")
            }
            return TransferFindings(config: c, runs: [], statistics: stats).baselines.first
        }
        #expect(baseline([0.52, 0.80, 0.80], [0.88, 0.83, 0.83])?.adaBNVerdict == .inconclusive)   // one seed carries the gain
        #expect(baseline([0.70, 0.72, 0.71], [0.84, 0.85, 0.83])?.adaBNVerdict == .agrees)
        #expect(baseline([0.26, 0.28, 0.24], [0.20, 0.22, 0.19], target: .inverted)?.adaBNVerdict == .differs)
        #expect(baseline([0.70], [0.85])?.adaBNVerdict == .inconclusive)
        let other = baseline([0.5, 0.5], [0.6, 0.6], target: .newClasses)
        #expect(other?.adaBNGain == nil && other?.unadapted == nil && other?.adaBNVerdict == .inconclusive)
    }

    @Test func sizeClaimsAreCheckedAtTheSmallestAndLargestSizesOnly() {
        let f = findings(runs([.full: [0.6, 0.61, 0.62], .recipe: [0.7, 0.71, 0.72]], sizes: [100, 1000, nil]))
        #expect(f.checks.filter { $0.claim == .recipeSmallData }.map(\.size) == [100])
        #expect(f.checks.filter { $0.claim == .fullLargeData }.map(\.size) == [nil])
        #expect(verdict(f, .recipeSmallData) == .agrees && verdict(f, .fullLargeData, size: nil) == .differs)
        #expect(f.checks.filter { $0.claim == .adaBN }.isEmpty, "no AdaBN runs, no AdaBN claim")
        #expect(f.cells.map(\.images).sorted() == [100, 100, 500, 500, 1000, 1000])
        #expect(T(config: T.Config(profile: .quick)).metrics(of: T.Result(config: T.Config(profile: .quick), runs: [], statistics: [], poolSizes: [:], findings: f))
            .contains { $0.id == "transfer.inverted.frozen-bn-eval.all.accuracy" })
    }

    @Test func configErrorsNameTheKey() {
        func key(_ change: (inout T.Config) -> Void) -> String? {
            var c = T.Config(profile: .quick)
            change(&c)
            do { try c.validate(); return nil } catch { return error.key }
        }
        #expect(key { _ in } == nil)
        #expect(key { $0.targets = [] } == "targets")
        #expect(key { $0.strategies = [.full, .full] } == "strategies")
        #expect(key { $0.sizes = [100, 1] } == "sizes[1]")
        #expect(key { $0.sizes = []; $0.allImages = false } == "sizes")
        #expect(key { $0.seeds = 0 } == "seeds")
        #expect(key { $0.learningRate = -1 } == "learningRate")
        #expect(key { $0.momentum = 1 } == "momentum")
        #expect(key { $0.batchSize = 1 } == "batchSize")
        #expect(key { $0.testLimit = 0 } == "testLimit")
        for profile in Profile.allCases { #expect(throws: Never.self) { try T.Config(profile: profile).validate() } }
    }
}
