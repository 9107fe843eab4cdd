import Foundation
import Report
import Studies
import Training
import Testing

@Suite("Comparison with a baseline")
struct ComparisonTests {
    let results = ReportFixture.results

    /// `results` with one metric's value changed.
    func with(_ id: String, _ change: (Double?) -> Double?) -> RunResults {
        var r = results
        r.findings = r.findings.map { m in
            var m = m
            if m.id == id { m.value = change(m.value) }
            return m
        }
        return r
    }

    func row(_ c: Comparison, _ id: String) throws -> Comparison.Row {
        try #require(c.rows.first { $0.id == id })
    }

    let accuracy = "lr-sweep.depth2.bn.best_accuracy"

    @Test func identicalRunsHaveNoRegressions() throws {
        let c = Comparison.compare(baseline: results, current: results)
        #expect(c.regressionCount == 0)
        #expect(c.rows.allSatisfy { $0.verdict == .withinTolerance })
        // Every metric and the total and per-study wall times are compared.
        #expect(c.rows.count == results.findings.count + 1 + results.config.studies.count)
        #expect(try row(c, "time.total").unit == .seconds)
        #expect(try row(c, "time.lr-sweep").baseline == results.timings.studies["lr-sweep"])
    }

    @Test func accuracyUsesAnAbsoluteTolerance() throws {
        let base = try #require(results.findings.first { $0.id == accuracy }?.value)
        let dropped = Comparison.compare(baseline: results, current: with(accuracy) { $0.map { $0 - 0.05 } })
        #expect(try row(dropped, accuracy).verdict == .regressed)
        #expect(try abs(#require(row(dropped, accuracy).change) + 0.05) < 1e-9)
        #expect(try row(dropped, accuracy).baseline == base)
        #expect(dropped.regressionCount == 1)

        let nudged = Comparison.compare(baseline: results, current: with(accuracy) { $0.map { $0 - 0.005 } })
        #expect(try row(nudged, accuracy).verdict == .withinTolerance)
        #expect(nudged.regressionCount == 0)

        let better = Comparison.compare(baseline: results, current: with(accuracy) { $0.map { $0 + 0.02 } })
        #expect(try row(better, accuracy).verdict == .improved)

        let loose = Comparison.compare(baseline: results, current: with(accuracy) { $0.map { $0 - 0.05 } }, accuracyTolerance: 0.1)
        #expect(try row(loose, accuracy).verdict == .withinTolerance)
    }

    @Test func timesAreRelativeAndLowerIsBetter() throws {
        func scaled(_ k: Double) -> RunResults {
            var r = results
            r.timings.totalSeconds *= k
            return r
        }
        #expect(try row(Comparison.compare(baseline: results, current: scaled(1.5)), "time.total").verdict == .regressed)
        #expect(try row(Comparison.compare(baseline: results, current: scaled(1.2)), "time.total").verdict == .withinTolerance)
        #expect(try row(Comparison.compare(baseline: results, current: scaled(0.5)), "time.total").verdict == .improved)
        #expect(try row(Comparison.compare(baseline: results, current: scaled(1.2), timeTolerance: 0.1), "time.total").verdict == .regressed)
        let slower = try row(Comparison.compare(baseline: results, current: scaled(1.5)), "time.total")
        #expect(try abs(#require(slower.relativeChange) - 0.5) < 1e-9)
    }

    @Test func learningRatesCountAnyMoveAndNeitherNeverRegresses() throws {
        let largest = "lr-sweep.depth2.bn.largest_trainable_lr"
        let lower = Comparison.compare(baseline: with(largest) { _ in 1 }, current: with(largest) { _ in 0.3 })
        #expect(try row(lower, largest).verdict == .regressed)
        let higher = Comparison.compare(baseline: with(largest) { _ in 0.3 }, current: with(largest) { _ in 1 })
        #expect(try row(higher, largest).verdict == .improved)
        // A learning rate that no longer trains at all is a regression; one that now trains, an improvement.
        #expect(try row(Comparison.compare(baseline: with(largest) { _ in 1 }, current: with(largest) { _ in nil }), largest).verdict == .regressed)
        #expect(try row(Comparison.compare(baseline: with(largest) { _ in nil }, current: with(largest) { _ in 1 }), largest).verdict == .improved)

        let best = "lr-sweep.depth2.bn.best_lr"
        let moved = Comparison.compare(baseline: with(best) { _ in 0.1 }, current: with(best) { _ in 0.3 })
        #expect(try row(moved, best).verdict == .changed)
        #expect(moved.regressionCount == 0)
    }

    @Test func newAndMissingMetricsAreReportedNotCounted() throws {
        var current = results
        current.findings.append(Metric(id: "new.metric", label: "New", value: 1, unit: .number, better: .higher))
        current.findings.removeAll { $0.id == accuracy }
        let c = Comparison.compare(baseline: results, current: current)
        #expect(try row(c, "new.metric").verdict == .new)
        #expect(try row(c, accuracy).verdict == .missing)
        #expect(c.regressionCount == 0)
    }

    @Test func comparisonRoundTripsThroughJSON() throws {
        let c = Comparison.compare(baseline: results, current: with(accuracy) { $0.map { $0 - 0.05 } })
        let back = try JSONDecoder().decode(Comparison.self, from: JSONEncoder().encode(c))
        #expect(back == c)
    }
}
