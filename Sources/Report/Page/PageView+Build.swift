import Foundation
import Studies
import Training

extension PageView {
    /// The page for `results`, around the studies' rendered sections and their findings sentences.
    init(results: RunResults, baseline: RunResults?, comparison: Comparison?, options: ReportOptions,
         findings: [FindingSentence], sections: [(section: Section, title: String)], comparisonFigures: [FigureView],
         history: HistoryView? = nil) {
        let t = results.timings
        title = "Batch normalization and the usable learning rate"
        date = ReportFormat.date(t.startedAt)
        version = results.bnlabVersion
        commit = results.gitCommit.flatMap { $0.isEmpty ? nil : $0 }
        machine = t.machine
        let d = results.dataset
        dataset = "\(d.name) (\(ReportFormat.count(d.trainImages)) training, \(ReportFormat.count(d.testImages)) test images, "
            + d.imageShape.map(String.init).joined(separator: "×") + ")"
        profile = results.config.profile
        seed = String(results.config.seed)
        jobs = String(t.jobs)
        totalTime = ReportFormat.duration(t.totalSeconds)
        self.findings = findings
        command = options.command
        configJSON = ReportFormat.compactJSON(options.configJSON)
        self.sections = sections.map(\.section)
        contents = sections.map { LinkView(label: $0.title, href: "#" + $0.section.id) }
        if let comparison {
            self.comparison = ComparisonView(comparison, baseline: baseline, figures: comparisonFigures)
            if comparison.failed { regressionNotice = comparison.verdictLine }
            contents.append(LinkView(label: "Compared with baseline", href: "#comparison"))
        }
        if let history {
            self.history = history
            contents.append(LinkView(label: "History", href: "#history"))
        }
        contents.append(LinkView(label: "Reproduce this report", href: "#reproduce"))
        contents.append(LinkView(label: "References", href: "#references"))
    }

    // MARK: - Reproducing one study

    /// The command that reproduces study `id` alone: the run's command, narrowed to it.
    static func reproduce(study id: String, results: RunResults, options: ReportOptions) -> ReproduceView {
        let narrowed = results.config.studies.count > 1 && !options.command.contains("--studies")
            ? options.command + " --studies " + id : options.command
        return ReproduceView(command: narrowed, time: results.timings.studies[id].map(ReportFormat.duration) ?? "–")
    }
}
