import Foundation
import Studies

extension LRSweepStudy: ReportableStudy {
    public func figures(of result: Result, in run: RunResults) -> [ReportFigure] { LRSweepFigures.all(result) }

    /// Tonight's accuracy curves over the baseline's, dashed.
    public func comparisonFigures(of result: Result, baseline: Result) -> [ReportFigure] {
        [LRSweepFigures.accuracy(result, baseline: baseline)]
    }

    /// One item per network (the largest LR that trains, the best accuracy, the window), then how
    /// much to trust the numbers.
    public func findings(of sweep: Result, in run: RunResults) -> [FindingSentence] {
        let top = sweep.config.learningRates.max().map(Double.init)
        let chance = sweep.runs.first.map { 1 / Double($0.result.config.model.classes) }
        var out: [FindingSentence] = []
        for f in sweep.findings {
            let text = [Self.largestLRSentence(f, top: top, chance: chance), Self.bestAccuracySentence(f),
                        Self.windowSentence(f)].compactMap { $0 }
            out.append(FindingSentence(lead: LRSweepFigures.networkTitle(f.depth), text: text.joined(separator: " ")))
        }
        out.append(FindingSentence(lead: nil, text: Self.noiseSentence(sweep.config, trainImages: run.dataset.trainImages)))
        return out
    }

    public func view(of result: Result, in section: ReportSection) -> Any { LRSweepView(result, in: section) }

    /// The best accuracy with and without BN and the ratio of the largest LRs that train well, per network.
    public func headlineMetrics(of result: Result) -> [String] {
        result.findings.flatMap { f in
            let key = "\(Self.id).depth\(f.depth)"
            return [key + ".bn.best_accuracy", key + ".no_bn.best_accuracy", key + ".largest_good_lr_ratio"]
        }
    }
}

// MARK: - Sentences

extension LRSweepStudy {
    /// "With BN the largest learning rate that trains well (…) is 0.3; without, 0.03: 10× higher. …"
    static func largestLRSentence(_ f: LRSweepFindings, top: Double?, chance: Double?) -> String {
        let bn = f.withBN.largestGoodLearningRate.map(Double.init)
        let plain = f.withoutBN.largestGoodLearningRate.map(Double.init)
        let lr = ReportFormat.learningRate
        let well = "trains well (every seed trains and its test accuracy is within "
            + "\(Int((LRSweepFindings.trainsWellWithin * 100).rounded())) points of the arm's best)"
        var s: String
        switch (bn, plain) {
        case let (b?, p?):
            s = "With BN the largest learning rate that \(well) is \(lr(b)); without, \(lr(p))"
            let r = b / p
            if abs(r - 1) < 1e-6 { s += ": the same." }
            else if r > 1 { s += ": " + ReportFormat.ratio(r) + " higher." }
            else { s += ": " + ReportFormat.ratio(1 / r) + " lower with BN." }
        case let (b?, nil):
            s = "With BN the largest learning rate that \(well) is \(lr(b)); without BN no learning rate in the grid trains well."
        case let (nil, p?):
            s = "With BN no learning rate in the grid trains well; without BN the largest that \(well) is \(lr(p))."
        case (nil, nil):
            s = "No learning rate in the grid trains well, with or without BN."
        }
        // The largest that trains at all, when it is beyond the largest that trains well.
        var atAll: [String] = []
        for arm in [f.withBN, f.withoutBN] {
            guard let l = arm.largestTrainingLearningRate, l != arm.largestGoodLearningRate,
                  let i = arm.learningRates.firstIndex(of: l) else { continue }
            let near = chance.map { Double(arm.meanAccuracy[i]) <= $0 + 0.05 } ?? false
            atAll.append("\(lr(Double(l))) \(arm.batchNorm ? "with" : "without") BN (test accuracy "
                + "\(ReportFormat.accuracy(Double(arm.meanAccuracy[i])))\(near ? ", near chance" : ""))")
        }
        if !atAll.isEmpty { s += " The largest that trains at all is " + atAll.joined(separator: " and ") + "." }
        // The sweep cannot see past its grid: say so when an arm still trains well at the top.
        let capped = [(bn, "with BN"), (plain, "without BN")].filter { $0.0 != nil && $0.0 == top }.map(\.1)
        if let top, !capped.isEmpty {
            s += " \(lr(top)) is the top of the grid, so the true limit \(capped.joined(separator: " and ")) may be higher."
        }
        return s
    }

    /// "Best test accuracy: 88.1% with BN (at LR 0.1), 86.0% without (at LR 0.03): 2.1 points more with BN."
    static func bestAccuracySentence(_ f: LRSweepFindings) -> String? {
        guard let ab = f.withBN.bestAccuracy, let lb = f.withBN.bestLearningRate,
              let ap = f.withoutBN.bestAccuracy, let lp = f.withoutBN.bestLearningRate else { return nil }
        let acc = { (a: Float) in ReportFormat.accuracy(Double(a)) }
        let lr = { (v: Float) in ReportFormat.learningRate(Double(v)) }
        let d = Double(ab - ap) * 100
        let diff = abs(d) < 0.05 ? "the same" : String(format: "%.1f points %@ with BN", abs(d), d > 0 ? "more" : "fewer")
        return "Best test accuracy: \(acc(ab)) with BN (at LR \(lr(lb))), \(acc(ap)) without (at LR \(lr(lp))): \(diff)."
    }

    /// "Accuracy stays within 2 points of its best over 1.5 decades of learning rate around it with BN, 0.5 without."
    static func windowSentence(_ f: LRSweepFindings) -> String? {
        // An arm where nothing trained has no window worth the name (every point sits near chance),
        // and the largest-LR sentence already says so.
        func w(_ a: LRSweepFindings.Arm) -> String? {
            guard a.largestTrainingLearningRate != nil, let d = a.windowDecades else { return nil }
            return d == 0 ? "a single grid point" : ReportFormat.decades(Double(d))
        }
        switch (w(f.withBN), w(f.withoutBN)) {
        case let (b?, p?): return "Accuracy stays within 2 points of its best over \(b) of learning rate around it with BN, \(p) without."
        case let (b?, nil): return "With BN, accuracy stays within 2 points of its best over \(b) of learning rate around it."
        case let (nil, p?): return "Without BN, accuracy stays within 2 points of its best over \(p) of learning rate around it."
        case (nil, nil): return nil
        }
    }

    /// How much to trust the numbers: seeds, data and epochs.
    static func noiseSentence(_ c: LRSweepStudy.Config, trainImages: Int) -> String {
        let images = ReportFormat.count(min(c.trainLimit ?? trainImages, trainImages))
        let epochs = c.epochs == 1 ? "one epoch" : "\(c.epochs) epochs"
        if c.seeds == 1 {
            return "These numbers come from one seed per grid point, \(images) training images and \(epochs): "
                + "differences of a point or so in accuracy, or of one grid step in learning rate, are within seed noise."
        }
        return "These numbers are means over \(c.seeds) seeds per grid point, \(images) training images and \(epochs); "
            + "the tables give the spread across seeds."
    }
}
