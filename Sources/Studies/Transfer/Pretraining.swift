import Datasets
import Engine
import Foundation
import Training

extension TransferStudy {
    /// A seed's source model as a downloaded checkpoint would arrive: the bytes of a safetensors file.
    struct Pretrained: Sendable {
        /// The checkpoint (`Checkpoint.safeTensors().serialized()`): PyTorch state_dict names and bnlab's metadata.
        var checkpoint: [UInt8]
        /// Its test accuracy on the source classes.
        var sourceAccuracy: Float
    }

    /// The ConvNetWithBN pretrained on the source images from `seed`: trained by the first unit of
    /// the process that asks, the others wait for it and reuse it (they would get the same bytes).
    func pretrained(seed: UInt64, data: Sets, context: StudyContext) throws -> Pretrained {
        let key = "transfer pretrain \(seed) \(fingerprint(data)) \(context.normalization)"
        return try SharedComputation.shared.value(key) {
            let shape = [context.train.channels, context.train.height, context.train.width]
            let spec = ModelSpec(family: .convnetBN, inputShape: shape, classes: data.classes)
            let training = TrainingConfig(model: spec, learningRate: config.sourceLearningRate, epochs: config.sourceEpochs,
                                          batchSize: min(Self.sourceBatchSize, data.source.count), momentum: config.momentum, seed: seed)
            let run = try Trainer(config: training).run(train: data.source, test: data.sourceTest, normalization: context.normalization,
                                                        isCancelled: context.isCancelled)
            let checkpoint = Checkpoint(spec: spec, normalization: context.normalization, model: run.model)
            return Pretrained(checkpoint: try checkpoint.safeTensors().serialized(), sourceAccuracy: run.result.testAccuracy)
        }
    }

    /// What makes one pretraining differ from another in the same process: its settings and data.
    private func fingerprint(_ data: Sets) -> String {
        func hash(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $0 &* 31 &+ Int($1) } }
        return "\(config.sourceImages) \(config.sourceEpochs) \(config.sourceLearningRate) \(config.momentum) \(config.testLimit) "
            + "\(data.source.count) \(hash(data.source.pixels)) \(hash(data.source.labels)) \(data.sourceTest.count) \(hash(data.sourceTest.labels))"
    }
}
