import ArgumentParser
import Datasets
import Engine
import Foundation
import Studies
import Training

/// `bnlab eval`: test loss and accuracy of a checkpoint.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a safetensors checkpoint on the test set (evaluation mode).",
        discussion: """
            The checkpoint's metadata names its model and input normalisation, so --model is only a \
            check. Checkpoints written by PyTorch load too if their metadata says which model they are \
            (or --model says it) and their keys are the PyTorch state_dict's.
            Example: bnlab eval --load convnet.safetensors --json
            """)

    @Option(help: ArgumentHelp("The checkpoint to evaluate.", valueName: "file.safetensors")) var load: String
    @Option(help: ArgumentHelp("Expected model name (must match the checkpoint's, if it has one).", valueName: "name"))
    var model: String?
    @Option(help: "Depth of a `deep` checkpoint without metadata.") var depth: Int = 6
    @Option(help: "Normalisation of a `deep` checkpoint without metadata.") var norm: String = "batch"
    @OptionGroup var data: DataOptions
    @Option(help: ArgumentHelp("Also write the logits of the first --limit test images to this safetensors file (key `logits`), e.g. to compare with PyTorch.",
                               valueName: "file.safetensors"))
    var logits: String?
    @Option(help: "How many test images --logits covers.") var limit: Int = 1000
    @Flag(help: "Print one JSON object.") var json = false

    func run() throws {
        let sets = try data.load()
        let fallback = try model.map {
            try ModelOptions.parse(["--model", $0, "--depth", "\(depth)", "--norm", norm])
                .spec(inputShape: [sets.test.channels, sets.test.height, sets.test.width], classes: sets.test.classCount)
        }
        let checkpoint: Checkpoint
        if let problem = FileProblem.notARegularFile(load) { throw InputError("--load \(load): \(problem)") }
        do { checkpoint = try Checkpoint.read(from: URL(fileURLWithPath: load), fallbackSpec: fallback) } catch {
            // Safetensors errors describe the contents; the message names the file.
            var message = "\(error)"
            if message.hasPrefix("safetensors: ") { message = "not a usable safetensors checkpoint: " + message.dropFirst(13) }
            throw InputError("--load \(load): \(message)")
        }
        if let expected = fallback, expected.family != checkpoint.spec.family {
            throw InputError("--model \(expected.family.rawValue) does not match the checkpoint's model \(checkpoint.spec.family.rawValue)")
        }
        guard checkpoint.spec.inputShape == [sets.test.channels, sets.test.height, sets.test.width] else {
            throw InputError("the checkpoint expects \(checkpoint.spec.inputShape) inputs; the dataset has "
                                  + "[\(sets.test.channels), \(sets.test.height), \(sets.test.width)]")
        }
        let normalization = checkpoint.normalization ?? sets.normalization
        let (loss, accuracy) = try Evaluator().evaluate(checkpoint.model, on: sets.test, normalization: normalization)
        if let path = logits {
            let n = min(max(1, limit), sets.test.count)
            let batch = BatchLoader(sets.test, normalization: normalization, batchSize: n).batch(0..<n)
            let out = checkpoint.model.forward(batch.images)
            try SafeTensors(tensors: ["logits": .float(out), "images": .float(batch.images)],
                            metadata: ["bnlab.model": checkpoint.spec.description]).write(to: URL(fileURLWithPath: path))
        }
        if json {
            printJSON(EvalOutput(model: checkpoint.spec.description, testAccuracy: accuracy, testLoss: loss))
        } else {
            print("model \(checkpoint.spec.description)")
            print(String(format: "test accuracy %.2f%%  test loss %.4f", accuracy * 100, loss))
        }
    }
}

/// `bnlab eval --json`'s object.
private struct EvalOutput: Encodable {
    var model: String
    var testAccuracy: Float
    var testLoss: Float
}
