import Foundation
import Studies
import Training

/// Tonight's headline numbers against a baseline's: one row per metric and per wall time, each with
/// a verdict. `bnlab compare` prints it and exits 1 when `status` is `.regressed`; the report shows
/// it in its "Compared with baseline" section and says so at the top of the findings.
public struct Comparison: Codable, Sendable, Equatable {
    /// How a number moved, judged by the metric's direction (`Metric.better`) and its tolerance.
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        case improved
        case regressed
        /// Equal to within 1e-9 (relative to the larger of 1 and |baseline|), or undefined in both.
        case unchanged
        case withinTolerance
        /// Moved beyond tolerance, but the metric has no better direction (`Metric.Better.neither`).
        case changed
        /// Only in the current results.
        case new
        /// Only in the baseline: tonight did not measure it. A failure unless missing data is allowed.
        case missing
    }

    /// The whole comparison in one word: what `compare --json` reports and its exit status follows.
    public enum Status: String, Codable, Sendable {
        /// Nothing regressed and nothing the baseline measured is missing.
        case ok
        /// Something regressed, or (unless allowed) a metric of the baseline is missing tonight.
        case regressed
        /// An input could not be used (exit 2).
        case unusable
    }

    /// The verdict counts and the status.
    public struct Summary: Codable, Sendable, Equatable {
        public var status: Status
        public var counts: [String: Int]
        public var regressions: Int
        public var missing: Int
    }

    /// One compared number.
    public struct Row: Codable, Sendable, Equatable {
        /// `Metric.id`, or `time.total` / `time.<study>` for wall times.
        public var id: String
        public var label: String
        public var baseline: Double?
        public var current: Double?
        /// `current - baseline` in the metric's unit (nil unless both are known).
        public var change: Double?
        /// `change / |baseline|` (nil unless both are known and the baseline is non-zero).
        public var relativeChange: Double?
        public var verdict: Verdict
        public var unit: Metric.Unit

        public init(id: String, label: String, baseline: Double?, current: Double?, change: Double?,
                    relativeChange: Double?, verdict: Verdict, unit: Metric.Unit) {
            self.id = id; self.label = label; self.baseline = baseline; self.current = current
            self.change = change; self.relativeChange = relativeChange; self.verdict = verdict; self.unit = unit
        }
    }

    public var rows: [Row]
    /// The tolerances the verdicts used: absolute for accuracies, relative for times and the rest;
    /// no time tolerance means wall times are shown but never judged (noisy CI machines).
    public var accuracyTolerance: Double
    public var timeTolerance: Double?
    public var otherTolerance: Double
    /// Whether metrics missing tonight are allowed (reported, not failed).
    public var allowMissing: Bool
    public var summary: Summary

    public init(rows: [Row], accuracyTolerance: Double, timeTolerance: Double?, otherTolerance: Double, allowMissing: Bool = false) {
        self.rows = rows
        self.accuracyTolerance = accuracyTolerance
        self.timeTolerance = timeTolerance
        self.otherTolerance = otherTolerance
        self.allowMissing = allowMissing
        let regressions = rows.filter { $0.verdict == .regressed }.count
        // A wall time absent tonight is not a missing measurement: the study's metrics say that.
        let missing = rows.filter { $0.verdict == .missing && !$0.id.hasPrefix("time.") }.count
        var counts: [String: Int] = [:]
        for r in rows { counts[r.verdict.rawValue, default: 0] += 1 }
        summary = Summary(status: regressions > 0 || (missing > 0 && !allowMissing) ? .regressed : .ok,
                          counts: counts, regressions: regressions, missing: missing)
    }

    /// Rows whose verdict is `regressed`.
    public var regressionCount: Int { summary.regressions }

    /// Whether the nightly gate fails: something regressed or a measurement went missing.
    public var failed: Bool { summary.status != .ok }
}

// MARK: - Comparing two runs

extension Comparison {
    /// Compares every headline metric (matched by `Metric.id`) and the wall times of two runs.
    ///
    /// - accuracyTolerance: absolute, in accuracy units (0.01 = 1 point).
    /// - timeTolerance: relative (0.25 = ±25 %); times are better when lower. nil: times are
    ///   shown as changed or unchanged, never regressed.
    /// - otherTolerance: relative, for learning rates, ratios, decades and plain numbers; these sit on
    ///   a discrete grid, so the default 0 counts any move.
    /// A metric whose direction is `neither` is `changed` or `withinTolerance`, never `regressed`.
    public static func compare(baseline: RunResults, current: RunResults, accuracyTolerance: Double = 0.01,
                               timeTolerance: Double? = nil, otherTolerance: Double = 0.0,
                               allowMissing: Bool = false) -> Comparison {
        func tolerance(_ unit: Metric.Unit) -> (value: Double, relative: Bool) {
            switch unit {
            case .accuracy: (accuracyTolerance, false)
            case .seconds: (timeTolerance ?? 0, true)
            case .learningRate, .ratio, .decades, .number: (otherTolerance, true)
            }
        }
        var rows: [Row] = []
        let base = Dictionary(baseline.findings.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let currentIDs = Set(current.findings.map(\.id))
        for m in current.findings {
            let t = tolerance(m.unit)
            rows.append(row(id: m.id, label: m.label, unit: m.unit, better: m.better,
                            baseline: base[m.id], current: m.value, tolerance: t.value, relative: t.relative))
        }
        for m in baseline.findings where !currentIDs.contains(m.id) {
            rows.append(Row(id: m.id, label: m.label, baseline: m.value, current: nil, change: nil,
                            relativeChange: nil, verdict: .missing, unit: m.unit))
        }

        // Wall times: the total, then each study in the current run's order (baseline-only ones last).
        func timeRow(_ id: String, _ label: String, _ b: Double?, _ c: Double?) -> Row {
            switch (b, c) {
            case (nil, _): Row(id: id, label: label, baseline: nil, current: c, change: nil, relativeChange: nil, verdict: .new, unit: .seconds)
            case (_, nil): Row(id: id, label: label, baseline: b, current: nil, change: nil, relativeChange: nil, verdict: .missing, unit: .seconds)
            default: row(id: id, label: label, unit: .seconds, better: timeTolerance == nil ? .neither : .lower,
                         baseline: Metric(id: id, label: label, value: b, unit: .seconds, better: .lower),
                         current: c, tolerance: timeTolerance ?? 0, relative: true)
            }
        }
        rows.append(timeRow("time.total", "Total wall time", baseline.timings.totalSeconds, current.timings.totalSeconds))
        let studies = current.config.studies + baseline.config.studies.filter { !current.config.studies.contains($0) }
        for id in studies where baseline.timings.studies[id] != nil || current.timings.studies[id] != nil {
            rows.append(timeRow("time.\(id)", "Wall time, \(id)", baseline.timings.studies[id], current.timings.studies[id]))
        }
        return Comparison(rows: rows, accuracyTolerance: accuracyTolerance, timeTolerance: timeTolerance,
                          otherTolerance: otherTolerance, allowMissing: allowMissing)
    }

    /// One row for a metric present tonight; `baseline` is nil when the baseline lacks the id.
    private static func row(id: String, label: String, unit: Metric.Unit, better: Metric.Better, baseline: Metric?,
                            current: Double?, tolerance: Double, relative: Bool) -> Row {
        guard let baseline else {
            return Row(id: id, label: label, baseline: nil, current: current, change: nil, relativeChange: nil,
                       verdict: .new, unit: unit)
        }
        // Non-finite values (a NaN that went through JSON) count as undefined.
        let b = baseline.value.flatMap { $0.isFinite ? $0 : nil }
        let current = current.flatMap { $0.isFinite ? $0 : nil }
        var r = Row(id: id, label: label, baseline: b, current: current, change: nil, relativeChange: nil,
                    verdict: .withinTolerance, unit: unit)
        // A value that appeared or vanished (e.g. no learning rate trains any more) is a move in the
        // direction of "defined is better" for a higher-is-better metric.
        guard let b, let c = current else {
            if b == nil && current == nil { r.verdict = .unchanged }
            if (b == nil) != (current == nil) {
                let appeared = b == nil
                r.verdict = switch better {
                case .neither: .changed
                case .higher: appeared ? .improved : .regressed
                case .lower: appeared ? .regressed : .improved
                }
            }
            return r
        }
        let change = c - b
        r.change = change
        // Equal up to float noise: not a row worth a verdict.
        if abs(change) <= 1e-9 * max(1, abs(b)) {
            r.change = 0
            r.verdict = .unchanged
            return r
        }
        r.relativeChange = b != 0 ? change / abs(b) : nil
        // Relative moves against a zero baseline are infinite unless the value stayed at zero.
        let size = relative ? (b != 0 ? abs(change) / abs(b) : (change == 0 ? 0 : .infinity)) : abs(change)
        // A hair of slack so that values that went through Float round-trips compare equal.
        guard size > tolerance + 1e-9 else { return r }
        r.verdict = switch better {
        case .neither: .changed
        case .higher: change > 0 ? .improved : .regressed
        case .lower: change < 0 ? .improved : .regressed
        }
        return r
    }
}

extension Comparison {
    /// The rows worth reading first: regressions and missing measurements, then every other move.
    public var changedRows: [Row] {
        let order: [Verdict] = [.regressed, .missing, .improved, .changed, .new]
        return order.flatMap { v in rows.filter { $0.verdict == v } }
    }

    /// The rows that did not move beyond tolerance.
    public var steadyRows: [Row] { rows.filter { $0.verdict == .unchanged || $0.verdict == .withinTolerance } }

    /// One line: "2 regressions, 1 missing; 3 improved, …" with the status.
    public var verdictLine: String {
        let s = summary
        var parts: [String] = []
        for v in Verdict.allCases { if let n = s.counts[v.rawValue], n > 0 { parts.append("\(n) \(ReportFormat.verdict(v))") } }
        let head: String
        switch s.status {
        case .ok: head = "OK: nothing regressed" + (s.missing > 0 ? " (\(s.missing) missing, allowed)" : "")
        case .regressed:
            var why: [String] = []
            if s.regressions > 0 { why.append("\(s.regressions) regression\(s.regressions == 1 ? "" : "s")") }
            if s.missing > 0 && !allowMissing { why.append("\(s.missing) metric\(s.missing == 1 ? "" : "s") of the baseline missing tonight") }
            head = "REGRESSED: " + why.joined(separator: ", ")
        case .unusable: head = "UNUSABLE"
        }
        return head + ". Rows: " + parts.joined(separator: ", ") + "."
    }
}
