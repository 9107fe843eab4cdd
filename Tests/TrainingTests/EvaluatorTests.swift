import Datasets
import Engine
import Testing
@testable import Training
import TestSupport

@Suite struct EvaluatorTests {
    /// Evaluation without gradients gives the loss and accuracy of recording forwards bit for bit,
    /// over batches that do not divide the set, and the model trains on afterwards.
    @Test func matchesARecordingEvaluationBitForBit() throws {
        var rng = SeededGenerator(seed: 11)
        let model = try ModelSpec(family: .convnetBN, inputShape: [1, 12, 12], classes: 4).build(rng: &rng)
        let loader = BatchLoader(synthetic.train, normalization: synthetic.normalization, batchSize: 64)
        for batch in loader.batches().prefix(3) { _ = model.forward(batch.images) }   // running statistics

        let (loss, accuracy) = try Evaluator(batchSize: 50).evaluate(model, on: synthetic.test, normalization: synthetic.normalization)

        var (lossSum, correct) = (0.0, 0)
        let test = BatchLoader(synthetic.test, normalization: synthetic.normalization, batchSize: 50)
        for batch in test.batches() {
            let logits = model.forward(batch.images)                     // still in evaluation mode
            lossSum += Double(try crossEntropy(logits: logits, labels: batch.labels).loss) * Double(batch.count)
            correct += Engine.accuracy(logits: logits, labels: batch.labels)
        }
        #expect(loss.bitPattern == Float(lossSum / Double(synthetic.test.count)).bitPattern)
        #expect(accuracy == Float(correct) / Float(synthetic.test.count))
        #expect(!model.isTraining)

        model.train()
        let batch = loader.batch(0..<16)
        let (_, dLogits) = try crossEntropy(logits: model.forward(batch.images), labels: batch.labels)
        #expect(model.backward(dLogits).shape == [16, 1, 12, 12])
    }
}
