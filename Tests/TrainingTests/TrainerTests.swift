import Datasets
import Engine
import Foundation
import Testing
@testable import Training
import TestSupport

@Suite struct TrainerTests {
    func config(_ lr: Float, model: ModelSpec.Family = .convnetBN, seed: UInt64 = 1) -> TrainingConfig {
        TrainingConfig(model: ModelSpec(family: model, inputShape: [1, 12, 12], classes: 4), learningRate: lr,
                       epochs: 2, batchSize: 32, momentum: 0.9, seed: seed)
    }

    @Test func learnsAndReproducesItselfBitForBit() throws {
        let a = try Trainer(config: config(0.05)).run(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization)
        let b = try Trainer(config: config(0.05)).run(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization)
        let encoder = JSONCoding.encoder()
        #expect(try encoder.encode(a.result) == encoder.encode(b.result))
        #expect(a.result.stepLosses.map(\.bitPattern) == b.result.stepLosses.map(\.bitPattern))
        #expect(Checkpoint.stateDict(of: a.model) == Checkpoint.stateDict(of: b.model))
        #expect(a.result.stepLosses.count == 2 * 16)
        #expect(a.result.finalLoss < a.result.initialLoss)
        #expect(a.result.testAccuracy > 0.4, "test accuracy \(a.result.testAccuracy) on 4 classes")
        #expect(a.result.divergedAtStep == nil)
        // Another seed is another run.
        let c = try Trainer(config: config(0.05, seed: 2)).run(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization)
        #expect(c.result.stepLosses != a.result.stepLosses)
    }

    @Test func twinsShareInitialWeights() throws {
        var r1 = SeededGenerator(seed: 9), r2 = SeededGenerator(seed: 9)
        let bn = try ModelSpec(family: .deep, inputShape: [1, 12, 12], depth: 4, norm: .batch).build(rng: &r1)
        let plain = try ModelSpec(family: .deep, inputShape: [1, 12, 12], depth: 4, norm: NormKind.none).build(rng: &r2)
        let convs = { (m: Sequential) in m.namedParameters().filter { $0.1.value.rank == 4 || $0.1.value.rank == 2 }.map(\.1.value) }
        #expect(convs(bn) == convs(plain))
        #expect(convs(bn).count == 5)
    }

    @Test func divergenceIsAResultNotAnError() throws {
        let run = try Trainer(config: config(1e4, model: .convnet)).run(train: synthetic.train, test: synthetic.test,
                                                                        normalization: synthetic.normalization)
        let step = try #require(run.result.divergedAtStep)
        #expect(step < run.result.stepLosses.count + 1)
        #expect(FailureCriterion.reason(run.result, classes: 4)?.hasPrefix("diverged") == true)
        // It still encodes and decodes (non-finite numbers as strings).
        let data = try JSONCoding.encoder().encode(run.result)
        let back = try JSONCoding.decoder().decode(TrainingResult.self, from: data)
        #expect(back.divergedAtStep == step)
    }

    @Test func cancellationStopsARun() throws {
        let calls = Counter()
        #expect(throws: CancellationError.self) {
            _ = try Trainer(config: config(0.01)).run(train: synthetic.train, test: synthetic.test,
                                                      normalization: synthetic.normalization,
                                                      isCancelled: { calls.increment() > 3 })
        }
        #expect(calls.value == 4)
    }

    @Test func invalidConfigNamesTheKey() {
        var c = config(0.1)
        c.learningRate = -1
        #expect(throws: ConfigError(key: "lr", message: "learning rate must be a positive number, got -1.0")) { try c.validate() }
        c = config(0.1); c.batchSize = 0
        #expect((try? c.validate()) == nil)
    }
}
