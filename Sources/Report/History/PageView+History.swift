import Foundation
import History
import Studies

extension PageView.HistoryView {
    /// Runs listed on the page (newest first); the rest are counted.
    static let listedRuns = 20

    init(_ h: HistoryTrends, figure: FigureView?) {
        let steps = h.trends.flatMap { t in t.steps.map { (t, $0) } }
        let n = h.runs.count
        summary = "\(n) recorded run\(n == 1 ? "" : "s") with this configuration (hash \(h.configHash))"
            + (steps.isEmpty ? "; no step detected in the headline numbers." :
                "; \(steps.count) step\(steps.count == 1 ? "" : "s") detected in the headline numbers.")
        method = "Steps are found as airspeed velocity (asv) finds them: a piecewise-constant fit of each series that "
            + "minimises the absolute deviations from each segment's median plus a penalty per segment, "
            + "γ = 4 σ̂ ln n, where σ̂ = 1.4826 · median |xᵢ − xᵢ₋₁| / √2 estimates the night-to-night noise. "
            + "bnlab's numbers repeat exactly for an unchanged commit (σ̂ = 0), so there every change of value is a step. "
            + "Wall times are compared only among runs on this machine. Only runs with the same configuration hash are compared."
        self.figure = figure
        self.steps = steps.reversed().map { t, s in
            PageView.HistoryStepRow(metric: t.label, run: s.runLabel, from: ReportFormat.value(s.from, unit: t.unit),
                                    to: ReportFormat.value(s.to, unit: t.unit), verdict: s.verdict,
                                    verdictClass: s.verdict == "changed" ? "neutral" : s.verdict)
        }
        hasSteps = !steps.isEmpty
        runs = h.runs.suffix(Self.listedRuns).reversed().map { r in
            PageView.HistoryRunRow(id: "#\(r.id)", label: r.label, date: ReportFormat.date(r.startedAt),
                                   commit: r.gitCommit.map { String($0.prefix(10)) } ?? "–",
                                   totalTime: ReportFormat.duration(r.totalSeconds))
        }
        runsNote = n > Self.listedRuns ? "The latest \(Self.listedRuns) of \(n) runs; `bnlab history list` shows them all." : ""
        var byHash: [String: [RecordedRun]] = [:]
        for r in h.otherRuns { byHash[r.configHash, default: []].append(r) }
        otherConfigs = byHash.sorted { ($0.value.last?.startedAt ?? "") > ($1.value.last?.startedAt ?? "") }.map { hash, runs in
            PageView.HistoryConfigRow(hash: hash, profile: runs.last?.profile ?? "–", runs: String(runs.count),
                                      latest: runs.last.map { ReportFormat.date($0.startedAt) } ?? "–")
        }
        hasOtherConfigs = !otherConfigs.isEmpty
    }
}
