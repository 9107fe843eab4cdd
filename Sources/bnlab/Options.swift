import ArgumentParser
import Datasets
import Engine

/// Where the images come from.
struct DataOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Dataset: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "name"))
    var dataset: String = "fashion-mnist"

    @Option(name: .customLong("data"),
            help: ArgumentHelp("Directory holding the dataset's files (default: \(FashionMNIST.defaultDirectory) for Fashion-MNIST).",
                               valueName: "dir"))
    var directory: String?

    /// Loads both splits and the dataset's input normalisation.
    func load() throws -> Dataset {
        guard let name = DatasetName(rawValue: dataset) else {
            throw ValidationError("unknown --dataset '\(dataset)'; valid: \(DatasetName.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return try Dataset.load(name, directory: directory)
    }
}

/// Which network to build.
struct ModelOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Model: \(ModelSpec.Family.allCases.map(\.rawValue).joined(separator: ", ")) (see `bnlab models`).",
                               valueName: "name"))
    var model: String = "convnet-bn"

    @Option(help: "Number of convolutions of the `deep` model.")
    var depth: Int = 6

    @Option(help: ArgumentHelp("Normalisation of the `deep` model: \(NormKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                               valueName: "kind"))
    var norm: String = "batch"

    @Option(help: "Dropout probability of `convnet-bn-dropout`.")
    var dropout: Float = 0.5

    @Option(help: ArgumentHelp("Hidden units of the recurrent models (`rnn`, `rnn-bn-shared`, `rnn-bn-step`, `rnn-ln`; default 128).",
                               valueName: "n"))
    var hidden: Int?

    @Option(help: ArgumentHelp("Recurrent models: read the pixels in the fixed random order drawn from this seed (permuted sequential task).",
                               valueName: "seed"))
    var permutationSeed: UInt64?

    /// The validated model spec for an input of the given shape.
    func spec(inputShape: [Int], classes: Int = 10) throws -> ModelSpec {
        guard let family = ModelSpec.Family(rawValue: model) else {
            throw ValidationError("unknown model '\(model)'; valid: \(ModelSpec.Family.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let kind = NormKind(rawValue: norm) else {
            throw ValidationError("unknown --norm '\(norm)'; valid: \(NormKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard family.isRecurrent || (hidden == nil && permutationSeed == nil) else {
            throw ValidationError("--hidden and --permutation-seed apply to the recurrent models only, not '\(model)'")
        }
        let spec = ModelSpec(family: family, inputShape: inputShape, depth: depth, norm: kind, dropout: dropout, classes: classes,
                             hiddenSize: hidden, permutationSeed: permutationSeed)
        do { try spec.validate() } catch { throw ValidationError(error.description) }
        return spec
    }
}
