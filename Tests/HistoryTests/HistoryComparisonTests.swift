import Foundation
import History
import Studies
import Testing

/// Tonight against the recorded history: improved, regressed, within noise.
@Suite struct HistoryComparisonTests {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("bnlab-history-cmp-\(UUID())")
    init() throws { try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true) }

    let metric = "lr-sweep.depth2.bn.best_accuracy"

    /// A store with ten nights whose accuracies wobble by ±0.4 points.
    func store() throws -> HistoryStore {
        let store = try HistoryStore(path: dir.appendingPathComponent("h.sqlite").path, create: true)
        for night in 0..<10 {
            try store.add(HistoryStoreTests.run(night: night, shift: night % 2 == 0 ? 0.004 : -0.004, seconds: 100 + Double(night % 3)))
        }
        return store
    }

    func row(_ c: HistoryComparison, _ id: String) throws -> HistoryComparison.Row {
        try #require(c.rows.first { $0.id == id })
    }

    @Test func tonightLikeTheHistoryIsWithinNoise() throws {
        let c = try HistoryComparison.judge(HistoryStoreTests.run(night: 30, shift: 0.002), against: store())
        #expect(c.status == .ok)
        #expect(c.comparedRuns == 10)
        let r = try row(c, metric)
        #expect(r.verdict == .withinNoise && r.runs == 10)
        #expect(c.rows.allSatisfy { $0.verdict == .withinNoise || $0.verdict == .changed || $0.verdict == .new }, "\(c.rows.filter { $0.verdict != .withinNoise })")
    }

    @Test func aDropBeyondNoiseAndToleranceRegresses() throws {
        let c = try HistoryComparison.judge(HistoryStoreTests.run(night: 30, shift: -0.03), against: store())
        #expect(c.status == .regressed)
        let r = try row(c, metric)
        #expect(r.verdict == .regressed)
        let median = try #require(r.median), current = try #require(r.current)
        #expect(abs(current - median + 0.03) < 0.005)
    }

    @Test func aRiseBeyondNoiseImproves() throws {
        let c = try HistoryComparison.judge(HistoryStoreTests.run(night: 30, shift: 0.03), against: store())
        #expect(try row(c, metric).verdict == .improved)
        #expect(c.status == .ok)
    }

    @Test func theToleranceWidensTheBand() throws {
        let c = try HistoryComparison.judge(HistoryStoreTests.run(night: 30, shift: -0.03), against: store(), accuracyTolerance: 0.05)
        #expect(try row(c, metric).verdict == .withinNoise)
    }

    @Test func wallTimesAreJudgedOnlyWithATimeTolerance() throws {
        let slow = try HistoryStoreTests.run(night: 30, seconds: 300), store = try store()
        #expect(try row(HistoryComparison.judge(slow, against: store), "time.total").verdict == .changed)
        let judged = try HistoryComparison.judge(slow, against: store, timeTolerance: 0.25)
        #expect(try row(judged, "time.total").verdict == .regressed)
        #expect(judged.status == .regressed)
    }

    @Test func onlyTheSameConfigurationIsCompared() throws {
        var other = try HistoryStoreTests.run(night: 30, shift: -0.3)
        other.config.seed = 99
        let c = try HistoryComparison.judge(other, against: store())
        #expect(c.comparedRuns == 0 && c.otherRuns == 10)
        #expect(c.rows.allSatisfy { $0.verdict == .new })
        #expect(c.status == .ok)
    }

    @Test func theWindowIsTheLatestRuns() throws {
        let store = try store()
        // Five more nights at a new level: with a window of 5, tonight is judged against those.
        for night in 10..<15 { try store.add(HistoryStoreTests.run(night: night, shift: 0.05)) }
        let tonight = try HistoryStoreTests.run(night: 30, shift: 0.05)
        #expect(try row(HistoryComparison.judge(tonight, against: store, window: 5), metric).verdict == .withinNoise)
        #expect(try row(HistoryComparison.judge(tonight, against: store, window: 15), metric).verdict == .improved)
    }

    @Test func aMetricGoneTonightIsMissing() throws {
        var tonight = try HistoryStoreTests.run(night: 30)
        tonight.findings.removeAll { $0.id == metric }
        let store = try store()
        let c = try HistoryComparison.judge(tonight, against: store)
        #expect(try row(c, metric).verdict == .missing)
        #expect(c.status == .regressed)
        #expect(try HistoryComparison.judge(tonight, against: store, allowMissing: true).status == .ok)
    }

    @Test func aRunIsNotJudgedAgainstItself() throws {
        let store = try store()
        let last = try HistoryStoreTests.run(night: 9, shift: -0.004, seconds: 100)
        #expect(try HistoryComparison.judge(last, against: store).comparedRuns == 9)
    }

    @Test func trendsFollowTheConfigurationAndFindTheStep() throws {
        let store = try store()
        for night in 10..<16 { try store.add(HistoryStoreTests.run(night: night, shift: -0.05)) }
        var other = try HistoryStoreTests.run(night: 40)
        other.config.seed = 7
        try store.add(other)
        let hash = try HistoryStoreTests.run(night: 0).config.fingerprint
        let t = try HistoryTrends.read(from: store, configHash: hash, metrics: [metric, "time.total", "no.such.metric"])
        #expect(t.runs.count == 16 && t.otherRuns.count == 1)
        #expect(t.trends.map(\.metric) == [metric, "time.total"])
        let acc = t.trends[0]
        #expect(acc.points.count == 16)
        #expect(acc.steps.map(\.position) == [10])
        #expect(acc.steps.first?.verdict == "regressed")
    }
}
