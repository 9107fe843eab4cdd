import Foundation
import Studies
import Training

extension LRSchedulesStudy: ReportableStudy {
    public func figures(of result: Result, in run: RunResults) -> [ReportFigure] { LRSchedulesFigures.all(result) }

    /// Per network: the range tests' divergence points, the best schedule, and super-convergence with its verdict.
    public func findings(of r: Result, in run: RunResults) -> [FindingSentence] {
        var out: [FindingSentence] = []
        for f in r.findings {
            let text = [Self.rangeSentence(f), Self.scheduleSentence(f, config: r.config), Self.superSentence(f)].compactMap { $0 }
            out.append(FindingSentence(lead: "Schedules, " + LRSchedulesFigures.network(f.depth), text: text.joined(separator: " ")))
        }
        return out
    }

    public func view(of result: Result, in section: ReportSection) -> Any { LRSchedulesView(result, in: section) }
}

// MARK: - Sentences

extension LRSchedulesStudy {
    static func lr(_ v: Double?) -> String { v.map(ReportFormat.learningRate) ?? "–" }

    static func verdictText(_ v: Verdict) -> String {
        switch v {
        case .agrees: "agrees"
        case .differs: "differs"
        case .inconclusive: "inconclusive"
        }
    }

    /// "The range test diverged at 3.2 with BN and 0.5 without: 6.4× higher with BN (agrees …)."
    static func rangeSentence(_ f: Findings) -> String {
        func points(_ a: ArmRange) -> String {
            a.divergence.map { $0.map(ReportFormat.learningRate) ?? "beyond the end" }.joined(separator: ", ")
        }
        let seeds = f.rangeWithBN.divergence.count
        var s = "Range test (\(seeds) seed\(seeds == 1 ? "" : "s")): divergence at \(points(f.rangeWithBN)) with BN and "
            + "\(points(f.rangeWithoutBN)) without"
        if let ratio = f.divergenceRatio {
            s += ": \(f.ratioIsLowerBound ? "at least " : "")" + ReportFormat.ratio(ratio) + (ratio >= 1 ? " higher with BN" : " (lower with BN)")
        }
        s += "; suggested learning rates \(f.rangeWithBN.suggested.map(lr).joined(separator: ", ")) with BN and "
            + "\(f.rangeWithoutBN.suggested.map(lr).joined(separator: ", ")) without. "
        s += "Ioffe & Szegedy (2015) report that BN allows much higher learning rates; verdict: "
            + "\(verdictText(f.divergenceVerdict)) (rule: agrees when BN's divergence point exceeds no-BN's by more than two scan steps, "
            + "×\(String(format: "%.2f", f.scanResolution)), in every seed; differs when it falls below by as much in every seed)."
        return s
    }

    /// "At the best constant learning rate the best schedule is cosine with BN (88.1%) and …"
    static func scheduleSentence(_ f: Findings, config: Config) -> String? {
        var parts: [String] = []
        for bn in [true, false] {
            let rows = f.rows.filter { $0.batchNorm == bn && $0.rate == .best }
            guard let best = rows.max(by: { ($0.accuracy.mean ?? 0) < ($1.accuracy.mean ?? 0) }), let m = best.accuracy.mean else { continue }
            let constant = rows.first { $0.schedule.name == .constant }?.accuracy.mean
            var p = "\(bn ? "with" : "without") BN \(LRSchedulesFigures.label(best.schedule)) (\(ReportFormat.accuracy(m))"
            if let constant, best.schedule.name != .constant { p += String(format: "; constant %@", ReportFormat.accuracy(constant)) }
            parts.append(p + ")")
        }
        guard !parts.isEmpty else { return nil }
        var s = "After \(config.epochs) epochs at each arm's best constant learning rate (a tenth of where its range-test loss was lowest), the best schedule is " + parts.joined(separator: " and ") + "."
        let high = f.rows.filter { $0.rate == .high }
        if let lr = high.first?.learningRate {
            let bnTrained = high.filter { $0.batchNorm && $0.failed < $0.seeds }.count
            let plainTrained = high.filter { !$0.batchNorm && $0.failed < $0.seeds }.count
            let n = config.specs.count
            s += " At the high learning rate \(ReportFormat.learningRate(Double(lr))), \(bnTrained) of \(n) schedules trained with BN and \(plainTrained) of \(n) without."
        }
        return s
    }

    /// "One-cycle in 1 epoch: 84.0% with BN against 85.2% for the step schedule in 3 …"
    static func superSentence(_ f: Findings) -> String {
        func arm(_ s: SuperConvergence) -> String {
            let a = s.oneCycle.mean.map(ReportFormat.accuracy) ?? "–", b = s.step.mean.map(ReportFormat.accuracy) ?? "–"
            var t = "\(s.batchNorm ? "with" : "without") BN \(a) against \(b)"
            if let noise = s.noise { t += String(format: " (noise allowance %.1f points)", noise * 100) }
            if let m = s.matches { t += m ? ": matches" : ": falls short" } else if s.noise != nil { t += ": the seeds are too far apart to tell" }
            if s.oneCycleFailed > 0 { t += ", \(s.oneCycleFailed) one-cycle run\(s.oneCycleFailed == 1 ? "" : "s") failed to train" }
            return t
        }
        let w = f.superWithBN
        return "Super-convergence: one-cycle in \(w.oneCycleEpochs) epoch\(w.oneCycleEpochs == 1 ? "" : "s") (peak at the range test's lowest-loss "
            + "learning rate) against the step schedule's \(w.stepEpochs): \(arm(w)); \(arm(f.superWithoutBN)). "
            + "Smith & Topin (2017) found that one-cycle reaches the step schedule's accuracy in a fraction of the iterations, with BN networks; "
            + "verdict: \(verdictText(f.superVerdict)) (rule: agrees when one-cycle's mean accuracy with BN is at most twice the standard error of "
            + "the difference below the step schedule's, differs when further below, inconclusive with fewer than two seeds or when that allowance "
            + "exceeds \(Int(maxNoise * 100)) points). "
            + "The paper makes no claim without BN."
    }
}
