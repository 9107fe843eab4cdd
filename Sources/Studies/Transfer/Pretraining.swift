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
        let key = "transfer pretrain \(seed) \(config.sourceEpochs) \(config.sourceLearningRate) \(config.momentum) "
            + "\(context.normalization) \(dataKey(context))"
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

    /// A target's data sets, cut once per process (every unit of the target would cut the same).
    func sets(_ target: Target, context: StudyContext) throws -> Sets {
        try SharedComputation.shared.value("transfer sets \(target) \(dataKey(context))") {
            try Sets(target: target, config: config, train: context.train, test: context.test)
        }
    }

    /// What tells the data of one run from another's in the same process: the settings that cut
    /// the sets, and the dataset's sizes and first images.
    private func dataKey(_ context: StudyContext) -> String {
        func sample(_ set: ImageSet) -> String {
            "\(set.count) \(set.classCount) \(set.pixels.prefix(4096).reduce(0) { $0 &* 31 &+ Int($1) }) "
                + "\(set.labels.prefix(4096).reduce(0) { $0 &* 31 &+ Int($1) })"
        }
        return "\(config.sourceImages) \(config.testLimit) \(sample(context.train)) \(sample(context.test))"
    }
}
