import Studies

/// One metric over the recorded runs of one configuration, with its fitted levels and steps.
public struct Trend: Sendable, Codable {
    /// A level change between two consecutive segments of the fit.
    public struct Step: Sendable, Codable, Equatable {
        /// The position (in `points`) of the first run at the new level.
        public var position: Int
        public var runLabel: String
        public var from: Double
        public var to: Double
        /// `improved` / `regressed` by the metric's direction, `changed` when it has none.
        public var verdict: String
    }

    /// One recorded value; runs that lack the metric or measured nothing are left out.
    public struct Point: Sendable, Codable, Equatable {
        public var runID: Int64
        public var runLabel: String
        public var value: Double
    }

    public var metric: String
    public var label: String
    public var unit: Metric.Unit
    public var better: Metric.Better
    public var points: [Point]
    public var fit: StepFit
    public var steps: [Step]

    public init(metric: String, label: String, unit: Metric.Unit, better: Metric.Better, points: [Point]) {
        self.metric = metric
        self.label = label
        self.unit = unit
        self.better = better
        self.points = points
        fit = StepFit(points.map(\.value))
        steps = zip(fit.segments, fit.segments.dropFirst()).map { a, b in
            let up = b.level > a.level
            let verdict = switch better {
            case .neither: "changed"
            case .higher: up ? "improved" : "regressed"
            case .lower: up ? "regressed" : "improved"
            }
            return Step(position: b.start, runLabel: points[b.start].runLabel, from: a.level, to: b.level, verdict: verdict)
        }
    }
}

/// The trends of a few metrics over the runs recorded with one configuration.
public struct HistoryTrends: Sendable, Codable {
    /// The configuration compared (`PipelineConfig.fingerprint`).
    public var configHash: String
    /// Its runs, oldest first (the last `limit` of them).
    public var runs: [RecordedRun]
    /// Runs recorded under other configurations: listed, never compared.
    public var otherRuns: [RecordedRun]
    public var trends: [Trend]

    /// Reads the runs of `configHash` and the series of `metrics` (in that order) from `store`.
    /// Wall times (`time.…`) use only the runs on `machine` when it is given: other machines'
    /// times are not comparable.
    public static func read(from store: HistoryStore, configHash: String, metrics: [String], machine: String? = nil,
                            limit: Int = 1000) throws(HistoryError) -> HistoryTrends {
        let all = try store.runs()
        let runs = Array(all.filter { $0.configHash == configHash }.suffix(limit))
        let others = all.filter { $0.configHash != configHash }
        let values = try store.values(metrics: metrics, runs: runs.map(\.id))
        var byMetric: [String: [Int64: RecordedValue]] = [:]
        for v in values { byMetric[v.metric, default: [:]][v.runID] = v }
        var trends: [Trend] = []
        for id in metrics {
            guard let series = byMetric[id], let first = series.values.first else { continue }
            let points = runs.compactMap { run -> Trend.Point? in
                if id.hasPrefix("time."), let machine, run.machine != machine { return nil }
                guard let v = series[run.id]?.value else { return nil }
                return Trend.Point(runID: run.id, runLabel: run.label, value: v)
            }
            let latest = runs.reversed().lazy.compactMap { series[$0.id] }.first ?? first
            trends.append(Trend(metric: id, label: latest.label, unit: latest.unit, better: latest.better, points: points))
        }
        return HistoryTrends(configHash: configHash, runs: runs, otherRuns: others, trends: trends)
    }
}
