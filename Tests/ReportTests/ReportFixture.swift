import Datasets
import Foundation
import Report
import Studies
import Training
import Charts

/// A tiny `lr-schedules` config for the synthetic data of the report tests.
enum LRSchedulesTiny {
    static func config(trainImages: Int) -> LRSchedulesStudy.Config {
        var c = LRSchedulesStudy.Config(profile: .quick)
        c.depths = [2]
        c.epochs = 3
        c.batchSize = 32
        c.validationImages = 32
        c.trainLimit = 64
        c.testLimit = 32
        c.rangeSteps = 10
        c.rangeSeeds = 2
        c.schedules = ["multistep:per=batch", "plateau:patience=0"]
        c.superSeeds = 2
        return c
    }
}

/// A tiny synthetic pipeline run, computed once and shared by the tests (a few seconds).
enum ReportFixture {
    static let results: RunResults = {
        var config = PipelineConfig.profile("quick")!
        config.dataset = "synthetic"
        config[LRSweepStudy.self].depths = [2, 3]
        config[LRSweepStudy.self].learningRates = [0.03, 1, 30]
        config[LRSweepStudy.self].trainLimit = 64
        config[LRSweepStudy.self].batchSize = 32
        config[LRSweepStudy.self].seeds = 2
        config[CovariateShiftStudy.self].iterations = 30
        config[CovariateShiftStudy.self].samples = 200
        config[CovariateShiftStudy.self].seeds = 3
        var gradients = GradientsStudy.Config(profile: .quick)
        gradients.depths = [4]
        gradients.learningRates = [0.1, 1]
        gradients.trainLimit = 64
        gradients.batchSize = 32
        gradients.initBatches = 2
        gradients.probes = 2
        config[GradientsStudy.self] = gradients
        config[LRSchedulesStudy.self] = LRSchedulesTiny.config(trainImages: 128)
        var runningStats = RunningStatsStudy.Config(profile: .quick)
        runningStats.momenta = [.exponential(0.1), .cumulative]
        runningStats.seeds = 1
        runningStats.trainLimit = 64
        runningStats.testLimit = 32
        runningStats.batchSize = 16
        runningStats.checkpoints = 2
        runningStats.singleImages = 4
        config[RunningStatsStudy.self] = runningStats
        var batchSize = BatchSizeStudy.Config(profile: .quick)
        batchSize.norms = [.batch, .group, .none]
        batchSize.batchSizes = [4, 16]
        batchSize.depth = 2
        batchSize.seeds = 1
        batchSize.trainLimit = 32
        batchSize.testLimit = 32
        config[BatchSizeStudy.self] = batchSize
        var dropout = DropoutStudy.Config(profile: .quick)
        dropout.depth = 2
        dropout.seeds = 1
        dropout.trainLimit = 64
        dropout.testLimit = 32
        dropout.batchSize = 16
        dropout.varianceImages = 32
        config[DropoutStudy.self] = dropout
        var recurrent = RecurrentStudy.Config(profile: .quick)
        recurrent.hiddenSize = 8
        recurrent.epochs = 2
        recurrent.learningRates = [0.05, 100]
        recurrent.gradientSeeds = 2
        recurrent.gradientBatches = 1
        recurrent.statisticsSteps = [1, 7, 14, 28]
        recurrent.trainLimit = 64
        recurrent.testLimit = 32
        recurrent.batchSize = 16
        config[RecurrentStudy.self] = recurrent
        var transfer = TransferStudy.Config(profile: .quick)
        transfer.sizes = [8]
        transfer.allImages = true
        transfer.seeds = 2
        transfer.sourceImages = 32
        transfer.sourceEpochs = 1
        transfer.epochs = 1
        transfer.minSteps = 2
        transfer.batchSize = 8
        transfer.testLimit = 16
        transfer.statisticsImages = 16
        config[TransferStudy.self] = transfer
        var activations = ActivationsStudy.Config(profile: .quick)
        activations.seeds = 2
        activations.mlpEpochs = 2
        activations.mlpTrainLimit = 120
        activations.mlpCaptureEvery = 1
        activations.probeImages = 32
        activations.convnetTrainLimit = 64
        activations.convnetBatchSize = 16
        activations.convnetCaptureEvery = 2
        config[ActivationsStudy.self] = activations
        let dataset = try! Dataset.load(.synthetic, syntheticTrainCount: 128, syntheticTestCount: 64)
        return try! Pipeline(config: config, jobs: 2).run(dataset: dataset, bnlabVersion: "test", gitCommit: "abc1234", machine: "test machine")
    }()

    /// The repository's templates/ (this file is Tests/ReportTests/ReportFixture.swift).
    static let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("templates", isDirectory: true)

    static func options(singleFile: Bool = false, formats: [ImageFormat] = [.png], configJSON: String? = nil) -> ReportOptions {
        let json = configJSON ?? String(decoding: try! results.config.jsonData(), as: UTF8.self)
        return ReportOptions(templatesDirectory: templates, formats: formats, singleFile: singleFile,
                             command: "bnlab run --dataset synthetic --seed 0", configJSON: json)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-report-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

extension PipelineConfig {
    func jsonData() throws -> Data { try JSONCoding.encoder().encode(self) }
}
