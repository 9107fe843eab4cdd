import Foundation
import Testing

/// `bnlab train --schedule` and `bnlab lr-find` from the command line, on synthetic data.
@Suite struct ScheduleCLITests {
    @Test func badSchedulesGetOneLineNamingTheAcceptedValues() throws {
        let unknown = try CLI.run(["train", "--dataset", "synthetic", "--schedule", "onecyle"])
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("--schedule: unknown schedule 'onecyle'; valid: constant, step, multistep"), "\(unknown.err)")
        let key = try CLI.run(["train", "--dataset", "synthetic", "--schedule", "plateau:patiense=2"])
        #expect(key.status != 0 && key.err.contains("plateau has no key 'patiense'; valid: mode, factor, patience"), "\(key.err)")
        let range = try CLI.run(["lr-find", "--dataset", "synthetic", "--end", "1e-6"])
        #expect(range.status != 0 && range.err.contains("--end: must be above --start"), "\(range.err)")
        #expect(!unknown.err.contains("Fatal error") && !key.err.contains("Fatal error"))
    }

    @Test func trainWithOneCycleAndLRFind() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-sched-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let train = try CLI.run(["train", "--dataset", "synthetic", "--model", "convnet-bn", "--train-limit", "256", "--batch", "32",
                                 "--schedule", "onecycle:max_lr=0.5", "--json"])
        #expect(train.status == 0, "\(train.err)")
        let object = try JSONSerialization.jsonObject(with: Data(train.out.utf8)) as? [String: Any]
        #expect(object?["schedule"] as? String == "onecycle:max_lr=0.5")
        // one-cycle ends at max_lr / 25 / 1e4
        let last = try #require(object?["final_learning_rate"] as? Double)
        #expect(last < 0.5 / 25 / 100)

        let chart = dir.appendingPathComponent("find.png")
        let find = try CLI.run(["lr-find", "--dataset", "synthetic", "--steps", "30", "--batch", "32", "--chart", chart.path])
        #expect(find.status == 0, "\(find.err)")
        #expect(find.out.contains("suggested learning rate"))
        let png = try Data(contentsOf: chart)
        #expect(png.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
    }
}
