import Datasets
import Engine
import Foundation
import Testing
@testable import Training
import TestSupport

/// `NAME[:key=value,…]` parsing, its one-line errors, and schedules driving real runs.
@Suite struct ScheduleSpecTests {
    @Test func parsesAndPrintsCanonically() throws {
        let spec = try ScheduleSpec(parsing: "plateau:patience=2, factor=0.5")
        #expect(spec.name == .plateau && spec.options == ["patience": "2", "factor": "0.5"])
        #expect(spec.description == "plateau:factor=0.5,patience=2")
        #expect(try ScheduleSpec(parsing: spec.description) == spec)
        #expect(try ScheduleSpec(parsing: "onecycle:max_lr=1").interval == .batch)
        #expect(try ScheduleSpec(parsing: "cosine").interval == .epoch)
        #expect(try ScheduleSpec(parsing: "cosine:per=batch").interval == .batch)
        let json = try JSONEncoder().encode([spec])
        #expect(String(decoding: json, as: UTF8.self) == #"["plateau:factor=0.5,patience=2"]"#)
        #expect(try JSONDecoder().decode([ScheduleSpec].self, from: json) == [spec])
    }

    @Test(arguments: [
        ("onecyle", "schedule: unknown schedule 'onecyle'; valid: constant, step, multistep, exponential, cosine, linear, warmup-cosine, onecycle, plateau"),
        ("onecycle:maxlr=1", "schedule: onecycle has no key 'maxlr'; valid: max_lr, pct_start, anneal, three_phase, div_factor, final_div_factor, cycle_momentum, base_momentum, max_momentum"),
        ("plateau:patience=two", "schedule: plateau: patience must be a whole number, got 'two'"),
        ("plateau:factor=2", "schedule: plateau: factor must be in (0, 1), got 2.0"),
        ("onecycle:anneal=exp", "schedule: onecycle: anneal must be cos or linear, got 'exp'"),
        ("constant:lr=1", "schedule: constant takes no keys, got 'lr'"),
        ("step:7", "schedule: '7' is not key=value (e.g. step:step_size=…)"),
        ("multistep:milestones=3,6", "schedule: '6' is not key=value (e.g. multistep:milestones=…)"),
        ("multistep:milestones=3/x", "schedule: multistep: milestones must be positive whole numbers separated by '/', got '3/x'"),
    ])
    func rejectsWithOneLine(_ text: String, _ message: String) {
        #expect(throws: ConfigError.self) { try ScheduleSpec(parsing: text) }
        do { _ = try ScheduleSpec(parsing: text) } catch {
            #expect(error.description == message)
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func budgetErrorsAreConfigErrors() throws {
        let spec = try ScheduleSpec(parsing: "warmup-cosine:warmup=5")
        #expect(throws: ConfigError.self) { try spec.make(groups: ScheduleGroups(lrs: [0.1]), epochs: 5, stepsPerEpoch: 10) }
        // three-phase one-cycle over 2 steps has a phase of no steps: PyTorch would raise mid-run; we refuse up front
        let tiny = try ScheduleSpec(parsing: "onecycle:three_phase=true,pct_start=0.5")
        #expect(throws: ConfigError.self) { try tiny.make(groups: ScheduleGroups(lrs: [0.1]), epochs: 1, stepsPerEpoch: 2) }
    }

    @Test func defaultsFollowTheBudget() throws {
        let groups = ScheduleGroups(lrs: [0.1])
        let s = try #require(try ScheduleSpec(parsing: "multistep:per=batch").make(groups: groups, epochs: 2, stepsPerEpoch: 10))
        #expect((s as? MultiStepLR)?.milestones == [10, 15])
        let c = try #require(try ScheduleSpec(parsing: "cosine").make(groups: ScheduleGroups(lrs: [0.1]), epochs: 4, stepsPerEpoch: 10))
        #expect((c as? CosineAnnealingLR)?.tMax == 4)
        #expect(try ScheduleSpec.constant.make(groups: groups, epochs: 1, stepsPerEpoch: 1) == nil)
    }

    @Test func errorsWithoutMetricOrPastTheEnd() throws {
        let plateau = try ReduceLROnPlateau(groups: ScheduleGroups(lrs: [0.1]))
        #expect(throws: ScheduleError.missingMetric) { try plateau.step() }
        let cycle = try OneCycleLR(groups: ScheduleGroups(lrs: [0.1], momenta: [0.9]), maxLR: [1], totalSteps: 3)
        for _ in 0..<3 { try cycle.step() }
        #expect(throws: ScheduleError.steppedPastEnd(step: 4, totalSteps: 3)) { try cycle.step() }
        #expect(throws: ScheduleError.self) { try StepLR(groups: ScheduleGroups(lrs: [0.1]), stepSize: 0) }
        let other = try StepLR(groups: ScheduleGroups(lrs: [0.1]), stepSize: 2)
        #expect(throws: ScheduleError.differentGroups) {
            try SequentialLR(groups: ScheduleGroups(lrs: [0.1]), schedulers: [other], milestones: [])
        }
    }
}

/// Schedules and the range test observing real (synthetic) training runs.
@Suite struct ScheduledTrainingTests {
    let config = TrainingConfig(model: ModelSpec(family: .convnetBN, inputShape: [1, 12, 12], classes: 4),
                                learningRate: 0.05, epochs: 2, batchSize: 32, momentum: 0.9, seed: 3)

    func run(_ observers: [any TrainingObserver], train: ImageSet = synthetic.train, config: TrainingConfig? = nil) throws -> TrainingRun {
        try Trainer(config: config ?? self.config).run(train: train, test: synthetic.test,
                                                       normalization: synthetic.normalization, observers: observers)
    }

    @Test func oneCycleDrivesTheOptimizerPerBatch() throws {
        let observer = ScheduleObserver(spec: try ScheduleSpec(parsing: "onecycle:max_lr=0.2"))
        let scheduled = try run([observer])
        #expect(observer.failure == nil)
        // 512 images in batches of 32: 16 steps per epoch, 32 in all
        let reference = try OneCycleLR(groups: ScheduleGroups(lrs: [0.05], momenta: [0.9]), maxLR: [0.2], totalSteps: 32)
        var expected: [Float] = [], momenta: [Float] = []
        for _ in 0..<32 {
            expected.append(Float(reference.lastLR[0]))
            momenta.append(Float(reference.lastMomentum[0]))
            try reference.step()
        }
        #expect(observer.learningRates == expected)
        #expect(observer.momenta == momenta)
        #expect((observer.learningRates.max() ?? 0) > 0.199 && (observer.learningRates.max() ?? 1) <= 0.2)   // the peak falls between steps 9 and 10
        let constant = try run([])
        #expect(scheduled.result.stepLosses != constant.result.stepLosses)
    }

    @Test func plateauUsesTheValidationSplit() throws {
        let train = synthetic.train.prefix(384), validation = synthetic.train.subset(384..<512)
        let observer = ScheduleObserver(spec: try ScheduleSpec(parsing: "plateau:patience=0,factor=0.5,threshold=0.9"),
                                        validation: validation)
        var c = config
        c.epochs = 3
        _ = try run([observer], train: train, config: c)
        #expect(observer.failure == nil)
        #expect(observer.validationLosses.count == 3)
        // threshold 0.9 (relative): no epoch improves enough after the first, so the rate halves after epochs 2 and 3
        #expect(observer.learningRates.first == 0.05)
        #expect(observer.learningRates.last == 0.025)
        #expect(observer.learningRates.count == 36)
    }

    @Test func plateauWithoutValidationStopsTheRun() throws {
        let observer = ScheduleObserver(spec: try ScheduleSpec(parsing: "plateau"))
        let result = try run([observer]).result
        #expect(observer.failure == "plateau needs a validation split")
        #expect(result.stoppedAtStep == 0 || result.stepLosses.isEmpty)
    }

    @Test func rangeTestGrowsExponentiallyAndStopsOnDivergence() throws {
        let test = LRRangeTest(start: 1e-4, end: 1e4, steps: 60)
        var c = config
        c.epochs = test.epochs(batchesPerEpoch: 16)
        #expect(c.epochs == 4)
        _ = try run([test], config: c)
        let r = test.result
        #expect(abs(r.learningRates[0] - 1e-4) < 1e-12)
        let ratio = r.learningRates[1] / r.learningRates[0]
        #expect(abs(ratio - pow(1e8, 1.0 / 59)) < 1e-9)
        // a learning rate of 10,000 cannot train: the scan stops early, at its divergence point
        let divergence = try #require(r.divergence)
        #expect(r.learningRates.count < 60)
        #expect(divergence == r.learningRates.last)
        let suggested = try #require(r.suggested), minimum = try #require(r.minimum)
        #expect(suggested <= minimum && minimum < divergence)
    }
}
