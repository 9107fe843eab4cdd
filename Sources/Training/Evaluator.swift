import Datasets
import Engine

/// Test-set loss and accuracy of a model in evaluation mode.
public struct Evaluator: Sendable {
    public var batchSize: Int
    public init(batchSize: Int = 1000) { self.batchSize = batchSize }

    /// The mean cross-entropy and the accuracy over every image of `set`.
    ///
    /// The model is left in evaluation mode. Non-finite logits (a diverged model) count as wrong
    /// answers and give a non-finite loss, which is reported as it is. The forward passes record
    /// no gradients (`torch.no_grad()`): the layers keep no activations, and a batch's memory is
    /// about its largest activation.
    public func evaluate(_ model: some Layer, on set: ImageSet, normalization: Normalization) throws -> (loss: Float, accuracy: Float) {
        model.eval()
        var (lossSum, correct) = (0.0, 0)
        let loader = BatchLoader(set, normalization: normalization, batchSize: batchSize)
        for batch in loader.batches() {
            let logits = GradientMode.disabled { model.forward(batch.images) }
            let (loss, _) = try crossEntropy(logits: logits, labels: batch.labels)
            lossSum += Double(loss) * Double(batch.labels.count)
            correct += accuracy(logits: logits, labels: batch.labels)
        }
        return (Float(lossSum / Double(set.count)), Float(correct) / Float(set.count))
    }
}
