import Datasets
import Foundation
import Testing
@testable import Studies
import TestSupport
import Training

@Suite struct PipelineTests {
    func tinyConfig() -> PipelineConfig {
        var c = PipelineConfig.profile("quick")!
        c.dataset = "synthetic"
        c[LRSweepStudy.self].depths = [2, 3]
        c[LRSweepStudy.self].learningRates = [0.01, 0.1, 1000]
        c[LRSweepStudy.self].trainLimit = 256
        c[LRSweepStudy.self].batchSize = 32
        c[LRSweepStudy.self].seeds = 2
        c[CovariateShiftStudy.self].iterations = 20
        c[CovariateShiftStudy.self].samples = 200
        c[CovariateShiftStudy.self].seeds = 2
        var gradients = GradientsStudy.Config(profile: .quick)
        gradients.depths = [4]
        gradients.learningRates = [0.1, 1]
        gradients.trainLimit = 128
        gradients.batchSize = 32
        gradients.initBatches = 2
        gradients.probes = 2
        c[GradientsStudy.self] = gradients
        var schedules = LRSchedulesStudy.Config(profile: .quick)
        schedules.depths = [2]
        schedules.epochs = 3
        schedules.batchSize = 32
        schedules.validationImages = 64
        schedules.trainLimit = 64
        schedules.testLimit = 32
        schedules.rangeSteps = 10
        schedules.schedules = ["multistep:per=batch", "plateau:patience=0"]
        schedules.rangeSeeds = 1
        schedules.superSeeds = 1
        c[LRSchedulesStudy.self] = schedules
        c[RunningStatsStudy.self] = NormStudiesTests.tinyRunningStats()
        c[BatchSizeStudy.self] = NormStudiesTests.tinyBatchSize()
        c[DropoutStudy.self] = NormStudiesTests.tinyDropout()
        c[RecurrentStudy.self] = RecurrentTests.tinyRecurrent()
        c[TransferStudy.self] = TransferStudyTests.tiny()
        c[ActivationsStudy.self] = ActivationsTests.tiny()
        return c
    }

    @Test func resultsDoNotDependOnJobsAndRoundTrip() throws {
        let pipeline1 = Pipeline(config: tinyConfig(), jobs: 1)
        let pipeline2 = Pipeline(config: tinyConfig(), jobs: 2)
        let done = Counter()
        var a = try pipeline1.run(dataset: synthetic, bnlabVersion: "t", gitCommit: nil, machine: "m",
                                  progress: { _ in _ = done.increment() })
        var b = try pipeline2.run(dataset: synthetic, bnlabVersion: "t", gitCommit: nil, machine: "m")
        #expect(done.value == pipeline1.totalWork)
        // lr-schedules: 2 arms × 1 range test, 2 arms × 2 rates × 2 schedules, 2 arms × 1 seed × (step, one-cycle)
        // running-stats: 3 arms × 1 seed; batch-size: 2 norms × 2 sizes; dropout: 3 arrangements;
        // recurrent: 2 tasks × 4 networks × 2 seeds, 4 networks × 2 learning rates, 2 γ × 2 seeds;
        // transfer: 2 targets × 4 strategies × 2 sizes × 1 seed + 2 statistics units
        // activations: 2 ConvNet arms × 1 seed + 2 MLP arms × 2 seeds
        #expect(pipeline1.totalWork == 2 * 2 * 3 * 2 + 3 + 1 * 2 * 2 * 2 + (2 + 8 + 4) + 3 + 2 * 2 + 3 + (16 + 8 + 4) + 2 * 4 * 2 + 2 + (2 + 4))
        #expect(a.timings.runs.count == pipeline1.totalWork)
        // Apart from the timings section, the files are byte-identical.
        a.timings = b.timings
        #expect(try a.encoded() == b.encoded())
        // metrics.json decodes back to the same bytes.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("metrics-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: url) }
        try a.encoded().write(to: url)
        b = try RunResults.read(from: url)
        #expect(try a.encoded() == b.encoded())
    }

    @Test func findingsReflectTheRuns() throws {
        let r = try Pipeline(config: tinyConfig(), jobs: 2).run(dataset: synthetic, bnlabVersion: "t", gitCommit: nil, machine: "m")
        let sweep = try #require(r.results[LRSweepStudy.self])
        #expect(sweep.runs.count == 24)
        // lr 1000 must fail in both arms at every depth (the criterion is reported, not hidden).
        for run in sweep.runs where run.learningRate == 1000 { #expect(run.failed, "\(run.depth) \(run.batchNorm)") }
        for f in sweep.findings {
            #expect(f.withBN.largestTrainingLearningRate ?? 0 < 1000)
            #expect(f.withBN.learningRates == [0.01, 0.1, 1000])
        }
        #expect(r.findings.contains { $0.id == "lr-sweep.depth2.bn.best_accuracy" && $0.value != nil })
        let shift = try #require(r.results[CovariateShiftStudy.self])
        for c in shift.curves where c.normalized {
            #expect(c.mean.allSatisfy { abs($0) < 1e-9 })
            #expect(c.spread.allSatisfy { abs($0 - 1) < 1e-3 })
        }
        let raw = try #require(shift.curves.first { !$0.normalized && $0.noise == 0.1 })
        #expect(raw.spread.last! < 0.9, "tanh contracts the spread without normalisation")
    }

    @Test func configFileOverridesAndRejectsUnknownKeys() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ text: String) throws -> URL {
            let url = dir.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            return url
        }
        let yaml = try write("a.yaml", "profile: full\nlrSweep:\n  depths: [2, 4]\n  trainLimit: 2000\n")
        let c = try ConfigLoader.load(profile: nil, file: yaml)
        #expect(c.profile == "full" && c[LRSweepStudy.self].depths == [2, 4] && c[LRSweepStudy.self].trainLimit == 2000 && c[LRSweepStudy.self].seeds == 3)

        func message(_ text: String, _ ext: String = "json") -> String {
            do { _ = try ConfigLoader.load(profile: nil, file: try write("b.\(ext)", text)); return "accepted" } catch {
                return "\(error)"
            }
        }
        #expect(message(#"{"lrSweep": {"learningRate": [0.1]}}"#).hasPrefix("lrSweep.learningRate: unknown key"))
        #expect(message(#"{"lrSweep": {"learningRate": [0.1]}}"#).contains("learningRates"))
        #expect(message(#"{"lrSweep": {"learningRates": [0.1, -1]}}"#).hasPrefix("lrSweep.learningRates[1]:"))
        #expect(message(#"{"lrSweep": {"learningRates": []}}"#).contains("empty"))
        #expect(message(#"{"lrSweep": {"depths": [0]}}"#).hasPrefix("lrSweep.depths[0]:"))
        #expect(message(#"{"lrSweep": {"batchSize": 0}}"#).hasPrefix("lrSweep.batchSize:"))
        #expect(message(#"{"studies": ["lr-sweep", "nope"]}"#).contains("valid: lr-sweep, covariate-shift, gradients, lr-schedules, running-stats, batch-size, dropout, recurrent, transfer, activations"))
        #expect(message(#"{"lrSweep": {"epochs": "two"}}"#).hasPrefix("lrSweep.epochs: has the wrong type"))
        #expect(message("profile: [", "yaml").contains("not valid YAML"))
        #expect(message(#"{"profile": "huge"}"#).hasPrefix("profile: unknown profile"))
        // Every size is bounded before anything is allocated or run.
        #expect(message(#"{"lrSweep": {"seeds": 1e12}}"#) == "lrSweep.seeds: must be in 1…100, got 1000000000000")
        #expect(message(#"{"lrSweep": {"epochs": 1000000}}"#).hasPrefix("lrSweep.epochs: must be in 1…1000"))
        let lrs = (1...65).map { _ in "0.1" }.joined(separator: ",")
        #expect(message(#"{"lrSweep": {"learningRates": [\#(lrs)]}}"#) == "lrSweep.learningRates: at most 64 learning rates, got 65")
        #expect(message(#"{"covariateShift": {"noiseLevels": [1e14]}}"#).hasPrefix("covariateShift.noiseLevels[0]: must be a number in [0, 1000]"))
        #expect(message(#"{"covariateShift": {"iterations": 1e12}}"#).hasPrefix("covariateShift.iterations: must be in 1…100,000"))
        #expect(message(#"{"gradients": {"probes": 5000}}"#).hasPrefix("gradients.probes: must be in 0…1000"))
    }
}
