import Datasets
import Engine
import Foundation
import Training

/// Measurements on a trained model that put it back as they found it (parameters, gradients,
/// buffers and mode); none of them records gradients.
enum NormProbes {
    /// The images of `set` in order, normalised, in batches of `batchSize` (a last batch of one
    /// image is dropped: batch statistics need two).
    static func inputs(_ set: ImageSet, normalization: Normalization, batchSize: Int) -> [Batch] {
        let batches = Array(BatchLoader(set, normalization: normalization, batchSize: batchSize).batches())
        return batches.filter { $0.labels.count > 1 || batches.count == 1 }
    }

    /// Test accuracy in training mode: each batch of `batchSize` normalised with its own statistics
    /// (and dropout sampling masks unless `dropoutOff`), the running statistics left untouched.
    static func trainModeAccuracy(_ model: Sequential, on set: ImageSet, normalization: Normalization,
                                  batchSize: Int, dropoutOff: Bool = true) -> Float {
        let snapshot = ModelSnapshot(of: model)
        let wasTraining = model.isTraining
        let dropouts = model.allModules().compactMap { $0 as? Dropout }
        let generators = dropouts.map(\.generator)
        model.train()
        if dropoutOff { for d in dropouts { d.isTraining = false } }
        var (correct, seen) = (0, 0)
        GradientMode.disabled {
            for batch in inputs(set, normalization: normalization, batchSize: batchSize) {
                correct += accuracy(logits: model.forward(batch.images), labels: batch.labels)
                seen += batch.labels.count
            }
        }
        for (d, g) in zip(dropouts, generators) { d.generator = g }
        snapshot.restore()
        wasTraining ? model.train() : model.eval()
        return Float(correct) / Float(max(1, seen))
    }

    /// Eval-mode test accuracy (batches of 1,000); the model is put back in its mode.
    static func evalAccuracy(_ model: Sequential, on set: ImageSet, normalization: Normalization) throws -> Float {
        let wasTraining = model.isTraining
        defer { wasTraining ? model.train() : model.eval() }
        return try Evaluator(batchSize: 1000).evaluate(model, on: set, normalization: normalization).accuracy
    }

    /// `updateBatchNorm` over `set` in order, in batches of `batchSize`.
    static func recalibrate(_ model: Sequential, on set: ImageSet, normalization: Normalization,
                            batchSize: Int, dropoutOff: Bool) {
        updateBatchNorm(model, inputs: inputs(set, normalization: normalization, batchSize: batchSize).lazy.map(\.images),
                        dropoutOff: dropoutOff)
    }

    /// The verdict on "`values` are within ±`tolerance` of 0": agrees when |mean| + 2·SE ≤ tolerance,
    /// differs when |mean| − 2·SE > tolerance, inconclusive otherwise or with fewer than two seeds.
    static func withinTolerance(_ s: SeedSpread, _ tolerance: Double) -> Verdict {
        guard let m = s.mean, let se = s.standardError else { return .inconclusive }
        if abs(m) + 2 * se <= tolerance { return .agrees }
        if abs(m) - 2 * se > tolerance { return .differs }
        return .inconclusive
    }

    /// The verdict on "`values` are positive": agrees when the mean exceeds 2·SE, differs when it
    /// is below −2·SE, inconclusive otherwise or with fewer than two seeds.
    static func positive(_ s: SeedSpread) -> Verdict {
        guard let m = s.mean, let se = s.standardError else { return .inconclusive }
        return m > 2 * se ? .agrees : m < -2 * se ? .differs : .inconclusive
    }

    /// Per seed differences a − b of values matched by seed (seeds present in both).
    static func paired(_ a: [UInt64: Double], _ b: [UInt64: Double]) -> SeedSpread {
        SeedSpread(a.keys.sorted().compactMap { s in b[s].map { a[s]! - $0 } })
    }
}
