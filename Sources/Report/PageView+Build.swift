import Foundation
import Studies
import Training

extension PageView {
    /// The page for `results`. `figures` maps a figure's name (`lr-sweep-accuracy`) to its `<img>`;
    /// figures missing from it are left out.
    init(results: RunResults, baseline: RunResults?, comparison: Comparison?, options: ReportOptions,
         figures: [String: FigureView]) {
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
        findings = Self.findings(results)
        command = options.command
        configJSON = options.configJSON

        sections = []
        contents = []
        for id in results.config.studies {
            let reproduce = Self.reproduce(study: id, results: results, options: options)
            switch id {
            case LRSweepStudy.id:
                guard let sweep = results.lrSweep else { continue }
                sections.append(Section(lrSweep: LRSweepView(sweep, results: results, figures: figures, reproduce: reproduce)))
                contents.append(Link(label: "Learning-rate sweep", href: "#lr-sweep"))
            case CovariateShiftStudy.id:
                guard let shift = results.covariateShift else { continue }
                sections.append(Section(covariateShift: CovariateShiftView(shift, figures: figures, reproduce: reproduce)))
                contents.append(Link(label: "Covariate-shift simulation", href: "#covariate-shift"))
            default:
                continue
            }
        }
        if let comparison {
            self.comparison = ComparisonView(comparison, baseline: baseline, figure: figures["lr-sweep-accuracy-baseline"])
            contents.append(Link(label: "Compared with baseline", href: "#comparison"))
        }
        contents.append(Link(label: "Reproduce this report", href: "#reproduce"))
        contents.append(Link(label: "References", href: "#references"))
    }

    // MARK: - Reproducing one study

    /// The part of the effective config one study needs, written as a `--config` file.
    private struct StudyConfigFile: Encodable {
        var profile: String
        var seed: UInt64
        var dataset: String
        var dataDirectory: String?
        var studies: [String]
        var lrSweep: LRSweepStudy.Config?
        var covariateShift: CovariateShiftStudy.Config?
    }

    static func reproduce(study id: String, results: RunResults, options: ReportOptions) -> Reproduce {
        let c = results.config
        let file = StudyConfigFile(profile: c.profile, seed: c.seed, dataset: c.dataset, dataDirectory: c.dataDirectory,
                                   studies: [id],
                                   lrSweep: id == LRSweepStudy.id ? c.lrSweep : nil,
                                   covariateShift: id == CovariateShiftStudy.id ? c.covariateShift : nil)
        let json = (try? JSONCoding.encoder().encode(file)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        // The run's own command reproduces every study; narrow it to this one when that is unambiguous.
        let narrowed = c.studies.count > 1 && !options.command.contains("--studies")
            ? options.command + " --studies " + id : options.command
        return Reproduce(command: narrowed, configJSON: json,
                         time: results.timings.studies[id].map(ReportFormat.duration) ?? "–")
    }
}
