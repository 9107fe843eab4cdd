import Foundation
import Studies

extension TransferStudy: ReportableStudy {
    public func figures(of result: Result, in run: RunResults) -> [ReportFigure] { TransferFigures.all(result) }

    /// What each claim says and who says it, for findings and the table.
    static func claimText(_ c: TransferFindings.Claim) -> (source: String, statement: String) {
        switch c {
        case .adaBN: ("Li et al. 2016 (AdaBN)", "re-estimating BN statistics on the target beats keeping the source's")
        case .bnAffine: ("Frankle et al. 2020", "training BN's γ and β with the head beats training the head alone")
        case .recipeSmallData: ("The deck", "with few target images, the frozen backbone with BN in eval mode beats full fine-tuning")
        case .fullLargeData: ("Yosinski et al. 2014, Kornblith et al. 2019", "with enough target images, full fine-tuning beats a frozen backbone")
        }
    }

    static func size(_ size: Int?, images: Int) -> String {
        size == nil ? "all \(ReportFormat.count(images)) images" : "\(ReportFormat.count(images)) images"
    }

    public func findings(of r: Result, in run: RunResults) -> [FindingSentence] {
        let f = r.findings
        let seeds = r.config.seeds == 1 ? "one seed, so every verdict is inconclusive" : "mean ± std over \(r.config.seeds) seeds"
        var out: [FindingSentence] = []
        var wins: [String] = []
        for target in r.config.targets {
            let w = f.winners.filter { $0.target == target }.map { w -> String in
                let acc = f.cells.first { $0.target == target && $0.size == w.size && $0.strategy == w.strategy }.map { NormReport.accuracy($0.accuracy) } ?? "–"
                let margin = w.runnerUp.map { " (" + (w.clear ? "ahead of" : "tied with") + " \($0.label), \(NormReport.points(w.margin)))" } ?? ""
                return "\(TransferFigures.sizeLabel(w.size, images: w.images)) images, \(w.strategy.label) \(acc)\(margin)"
            }
            if !w.isEmpty { wins.append("\(target.shortLabel): " + w.joined(separator: "; ") + ".") }
        }
        if !wins.isEmpty { out.append(FindingSentence(lead: "The best strategy", text: wins.joined(separator: " ") + " (\(seeds); tied: within twice the standard error of the per-seed difference.)")) }

        for claim in TransferFindings.Claim.allCases {
            let checks = f.checks.filter { $0.claim == claim }
            guard !checks.isEmpty else { continue }
            let (who, what) = Self.claimText(claim)
            let counts = Dictionary(grouping: checks, by: \.verdict).mapValues(\.count)
            let parts = checks.map { c in
                "\(c.target.shortLabel) at \(TransferFigures.sizeLabel(c.size, images: c.images)): \(NormReport.points(c.difference)) (\(c.verdict.rawValue))"
            }
            out.append(FindingSentence(lead: who, text: "Claim: \(what). Agrees in \(counts[.agrees] ?? 0), differs in \(counts[.differs] ?? 0) "
                + "and is inconclusive in \(counts[.inconclusive] ?? 0) of \(checks.count) comparisons of \(claim.better.label) − \(claim.worse.label): "
                + parts.joined(separator: "; ") + "."))
        }

        let shifted = f.baselines.filter { $0.unadapted != nil }
        if let first = shifted.first {
            let text = shifted.map { b in
                "\(b.target.shortLabel): \(b.unadapted.map(NormReport.accuracy) ?? "–") as it is, \(b.adaBNOnly.map(NormReport.accuracy) ?? "–") "
                    + "after AdaBN, a gain of \(b.adaBNGain.map(NormReport.points) ?? "–") (\(b.adaBNVerdict.rawValue))" + bestFineTuned(b.target, in: f)
            }.joined(separator: "; ")
            out.append(FindingSentence(lead: "Li et al. 2016: statistics alone",
                text: "Claim: re-estimating BN statistics on unlabelled target images, with the source head kept, recovers accuracy lost to a "
                    + "covariate shift. The pretrained model scores \(NormReport.accuracy(first.sourceAccuracy)) on its own test images; on the "
                    + "shifted test images, " + text + "."))
        }
        return out
    }

    /// ", against X for the best fine-tuning (strategy, N images)" at the target's largest size.
    private func bestFineTuned(_ target: Target, in f: TransferFindings) -> String {
        guard let w = f.winners.last(where: { $0.target == target }),
              let cell = f.cells.first(where: { $0.target == target && $0.size == w.size && $0.strategy == w.strategy }) else { return "" }
        return "; the best fine-tuning with a new head reaches \(NormReport.accuracy(cell.accuracy)) (\(w.strategy.label), "
            + "\(Self.size(w.size, images: w.images)))"
    }

    public func view(of result: Result, in section: ReportSection) -> Any { TransferView(result, in: section) }
}
