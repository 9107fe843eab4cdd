import Datasets
import Engine
import Training

extension TransferStudy {
    /// How a pretrained model is fine-tuned on a target.
    public enum Strategy: String, Codable, Sendable, CaseIterable {
        /// Every parameter trains, BatchNorm in training mode (batch statistics; running statistics follow the target).
        case full
        /// The deck's recipe: backbone frozen (`requires_grad = False`), BatchNorm in eval mode
        /// (the source's running statistics), a new head trained.
        case recipe = "frozen-bn-eval"
        /// As the recipe, with the BatchNorm statistics re-estimated on the target's training
        /// images first (AdaBN, Li et al. 2016).
        case adaBN = "adabn"
        /// Only BatchNorm's γ and β and the new head train, BatchNorm in training mode (Frankle et al. 2020).
        case bnAffine = "bn-affine"

        public var label: String {
            switch self {
            case .full: "full fine-tuning, BN train"
            case .recipe: "frozen, BN eval (deck)"
            case .adaBN: "frozen, AdaBN statistics"
            case .bnAffine: "BN γ/β + head"
            }
        }

        /// Expected seconds per fine-tuning image on one core, relative to full training.
        var relativeCost: Double {
            switch self {
            case .full: 1
            case .bnAffine: 0.75
            case .recipe, .adaBN: 0.4
            }
        }

        /// Freezes what the strategy freezes, puts `head` in place of the model's `fc`, re-estimates
        /// the BatchNorm statistics on `target` for AdaBN, and returns how the strategy sets the
        /// training mode (the Trainer's `setMode`): `model.train()`, then every BatchNorm `.eval()`
        /// where BN stays in evaluation mode, as a PyTorch user writes it.
        func prepare(_ model: Sequential, head: Linear, target: ImageSet, normalization: Normalization,
                     batchSize: Int) throws -> (Sequential) -> Void {
            switch self {
            case .full: break
            case .recipe, .adaBN: model.setRequiresGrad(false)
            case .bnAffine: for case let conv as Conv2d in model.allModules() { conv.setRequiresGrad(false) }
            }
            try model.replaceChild("fc", with: head)   // model.fc = nn.Linear(…): trainable
            if self == .adaBN {
                NormProbes.recalibrate(model, on: target, normalization: normalization, batchSize: batchSize, dropoutOff: false)
            }
            switch self {
            case .recipe, .adaBN:
                return { model in
                    model.train()
                    for (_, bn) in model.namedBatchNorms() { bn.eval() }
                }
            case .full, .bnAffine:
                return { $0.train() }
            }
        }
    }
}
