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
                let margin = w.runnerUp.map { " (" + (w.clear ? "ahead of" : "within the seed spread of") + " \($0.label) by \(NormReport.points(w.margin)))" } ?? ""
                return "\(Self.size(w.size, images: w.images)): \(w.strategy.label), \(acc)\(margin)"
            }
            if !w.isEmpty { wins.append("On \(target.label) — " + w.joined(separator: "; ") + ".") }
        }
        if !wins.isEmpty { out.append(FindingSentence(lead: "Fine-tuning: the best strategy", text: wins.joined(separator: " ") + " (\(seeds).)")) }

        for claim in TransferFindings.Claim.allCases {
            let checks = f.checks.filter { $0.claim == claim }
            guard !checks.isEmpty else { continue }
            let (who, what) = Self.claimText(claim)
            let counts = Dictionary(grouping: checks, by: \.verdict).mapValues(\.count)
            let parts = checks.map { c in
                "\(c.target.label), \(Self.size(c.size, images: c.images)): \(NormReport.points(c.difference)) (\(c.verdict.rawValue))"
            }
            out.append(FindingSentence(lead: who, text: "Claim: \(what). Measured \(claim.better.label) − \(claim.worse.label): "
                + parts.joined(separator: "; ") + ". Agrees in \(counts[.agrees] ?? 0), differs in \(counts[.differs] ?? 0), "
                + "inconclusive in \(counts[.inconclusive] ?? 0) of \(checks.count) comparisons."))
        }

        let shifted = f.baselines.filter { $0.unadapted != nil }
        if !shifted.isEmpty {
            let text = shifted.map { b in
                let first = f.layerShifts.first { $0.target == b.target }
                return "on \(b.target.label) the pretrained model (\(NormReport.accuracy(b.sourceAccuracy)) on its own test images) scores "
                    + "\(b.unadapted.map(NormReport.accuracy) ?? "–") unchanged and \(b.adaBNOnly.map(NormReport.accuracy) ?? "–") with its BN "
                    + "statistics re-estimated on unlabelled target images"
                    + (first.map { ", its first BN layer's input mean moving by \(NormReport.number($0.meanShift)) source standard deviations" } ?? "")
            }.joined(separator: "; ")
            out.append(FindingSentence(lead: "Covariate shift without labels",
                                       text: "Li et al. adapt by re-estimating BN statistics alone: " + text + "."))
        }
        return out
    }

    public func view(of result: Result, in section: ReportSection) -> Any { TransferView(result, in: section) }
}
