import ArgumentParser
import Datasets
import Engine
import Foundation
import Studies

/// `bnlab bench`: training (or inference) throughput, the same measurement as the PyTorch anchor.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training throughput in images per second.",
        discussion: """
            Trains on Fashion-MNIST with SGD (lr 0.1, momentum 0.9) over consecutive mini-batches, \
            times --steps steps after --warmup untimed ones, and prints images per second: the same \
            measurement as ../shared/anchors/torch_convnet_bench.py makes for PyTorch. With --inference \
            it instead times evaluation-mode forward passes over the 10,000 test images.
            Example: bnlab bench --threads 1 --no-bn --json
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var data: DataOptions

    @Flag(inversion: .prefixedNo, help: "With BatchNorm (--no-bn: the same network without it).")
    var bn = true
    @Option(help: "Mini-batch size.") var batch: Int = 128
    @Option(help: "Timed steps.") var steps: Int = 200
    @Option(help: "Untimed warm-up steps.") var warmup: Int = 20
    @Option(help: "Threads for matrix products.") var threads: Int = 1
    @Option(help: "Repeat the measurement and report the median.") var repeats: Int = 1
    @Flag(help: "Time evaluation-mode inference over the test set instead of training.") var inference = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        guard batch >= 2 else { throw ValidationError("--batch must be at least 2") }
        guard steps >= 1, warmup >= 0, repeats >= 1, threads >= 1 else {
            throw ValidationError("--steps, --repeats and --threads must be at least 1, --warmup at least 0")
        }
    }

    func run() throws {
        Threads.set(threads)
        let dataset = try data.load()
        let (train, test, normalization) = (dataset.train, dataset.test, dataset.normalization)
        let base = try modelOptions.spec(inputShape: [train.channels, train.height, train.width], classes: train.classCount)
        let spec = base.withNorm(bn ? .batch : .none)

        var rates: [Double] = []
        var finalLoss: Float = .nan
        for _ in 0..<repeats {
            var rng = SeededGenerator(seed: 0)
            let model = try spec.build(rng: &rng)
            if inference {
                let t = Date()
                _ = try Evaluator(batchSize: 1000).evaluate(model, on: test, normalization: normalization)
                rates.append(Double(test.count) / Date().timeIntervalSince(t))
            } else {
                let optimizer = try SGD(parameters: model.parameters(), lr: 0.1, momentum: 0.9)
                let loader = BatchLoader(train, normalization: normalization, batchSize: batch, dropLast: true)
                var batches = loader.batches().makeIterator()
                func step() throws -> Float {
                    guard let b = batches.next() else {
                        batches = loader.batches().makeIterator()
                        return try step()
                    }
                    optimizer.zeroGrad()
                    let (loss, dLogits) = try crossEntropy(logits: model.forward(b.images), labels: b.labels)
                    _ = model.backward(dLogits)
                    optimizer.step()
                    return loss
                }
                for _ in 0..<warmup { _ = try step() }
                let t = Date()
                for _ in 0..<steps { finalLoss = try step() }
                rates.append(Double(steps * batch) / Date().timeIntervalSince(t))
            }
        }
        let median = rates.sorted()[rates.count / 2]
        let peak = peakResidentMegabytes()
        if json {
            printJSON(BenchOutput(imagesPerSecond: median, runs: rates, threads: threads, model: spec.description,
                                  batch: batch, mode: inference ? "inference" : "train",
                                  finalLoss: inference ? nil : finalLoss, peakRssMb: peak))
        } else {
            print(String(format: "model=%@ threads=%d batch=%d mode=%@", spec.description, threads, batch,
                         inference ? "inference" : "train"))
            if !inference { print(String(format: "final_loss=%.4f", finalLoss)) }
            print(String(format: "images_per_second=%.1f", median))
            if let peak { print(String(format: "peak_rss_mb=%.1f", peak)) }
        }
    }
}

/// `bnlab bench --json`'s object.
private struct BenchOutput: Encodable {
    var imagesPerSecond: Double
    var runs: [Double]
    var threads: Int
    var model: String
    var batch: Int
    var mode: String
    var finalLoss: Float?
    var peakRssMb: Double?
}
