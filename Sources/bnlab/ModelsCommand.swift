import ArgumentParser
import Engine

/// `bnlab models`: the model names and their layers.
struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the models bnlab can train, with their layers and parameter counts.",
        discussion: "Shapes are for a 1×28×28 input (Fashion-MNIST); `deep` is shown at --depth and --norm.")

    @Option(help: "Depth of the `deep` model shown.") var depth: Int = 6
    @Option(help: "Normalisation of the `deep` model shown.") var norm: String = "batch"

    func run() throws {
        guard let kind = NormKind(rawValue: norm) else {
            throw ValidationError("unknown --norm '\(norm)'; valid: \(NormKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        for family in ModelSpec.Family.allCases {
            let spec = ModelSpec(family: family, depth: depth, norm: kind)
            do { try spec.validate() } catch { throw ValidationError(error.description) }
            var rng = SeededGenerator(seed: 0)
            let model = try spec.build(rng: &rng)
            model.eval()
            print("\(family.rawValue)\(family == .deep ? " (--depth \(depth) --norm \(kind.rawValue))" : "")"
                  + "  \(model.parameterCount) parameters  ≈ \(spec.pytorchEquivalent)")
            var x = Tensor(zeros: [1] + spec.inputShape)
            for (name, layer) in model.layers {
                x = layer.forward(x)
                let params = layer.namedParameters().map { "\($0.0) \($0.1.value.shape)" }.joined(separator: ", ")
                let shape = x.shape.dropFirst().map(String.init).joined(separator: "×")
                print("  " + name.padding(toLength: 9, withPad: " ", startingAt: 0)
                      + String(describing: type(of: layer)).padding(toLength: 14, withPad: " ", startingAt: 0)
                      + "→ " + shape.padding(toLength: 10, withPad: " ", startingAt: 0) + params)
            }
            print()
        }
    }
}
