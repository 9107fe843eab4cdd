import Foundation
import Training

/// `Fixtures/scheduler_fixtures.json`, made by `make_scheduler_fixtures.py` with PyTorch 2.13.
struct SchedulerFixtures: Decodable {
    var torch: String
    var cases: [Case]

    struct Case: Decodable {
        var name: String
        var spec: Spec
        var lrs: [Double]
        var momentum: Double
        var steps: Int
        var metrics: [Double]?
        /// Every group's learning rate and momentum after construction, then after each step.
        var lr: [[Double]]
        var momenta: [[Double]]
        /// The 1-based step at which PyTorch raised, if it did.
        var error_at: Int?
    }

    struct Spec: Decodable {
        var kind: String
        var args: Args?
        var children: [Spec]?
    }

    /// One number or one per group.
    struct Values: Decodable {
        var values: [Double]
        init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let list = try? c.decode([Double].self) { values = list } else { values = [try c.decode(Double.self)] }
        }
    }

    struct Args: Decodable {
        var step_size: Int?, gamma: Double?, milestones: [Int]?
        var T_max: Int?, eta_min: Double?
        var start_factor: Double?, end_factor: Double?, total_iters: Int?
        var max_lr: Values?, total_steps: Int?, pct_start: Double?, anneal_strategy: String?
        var cycle_momentum: Bool?, base_momentum: Values?, max_momentum: Values?
        var div_factor: Double?, final_div_factor: Double?, three_phase: Bool?
        var mode: String?, factor: Double?, patience: Int?, threshold: Double?, threshold_mode: String?
        var cooldown: Int?, min_lr: Values?, eps: Double?
    }

    static func load() throws -> SchedulerFixtures {
        guard let url = Bundle.module.url(forResource: "scheduler_fixtures", withExtension: "json", subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONDecoder().decode(SchedulerFixtures.self, from: Data(contentsOf: url))
    }
}

struct UnknownSpec: Error { var kind: String }

extension SchedulerFixtures.Spec {
    /// The bnlab scheduler this spec describes, on `groups`.
    func build(_ groups: ScheduleGroups) throws -> any LRScheduler {
        if kind == "sequential" {
            let children = try (children ?? []).map { try $0.build(groups) as! ChainableScheduler }
            return try SequentialLR(groups: groups, schedulers: children, milestones: args?.milestones ?? [])
        }
        guard let a = args else { throw UnknownSpec(kind: kind) }
        switch kind {
        case "step": return try StepLR(groups: groups, stepSize: a.step_size!, gamma: a.gamma!)
        case "multistep": return try MultiStepLR(groups: groups, milestones: a.milestones!, gamma: a.gamma!)
        case "exponential": return try ExponentialLR(groups: groups, gamma: a.gamma!)
        case "cosine": return try CosineAnnealingLR(groups: groups, tMax: a.T_max!, etaMin: a.eta_min!)
        case "linear": return try LinearLR(groups: groups, startFactor: a.start_factor!, endFactor: a.end_factor!, totalIters: a.total_iters!)
        case "onecycle":
            return try OneCycleLR(groups: groups, maxLR: a.max_lr!.values, totalSteps: a.total_steps!, pctStart: a.pct_start!,
                                  anneal: OneCycleLR.Anneal(rawValue: a.anneal_strategy!)!, cycleMomentum: a.cycle_momentum!,
                                  baseMomentum: a.base_momentum!.values, maxMomentum: a.max_momentum!.values,
                                  divFactor: a.div_factor!, finalDivFactor: a.final_div_factor!, threePhase: a.three_phase!)
        case "plateau":
            return try ReduceLROnPlateau(groups: groups, mode: .init(rawValue: a.mode!)!, factor: a.factor!, patience: a.patience!,
                                         threshold: a.threshold!, thresholdMode: .init(rawValue: a.threshold_mode!)!,
                                         cooldown: a.cooldown!, minLR: a.min_lr!.values, eps: a.eps!)
        default: throw UnknownSpec(kind: kind)
        }
    }
}
