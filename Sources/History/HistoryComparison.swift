import Studies

/// Tonight's numbers judged against the recent history of the same configuration, as criterion.rs
/// states it: improved, regressed, or within noise.
///
/// For each metric: the median m and the spread s = 1.4826 · MAD of its values in the last
/// `window` recorded runs with tonight's configuration hash (wall times: on tonight's machine
/// only). Tonight is within noise when |tonight − m| ≤ max(3 s, tolerance); the tolerances are
/// `bnlab compare`'s (absolute for accuracies, relative for the rest; wall times are judged only
/// with a time tolerance).
public struct HistoryComparison: Sendable, Codable {
    public enum Verdict: String, Sendable, Codable {
        case improved
        case regressed
        case withinNoise = "within noise"
        /// Moved beyond the noise, but the metric has no better direction.
        case changed
        /// No recorded value to judge against.
        case new
        /// Recorded in the latest comparable run, absent tonight.
        case missing
    }

    public enum Status: String, Sendable, Codable { case ok, regressed }

    public struct Row: Sendable, Codable, Equatable {
        public var id: String
        public var label: String
        public var current: Double?
        /// The history's median and spread (1.4826 · MAD) and how many runs they come from.
        public var median: Double?
        public var spread: Double?
        public var runs: Int
        /// The half-width of "within noise" around the median.
        public var band: Double?
        public var verdict: Verdict
        public var unit: Metric.Unit
    }

    public var configHash: String
    /// The runs judged against (same configuration), and how many other runs the store holds.
    public var comparedRuns: Int
    public var otherRuns: Int
    public var window: Int
    public var rows: [Row]
    public var allowMissing: Bool
    public var status: Status

    /// Judges `current` against `store`'s last `window` runs with its configuration; a run already
    /// in the store (same start time) is not judged against itself.
    public static func judge(_ current: RunResults, against store: HistoryStore, window: Int = 10,
                             accuracyTolerance: Double = 0.01, timeTolerance: Double? = nil, otherTolerance: Double = 0,
                             allowMissing: Bool = false) throws(HistoryError) -> HistoryComparison {
        let hash = current.config.fingerprint
        let all = try store.runs()
        let prior = Array(all.filter { $0.configHash == hash && $0.startedAt != current.timings.startedAt }.suffix(window))
        let others = all.filter { $0.configHash != hash }.count
        let sameMachine = Set(prior.filter { $0.machine == current.timings.machine }.map(\.id))
        var byMetric: [String: [Int64: RecordedValue]] = [:]
        for v in try store.values(runs: prior.map(\.id)) { byMetric[v.metric, default: [:]][v.runID] = v }

        // Tonight's numbers, as `history add` would record them.
        var tonight: [(id: String, label: String, value: Double?, unit: Metric.Unit, better: Metric.Better)] =
            current.findings.map { ($0.id, $0.label, $0.value.flatMap { $0.isFinite ? $0 : nil }, $0.unit, $0.better) }
        tonight.append(("time.total", "Total wall time", current.timings.totalSeconds, .seconds, .lower))
        for id in current.config.studies {
            if let t = current.timings.studies[id] { tonight.append(("time.\(id)", "Wall time, \(id)", t, .seconds, .lower)) }
        }

        var rows: [Row] = []
        for m in tonight {
            let isTime = m.id.hasPrefix("time.")
            let runs = prior.filter { !isTime || sameMachine.contains($0.id) }
            let recorded = runs.compactMap { byMetric[m.id]?[$0.id] }
            let values = recorded.compactMap(\.value)
            var row = Row(id: m.id, label: m.label, current: m.value, median: nil, spread: nil, runs: recorded.count,
                          band: nil, verdict: .new, unit: m.unit)
            guard !recorded.isEmpty else { rows.append(row); continue }
            let better: Metric.Better = isTime && timeTolerance == nil ? .neither : m.better
            guard !values.isEmpty, let c = m.value else {
                // Defined in neither: nothing moved. Appeared or vanished: a move in the direction
                // of "defined is better" for a higher-is-better metric, as `compare` judges it.
                row.verdict = values.isEmpty && m.value == nil ? .withinNoise
                    : direction(better, up: values.isEmpty)
                if !values.isEmpty { row.median = StepFit.median(values) }
                rows.append(row); continue
            }
            let median = StepFit.median(values)
            let spread = values.count >= 3 ? 1.4826 * StepFit.median(values.map { abs($0 - median) }) : 0
            let tolerance: Double = switch m.unit {
            case .accuracy: accuracyTolerance
            case .seconds: (timeTolerance ?? 0) * abs(median)
            default: otherTolerance * abs(median)
            }
            let band = max(3 * spread, tolerance) + 1e-9 * max(1, abs(median))
            row.median = median; row.spread = spread; row.band = band
            row.verdict = abs(c - median) <= band ? .withinNoise : direction(better, up: c > median)
            rows.append(row)
        }
        // What the latest comparable run measured and tonight did not.
        let tonightIDs = Set(tonight.map(\.id))
        if let latest = prior.last {
            for v in try store.values(runs: [latest.id]) where !tonightIDs.contains(v.metric) && !v.metric.hasPrefix("time.") {
                rows.append(Row(id: v.metric, label: v.label, current: nil, median: v.value, spread: nil, runs: 1,
                                band: nil, verdict: .missing, unit: v.unit))
            }
        }
        let regressed = rows.contains { $0.verdict == .regressed } || (!allowMissing && rows.contains { $0.verdict == .missing })
        return HistoryComparison(configHash: hash, comparedRuns: prior.count, otherRuns: others, window: window, rows: rows,
                                 allowMissing: allowMissing, status: regressed ? .regressed : .ok)
    }

    private static func direction(_ better: Metric.Better, up: Bool) -> Verdict {
        switch better {
        case .neither: .changed
        case .higher: up ? .improved : .regressed
        case .lower: up ? .regressed : .improved
        }
    }

    /// The number of rows per verdict.
    public var counts: [Verdict: Int] { rows.reduce(into: [:]) { $0[$1.verdict, default: 0] += 1 } }
}
