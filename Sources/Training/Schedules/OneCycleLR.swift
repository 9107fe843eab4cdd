import Foundation

/// Smith's one-cycle policy, stepped per batch (`torch.optim.lr_scheduler.OneCycleLR`): the
/// learning rate rises from `maxLR / divFactor` to `maxLR` over `pctStart` of `totalSteps`, then
/// anneals to `initial / finalDivFactor` (with `threePhase`, first back down to the initial
/// value symmetrically); momentum moves the opposite way between `maxMomentum` and
/// `baseMomentum`. Stepping past `totalSteps` throws, as in PyTorch.
public final class OneCycleLR: ChainableScheduler {
    /// How a phase interpolates between its ends.
    public enum Anneal: String, Sendable, CaseIterable, Codable { case cos, linear }

    private struct Phase {
        var endStep: Double
        var startLR: KeyPath<ScheduleGroups.Group, Double?>
        var endLR: KeyPath<ScheduleGroups.Group, Double?>
        var startMomentum: KeyPath<ScheduleGroups.Group, Double?>
        var endMomentum: KeyPath<ScheduleGroups.Group, Double?>
    }

    public let totalSteps: Int
    public let anneal: Anneal
    public let cycleMomentum: Bool
    private let phases: [Phase]

    /// `maxLR`, `baseMomentum` and `maxMomentum` hold one value for every group or one per group.
    public init(groups: ScheduleGroups, maxLR: [Double], totalSteps: Int, pctStart: Double = 0.3,
                anneal: Anneal = .cos, cycleMomentum: Bool = true, baseMomentum: [Double] = [0.85],
                maxMomentum: [Double] = [0.95], divFactor: Double = 25, finalDivFactor: Double = 1e4,
                threePhase: Bool = false) throws(ScheduleError) {
        guard totalSteps > 0 else { throw .invalidArgument("total_steps", "expected a positive integer, got \(totalSteps)") }
        guard pctStart >= 0, pctStart <= 1 else {
            throw .invalidArgument("pct_start", "expected a number between 0 and 1, got \(pctStart)")
        }
        let n = groups.groups.count
        func perGroup(_ name: String, _ v: [Double]) throws(ScheduleError) -> [Double] {
            if v.count == 1 { return Array(repeating: v[0], count: n) }
            guard v.count == n else { throw .invalidArgument(name, "expected \(n) values, got \(v.count)") }
            return v
        }
        let maxLRs = try perGroup("max_lr", maxLR)
        let total = Double(totalSteps)
        if threePhase {
            phases = [
                Phase(endStep: pctStart * total - 1, startLR: \.initialLR, endLR: \.maxLR,
                      startMomentum: \.maxMomentum, endMomentum: \.baseMomentum),
                Phase(endStep: 2 * pctStart * total - 2, startLR: \.maxLR, endLR: \.initialLR,
                      startMomentum: \.baseMomentum, endMomentum: \.maxMomentum),
                Phase(endStep: total - 1, startLR: \.initialLR, endLR: \.minLR,
                      startMomentum: \.maxMomentum, endMomentum: \.maxMomentum),
            ]
        } else {
            phases = [
                Phase(endStep: pctStart * total - 1, startLR: \.initialLR, endLR: \.maxLR,
                      startMomentum: \.maxMomentum, endMomentum: \.baseMomentum),
                Phase(endStep: total - 1, startLR: \.maxLR, endLR: \.minLR,
                      startMomentum: \.baseMomentum, endMomentum: \.maxMomentum),
            ]
        }
        for i in 0..<n {
            groups.groups[i].initialLR = maxLRs[i] / divFactor
            groups.groups[i].maxLR = maxLRs[i]
            groups.groups[i].minLR = maxLRs[i] / divFactor / finalDivFactor
        }
        if cycleMomentum {
            let maxM = try perGroup("max_momentum", maxMomentum), baseM = try perGroup("base_momentum", baseMomentum)
            for i in 0..<n {
                groups.groups[i].momentum = maxM[i]
                groups.groups[i].maxMomentum = maxM[i]
                groups.groups[i].baseMomentum = baseM[i]
            }
        }
        self.totalSteps = totalSteps
        self.anneal = anneal
        self.cycleMomentum = cycleMomentum
        super.init(groups: groups)
        try initialStep()
    }

    private func interpolate(_ start: Double, _ end: Double, _ pct: Double) -> Double {
        switch anneal {
        case .cos: end + (start - end) / 2.0 * (cos(.pi * pct) + 1)
        case .linear: (end - start) * pct + start
        }
    }

    override func computeLR() throws(ScheduleError) -> [Double] {
        let stepNum = lastEpoch
        guard stepNum <= totalSteps else { throw .steppedPastEnd(step: stepNum, totalSteps: totalSteps) }
        var lrs: [Double] = []
        for g in groups.groups.indices {
            let group = groups.groups[g]
            var start = 0.0
            for (i, phase) in phases.enumerated() {
                if Double(stepNum) <= phase.endStep || i == phases.count - 1 {
                    let span = phase.endStep - start
                    // Python raises ZeroDivisionError on a phase of no steps
                    guard span != 0 else {
                        throw .invalidArgument("total_steps", "a one-cycle phase has no steps (total_steps \(totalSteps) is too small for pct_start)")
                    }
                    let pct = (Double(stepNum) - start) / span
                    lrs.append(interpolate(group[keyPath: phase.startLR] ?? 0, group[keyPath: phase.endLR] ?? 0, pct))
                    if cycleMomentum {
                        groups.groups[g].momentum = interpolate(group[keyPath: phase.startMomentum] ?? 0,
                                                                group[keyPath: phase.endMomentum] ?? 0, pct)
                    }
                    break
                }
                start = phase.endStep
            }
        }
        return lrs
    }
}
