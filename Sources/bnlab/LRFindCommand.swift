import ArgumentParser
import Charts
import Datasets
import Engine
import Foundation
import Report
import Training

/// `bnlab lr-find`: Smith's learning-rate range test on one model.
struct LRFind: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lr-find",
        abstract: "Run Smith's learning-rate range test and suggest a learning rate.",
        discussion: """
            Trains a fresh model with SGD while the learning rate grows exponentially from --start to \\
            --end over --steps batches (Smith 2017, arXiv:1506.01186). The loss is smoothed (moving \\
            average, β = 0.98, debiased) and the test stops once it exceeds 4× its best. Prints the \\
            suggested learning rate (the steepest descent of the smoothed loss, as fastai's lr_find), \\
            where the loss was lowest and where it diverged, and writes the chart.
            Examples:
              bnlab lr-find --model convnet-bn
              bnlab lr-find --model deep --depth 6 --norm none --start 1e-4 --end 10 --steps 150 --chart deep.png
            """)

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var data: DataOptions

    @Option(help: "First learning rate.") var start: Double = 1e-5
    @Option(help: "Last learning rate.") var end: Double = 10
    @Option(help: "Batches over which the learning rate grows from --start to --end.") var steps: Int = 200
    @Option(help: "Mini-batch size.") var batch: Int = 64
    @Option(help: "SGD momentum.") var momentum: Float = 0.9
    @Option(help: "Random seed (weights, shuffling).") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Where to write the chart (PNG).", valueName: "file.png")) var chart: String = "lr-find.png"
    @Flag(help: "Print one JSON object instead of text.") var json = false

    func run() throws {
        do { try LRRangeTest.validate(start: start, end: end, steps: steps) } catch {
            throw ValidationError("--\(error.key): \(error.message)")
        }
        let dataset = try data.load()
        let train = dataset.train
        let spec = try modelOptions.spec(inputShape: [train.channels, train.height, train.width], classes: train.classCount)
        let test = LRRangeTest(start: start, end: end, steps: steps)
        let batches = BatchLoader(train, normalization: dataset.normalization, batchSize: max(2, batch)).batchCount
        let config = TrainingConfig(model: spec, learningRate: Float(start), epochs: test.epochs(batchesPerEpoch: batches),
                                    batchSize: batch, momentum: momentum, seed: seed, divergenceLoss: .infinity)
        do { try config.validate() } catch { throw ValidationError(error.description) }
        // the test set is not looked at: evaluate on a single batch's worth to keep the run short
        _ = try Trainer(config: config).run(train: train, test: dataset.test.prefix(min(dataset.test.count, 2)),
                                            normalization: dataset.normalization, observers: [test])
        let result = test.result
        let url = URL(fileURLWithPath: chart)
        let figure = RangeTestFigure.figure(title: "Learning-rate range test, \(spec.description)",
                                            curves: [.init(label: spec.description, color: Color.tab10[0], result: result)])
        try figure.render(to: url, format: .png, dpi: 200,
                          metadata: FigureMetadata(title: figure.title ?? "lr-find", software: "bnlab \(bnlabVersion)", source: "bnlab lr-find"))
        if json {
            printJSON(LRFindOutput(model: spec.description, suggested: result.suggested, minimum: result.minimum,
                                   divergence: result.divergence, steps: result.learningRates.count, chart: url.path))
        } else {
            func text(_ v: Double?) -> String { v.map { String(format: "%.3g", $0) } ?? "none" }
            print("suggested learning rate \(text(result.suggested)) (steepest descent of the smoothed loss)")
            print("lowest smoothed loss at \(text(result.minimum))")
            print(result.divergence.map { "diverged at \(text($0)) (smoothed loss above 4× its best) after \(result.learningRates.count) steps" }
                  ?? "did not diverge up to \(text(end))")
            print("chart \(url.path)")
        }
    }
}

/// `bnlab lr-find --json`'s object.
private struct LRFindOutput: Encodable {
    var model: String
    var suggested: Double?
    var minimum: Double?
    var divergence: Double?
    var steps: Int
    var chart: String
}
