import Foundation
import Studies
import Training

/// Tonight's headline numbers against a baseline's: one row per metric and per wall time, each with
/// a verdict. `bnlab compare` prints it and exits 1 when `regressionCount > 0`; the report shows it
/// in its "Compared with baseline" section.
public struct Comparison: Codable, Sendable, Equatable {
    /// How a number moved, judged by the metric's direction (`Metric.better`) and its tolerance.
    public enum Verdict: String, Codable, Sendable {
        case improved
        case regressed
        case withinTolerance
        /// Moved beyond tolerance, but the metric has no better direction (`Metric.Better.neither`).
        case changed
        /// Only in the current results.
        case new
        /// Only in the baseline.
        case missing
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
    /// The tolerances the verdicts used: absolute for accuracies, relative for times and the rest.
    public var accuracyTolerance: Double
    public var timeTolerance: Double
    public var otherTolerance: Double

    public init(rows: [Row], accuracyTolerance: Double, timeTolerance: Double, otherTolerance: Double) {
        self.rows = rows
        self.accuracyTolerance = accuracyTolerance
        self.timeTolerance = timeTolerance
        self.otherTolerance = otherTolerance
    }

    /// Rows whose verdict is `regressed` (new and missing metrics are reported, not counted).
    public var regressionCount: Int { rows.filter { $0.verdict == .regressed }.count }
}

// MARK: - Comparing two runs

extension Comparison {
    /// Compares every headline metric (matched by `Metric.id`) and the wall times of two runs.
    ///
    /// - accuracyTolerance: absolute, in accuracy units (0.01 = 1 point).
    /// - timeTolerance: relative (0.25 = ±25 %); times are better when lower.
    /// - otherTolerance: relative, for learning rates, ratios, decades and plain numbers; these sit on
    ///   a discrete grid, so the default 0 counts any move.
    /// A metric whose direction is `neither` is `changed` or `withinTolerance`, never `regressed`.
    public static func compare(baseline: RunResults, current: RunResults, accuracyTolerance: Double = 0.01,
                               timeTolerance: Double = 0.25, otherTolerance: Double = 0.0) -> Comparison {
        func tolerance(_ unit: Metric.Unit) -> (value: Double, relative: Bool) {
            switch unit {
            case .accuracy: (accuracyTolerance, false)
            case .seconds: (timeTolerance, true)
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
            default: row(id: id, label: label, unit: .seconds, better: .lower, baseline: Metric(id: id, label: label, value: b, unit: .seconds, better: .lower),
                         current: c, tolerance: timeTolerance, relative: true)
            }
        }
        rows.append(timeRow("time.total", "Total wall time", baseline.timings.totalSeconds, current.timings.totalSeconds))
        let studies = current.config.studies + baseline.config.studies.filter { !current.config.studies.contains($0) }
        for id in studies where baseline.timings.studies[id] != nil || current.timings.studies[id] != nil {
            rows.append(timeRow("time.\(id)", "Wall time, \(id)", baseline.timings.studies[id], current.timings.studies[id]))
        }
        return Comparison(rows: rows, accuracyTolerance: accuracyTolerance, timeTolerance: timeTolerance,
                          otherTolerance: otherTolerance)
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
