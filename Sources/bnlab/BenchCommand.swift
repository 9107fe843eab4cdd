import ArgumentParser
import Datasets
import Engine
import Foundation
import Studies
import Training

/// `bnlab bench`: training (or inference) throughput, the same measurement as the PyTorch anchor.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure training throughput in images per second.",
        discussion: """
            Trains on Fashion-MNIST with SGD (lr 0.1, momentum 0.9) over consecutive mini-batches, \
            times --steps steps after --warmup untimed ones, and prints images per second: the same \
            measurement as ../shared/anchors/torch_convnet_bench.py makes for PyTorch. With --inference \
            it instead times evaluation-mode forward passes over the 10,000 test images (batches of 1000). \
            With --sweep N it trains N short independent runs through Trainer, --jobs at a time and then \
            one at a time, and reports both wall times and whether the results are bit-identical.
            With --suite it runs every workload the studies train (BenchSuite.swift's table: deep CNNs \
            of depth 6 and 12, other normalisations, tiny batches, the seed ConvNet; each at 1 and 2 \
            threads), each in its own process, and prints one row per workload; scripts/compare.sh \
            times the same table against PyTorch.
            Examples: bnlab bench --threads 1 --no-bn --json
                      bnlab bench --model deep --depth 6 --norm group --threads 2
                      bnlab bench --suite --only 'deep-6-bn'
                      bnlab bench --sweep 8 --jobs 2
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var data: DataOptions

    @Flag(inversion: .prefixedNo, help: "With the model's normalisation (--no-bn: the same network without it, as --norm none).")
    var bn = true
    @Option(help: "Mini-batch size.") var batch: Int = 128
    @Option(help: "Timed steps.") var steps: Int = 200
    @Option(help: "Untimed warm-up steps.") var warmup: Int = 20
    @Option(help: "Threads one training step is split over (the batch is cut into that many parts).")
    var threads: Int = 1
    @Option(help: "Repeat the measurement and report the median.") var repeats: Int = 1
    @Flag(help: "Time evaluation-mode inference over the test set instead of training.") var inference = false
    @Flag(help: "Also print each layer's forward and backward milliseconds per step (layers run one by one, so a layer and its ReLU are timed apart rather than fused).") var layerTimes = false
    @Option(help: "Train this many short independent runs (a small LR sweep) instead.") var sweep: Int?
    @Option(help: "With --sweep: runs trained at once, each on one thread.") var jobs: Int = 2
    @Option(help: "With --sweep: training images per run (one epoch).") var sweepImages: Int = 6400
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(help: "Run every workload of the benchmark suite, each in its own process, and print a table.")
    var suite = false
    @Option(help: ArgumentHelp("With --suite: only the workloads whose name contains this.", valueName: "text"))
    var only: String?
    @Flag(help: "Print the suite's workloads as `name|bnlab arguments|torch_bench.py arguments` lines.")
    var listSuite = false

    func validate() throws {
        guard batch >= 2 else { throw ValidationError("--batch must be at least 2") }
        guard steps >= 1, warmup >= 0, repeats >= 1, threads >= 1, jobs >= 1 else {
            throw ValidationError("--steps, --repeats, --threads and --jobs must be at least 1, --warmup at least 0")
        }
        if let sweep, sweep < 1 { throw ValidationError("--sweep must be at least 1") }
        guard sweepImages >= batch else { throw ValidationError("--sweep-images must be at least --batch") }
    }

    func run() throws {
        if listSuite { return print(BenchSuite.listing) }
        if suite { return try runSuite() }
        Threads.set(sweep == nil ? threads : 1)
        let dataset = try data.load()
        let (train, test, normalization) = (dataset.train, dataset.test, dataset.normalization)
        let base = try modelOptions.spec(inputShape: [train.channels, train.height, train.width], classes: train.classCount)
        let spec = bn ? base : base.withNorm(.none)
        if let sweep {
            return try runSweep(sweep, spec: spec, dataset: dataset)
        }

        var rates: [Double] = []
        var finalLoss: Float = .nan
        var clock = LayerClock()
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
                func step(timed: Bool) throws -> Float {
                    guard let b = batches.next() else {
                        batches = loader.batches().makeIterator()
                        return try step(timed: timed)
                    }
                    optimizer.zeroGrad()
                    let perLayer = timed && layerTimes
                    let logits = perLayer ? clock.forward(model, b.images) : model.forward(b.images)
                    let (loss, dLogits) = try crossEntropy(logits: logits, labels: b.labels)
                    if perLayer { clock.backward(model, dLogits) } else { _ = model.backward(dLogits) }
                    optimizer.step()
                    return loss
                }
                for _ in 0..<warmup { _ = try step(timed: false) }
                let t = Date()
                for _ in 0..<steps { finalLoss = try step(timed: true) }
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
        if layerTimes && !inference { clock.report(steps: steps * repeats) }
    }

    // MARK: - Suite

    /// Runs each workload as `bnlab bench <arguments> --json` in a child process (so each peak
    /// memory is its own) and prints one row per workload.
    private func runSuite() throws {
        let chosen = BenchSuite.workloads.filter { only == nil || $0.name.contains(only!) }
        guard !chosen.isEmpty else { throw ValidationError("--only '\(only ?? "")' matches no workload; see --list-suite") }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var rows: [SuiteRow] = []
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        if !json { print("workload              images/s   peak_MB  model") }
        for w in chosen {
            var arguments = ["bench"] + w.bnlab.split(separator: " ").map(String.init) + ["--json", "--repeats", "\(repeats)"]
            if let directory = data.directory { arguments += ["--data", directory] }
            let process = Process()
            process.executableURL = executable
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0, let result = try? decoder.decode(SuiteResult.self, from: output) else {
                throw ValidationError("workload \(w.name) (bnlab bench \(w.bnlab)) failed with status \(process.terminationStatus)")
            }
            let row = SuiteRow(name: w.name, arguments: w.bnlab, model: result.model,
                               imagesPerSecond: result.imagesPerSecond, peakRssMb: result.peakRssMb)
            rows.append(row)
            if !json {
                print(w.name.padding(toLength: 20, withPad: " ", startingAt: 0)
                      + String(format: " %10.0f %9.0f  %@", row.imagesPerSecond, row.peakRssMb ?? Double.nan, row.model))
            }
        }
        if json { printJSON(rows) }
    }

    // MARK: - Parallel sweep

    /// Trains `count` short runs (learning rates 0.01·1.5ⁱ) `jobs` at a time, then one at a time.
    private func runSweep(_ count: Int, spec: ModelSpec, dataset: Dataset) throws {
        let configs = (0..<count).map { i in
            TrainingConfig(model: spec, learningRate: 0.01 * pow(1.5, Float(i)), epochs: 1, batchSize: batch,
                           seed: UInt64(i), trainLimit: sweepImages)
        }
        let test = dataset.test.prefix(2000)
        func timed(_ jobs: Int) throws -> ([TrainingResult], Double) {
            let t = Date()
            let results = try ParallelRunner(jobs: jobs).map(configs) { _, config in
                try Trainer(config: config).run(train: dataset.train, test: test,
                                                normalization: dataset.normalization).result
            }
            return (results, Date().timeIntervalSince(t))
        }
        let (parallel, parallelSeconds) = try timed(jobs)
        let (sequential, sequentialSeconds) = try timed(1)
        let encoder = JSONCoding.encoder()
        let identical = try encoder.encode(parallel) == encoder.encode(sequential)
        let output = SweepOutput(runs: count, jobs: jobs, imagesPerRun: sweepImages, model: spec.description,
                                 parallelSeconds: parallelSeconds, sequentialSeconds: sequentialSeconds,
                                 ratio: parallelSeconds / sequentialSeconds, bitIdentical: identical,
                                 peakRssMb: peakResidentMegabytes())
        if json {
            printJSON(output)
        } else {
            print(String(format: "sweep runs=%d model=%@ images_per_run=%d", count, spec.description, sweepImages))
            print(String(format: "jobs=%d seconds=%.2f", jobs, parallelSeconds))
            print(String(format: "jobs=1 seconds=%.2f", sequentialSeconds))
            print(String(format: "ratio=%.3f bit_identical=%@", output.ratio, identical ? "true" : "false"))
        }
        if !identical { throw ValidationError("--jobs \(jobs) results differ from --jobs 1") }
    }
}

// MARK: - Per-layer timing

/// Milliseconds spent in each top-level layer's forward and backward (`--layer-times`).
private struct LayerClock {
    var forwardSeconds: [String: Double] = [:]
    var backwardSeconds: [String: Double] = [:]
    var order: [String] = []

    mutating func forward(_ model: Sequential, _ x: Tensor) -> Tensor {
        var h = x
        for (name, layer) in model.layers {
            let t = Date()
            h = layer.forward(h)
            forwardSeconds[name, default: 0] += Date().timeIntervalSince(t)
            if !order.contains(name) { order.append(name) }
        }
        return h
    }

    mutating func backward(_ model: Sequential, _ dy: Tensor) {
        var g = dy
        for (name, layer) in model.layers.reversed() {
            let t = Date()
            g = layer.backward(g)
            backwardSeconds[name, default: 0] += Date().timeIntervalSince(t)
        }
    }

    func report(steps: Int) {
        print("layer        forward_ms  backward_ms")
        for name in order {
            print(name.padding(toLength: 12, withPad: " ", startingAt: 0)
                  + String(format: " %10.3f  %11.3f", 1000 * forwardSeconds[name, default: 0] / Double(steps),
                           1000 * backwardSeconds[name, default: 0] / Double(steps)))
        }
    }
}

// MARK: - JSON

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

/// The part of a workload's `--json` object the suite reads.
private struct SuiteResult: Decodable {
    var imagesPerSecond: Double
    var model: String
    var peakRssMb: Double?
}

/// One row of `bnlab bench --suite --json`.
private struct SuiteRow: Encodable {
    var name: String
    var arguments: String
    var model: String
    var imagesPerSecond: Double
    var peakRssMb: Double?
}

/// `bnlab bench --sweep N --json`'s object.
private struct SweepOutput: Encodable {
    var runs: Int
    var jobs: Int
    var imagesPerRun: Int
    var model: String
    var parallelSeconds: Double
    var sequentialSeconds: Double
    var ratio: Double
    var bitIdentical: Bool
    var peakRssMb: Double?
}
