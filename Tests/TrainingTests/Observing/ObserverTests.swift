import Datasets
import Engine
import Foundation
import Testing
@testable import Training
import TestSupport

/// Observers and forward hooks see a run without changing it; stop requests and optimizer
/// changes made by observers do change it.
@Suite struct ObserverTests {
    /// conv1 → bn1 → relu1 → … on 12×12 synthetic images, 2 epochs of 16 steps.
    let config = TrainingConfig(model: ModelSpec(family: .convnetBN, inputShape: [1, 12, 12], classes: 4),
                                learningRate: 0.05, epochs: 2, batchSize: 32, momentum: 0.9, seed: 3)

    func run(_ observers: [any TrainingObserver] = []) throws -> TrainingRun {
        try Trainer(config: config).run(train: synthetic.train, test: synthetic.test,
                                        normalization: synthetic.normalization, observers: observers)
    }

    @Test func observingChangesNothing() throws {
        let plain = try run()
        let recorder = Recorder()
        let watched = try run([recorder])
        #expect(watched.result.stepLosses.map(\.bitPattern) == plain.result.stepLosses.map(\.bitPattern))
        #expect(Checkpoint.stateDict(of: watched.model) == Checkpoint.stateDict(of: plain.model))
        #expect(watched.result == plain.result)   // test accuracy and loss too, evaluated with hooks on

        // the recorder saw every step, in order
        #expect(recorder.losses.map(\.bitPattern) == plain.result.stepLosses.map(\.bitPattern))
        #expect(recorder.events.first == "start")
        #expect(recorder.events.dropFirst().prefix(4) == ["forward", "backward", "step", "forward"])
        #expect(recorder.events.filter { $0 == "step" }.count == 32)
        #expect(recorder.positions.first == [1, 1, 1] && recorder.positions.last == [2, 32, 16])
        #expect(recorder.epochs == plain.result.epochs)
        #expect(recorder.gradientNorms.count == 32 && recorder.gradientNorms[0].allSatisfy { $0.1 > 0 })
        #expect(recorder.weights.last == plain.model.parameters().map(\.value))
        // 32 training batches and one evaluation batch; relu1's input is bn1's output
        #expect(recorder.hookCalls["bn1"]?.count == 33)
        #expect(recorder.hookCalls["relu1"]?.first == [[32, 16, 12, 12], [32, 16, 12, 12]])
        #expect(recorder.hookCalls["bn1"]?.first == [[32, 16, 12, 12], [32, 16, 12, 12]])
    }

    @Test func stopRequestEndsTheRunAfterItsStep() throws {
        let stopper = StopAtStep(5)
        let result = try run([stopper]).result
        #expect(result.stoppedAtStep == 5)
        #expect(result.stopReason == "enough at step 5")
        #expect(result.stepLosses.count == 5)
        #expect(result.divergedAtStep == nil)
        #expect(result.epochs.count == 1)   // the interrupted epoch is summarised over its 5 steps
        #expect(stopper.steps == 5)
        #expect(result.stepLosses == Array(try run().result.stepLosses.prefix(5)))
        // an unstopped run has neither key in its JSON
        let json = String(decoding: try JSONCoding.encoder().encode(try run().result), as: UTF8.self)
        #expect(!json.contains("stoppedAtStep") && !json.contains("stopReason"))
        let stoppedJSON = String(decoding: try JSONCoding.encoder().encode(result), as: UTF8.self)
        #expect(stoppedJSON.contains("\"stoppedAtStep\""))
    }

    @Test func observerChangingTheLearningRateChangesTheRun() throws {
        let plain = try run().result
        let changed = try run([LearningRateCut(atStep: 5, to: 0)]).result
        // step 6's loss is computed before the first update with the new rate
        #expect(changed.stepLosses.prefix(6) == plain.stepLosses.prefix(6))
        #expect(changed.stepLosses[6] != plain.stepLosses[6])
        // with lr 0 the weights stop moving, so the loss stops falling as it did
        #expect(changed.finalLoss > plain.finalLoss)
    }
}
