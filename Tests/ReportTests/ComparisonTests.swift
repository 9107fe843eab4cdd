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
        #expect(c.rows.allSatisfy { $0.verdict == .unchanged })
        #expect(c.summary.status == .ok && c.changedRows.isEmpty && c.steadyRows.count == c.rows.count)
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

    @Test func timesAreJudgedOnlyWithATolerance() throws {
        func scaled(_ k: Double) -> RunResults {
            var r = results
            r.timings.totalSeconds *= k
            return r
        }
        func verdict(_ k: Double, _ tolerance: Double?) throws -> Comparison.Verdict {
            try row(Comparison.compare(baseline: results, current: scaled(k), timeTolerance: tolerance), "time.total").verdict
        }
        // Off by default (noisy CI machines): a slower run is a change, not a regression.
        #expect(try verdict(1.5, nil) == .changed)
        #expect(Comparison.compare(baseline: results, current: scaled(3)).summary.status == .ok)
        #expect(try verdict(1.5, 0.25) == .regressed)
        #expect(try verdict(1.2, 0.25) == .withinTolerance)
        #expect(try verdict(0.5, 0.25) == .improved)
        #expect(try verdict(1.2, 0.1) == .regressed)
        let slower = try row(Comparison.compare(baseline: results, current: scaled(1.5), timeTolerance: 0.25), "time.total")
        #expect(try abs(#require(slower.relativeChange) - 0.5) < 1e-9)
    }

    @Test func equalValuesAreUnchanged() throws {
        let c = Comparison.compare(baseline: results, current: with(accuracy) { $0.map { $0 + 1e-12 } })
        #expect(try row(c, accuracy).verdict == .unchanged)
        #expect(try row(c, accuracy).change == 0)
        #expect(c.changedRows.allSatisfy { !$0.id.hasPrefix("lr-sweep") && !$0.id.hasPrefix("covariate") && !$0.id.hasPrefix("gradients") })
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

    @Test func aMetricMissingTonightFailsUnlessAllowed() throws {
        var current = results
        current.findings.append(Metric(id: "new.metric", label: "New", value: 1, unit: .number, better: .higher))
        current.findings.removeAll { $0.id == accuracy }
        let c = Comparison.compare(baseline: results, current: current)
        #expect(try row(c, "new.metric").verdict == .new)
        #expect(try row(c, accuracy).verdict == .missing)
        #expect(c.regressionCount == 0 && c.summary.missing == 1)
        #expect(c.summary.status == .regressed && c.failed)
        #expect(c.changedRows.first?.id == accuracy, "missing rows come first")
        let allowed = Comparison.compare(baseline: results, current: current, allowMissing: true)
        #expect(allowed.summary.status == .ok && !allowed.failed)
        // A run of one study against a baseline of all: every other study's metrics are missing.
        var partial = results
        partial.findings.removeAll { !$0.id.hasPrefix("covariate-shift") }
        partial.timings.totalSeconds /= 100
        let onlyOne = Comparison.compare(baseline: results, current: partial)
        #expect(onlyOne.failed && onlyOne.summary.missing > 10)
        #expect(try row(onlyOne, "time.total").verdict == .changed, "a 99% shorter run is not an improvement when it measured less")
    }

    @Test func comparisonRoundTripsThroughJSON() throws {
        let c = Comparison.compare(baseline: results, current: with(accuracy) { $0.map { $0 - 0.05 } })
        let back = try JSONDecoder().decode(Comparison.self, from: JSONEncoder().encode(c))
        #expect(back == c)
    }
}
