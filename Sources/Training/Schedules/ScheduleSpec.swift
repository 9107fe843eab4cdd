import Foundation

/// A learning-rate schedule as written on the command line and in config files:
/// `NAME[:key=value,…]`, e.g. `onecycle:max_lr=1` or `plateau:patience=2,factor=0.5`. Keys are
/// PyTorch's argument names; lengths not given default to the run's budget (see `keys`).
public struct ScheduleSpec: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The schedules bnlab knows.
    public enum Name: String, CaseIterable, Codable, Sendable {
        case constant, step, multistep, exponential, cosine, linear
        case warmupCosine = "warmup-cosine"
        case onecycle, plateau
    }

    /// When a schedule steps: after every batch or after every epoch.
    public enum Interval: String, Codable, Sendable { case batch, epoch }

    public var name: Name
    /// The keys given, as written (already checked).
    public var options: [String: String]

    /// The keys each schedule accepts, with what a key left out means.
    public static let keys: [Name: [(key: String, meaning: String)]] = [
        .constant: [],
        .step: [("step_size", "steps between cuts (default: a third of the run)"), ("gamma", "factor per cut (0.1)"), per],
        .multistep: [("milestones", "steps of the cuts, separated by '/' (default: at 50% and 75% of the run)"),
                     ("gamma", "factor per cut (0.1)"), per],
        .exponential: [("gamma", "factor per step (default: down to 1% over the run)"), per],
        .cosine: [("t_max", "half period (default: the run)"), ("eta_min", "lowest learning rate (0)"), per],
        .linear: [("start_factor", "1/3"), ("end_factor", "1"), ("total_iters", "5"), per],
        .warmupCosine: [("warmup", "linear warm-up steps (default: a tenth of the run)"), ("start_factor", "0.1"),
                        ("eta_min", "0"), per],
        .onecycle: [("max_lr", "peak learning rate (default: the run's learning rate)"), ("pct_start", "0.3"),
                    ("anneal", "cos or linear (cos)"), ("three_phase", "true or false (false)"), ("div_factor", "25"),
                    ("final_div_factor", "1e4"), ("cycle_momentum", "true or false (true)"), ("base_momentum", "0.85"),
                    ("max_momentum", "0.95")],
        .plateau: [("mode", "min (validation loss) or max (validation accuracy); min"), ("factor", "0.1"),
                   ("patience", "10"), ("threshold", "1e-4"), ("threshold_mode", "rel or abs (rel)"),
                   ("cooldown", "0"), ("min_lr", "0"), ("eps", "1e-8")],
    ]
    private static let per = (key: "per", meaning: "batch or epoch (epoch)")

    /// `constant`: the optimizer's learning rate throughout.
    public static let constant = ScheduleSpec(name: .constant, options: [:])

    public init(name: Name, options: [String: String] = [:]) {
        self.name = name
        self.options = options
    }

    /// Parses `NAME[:key=value,…]`; errors name `key` (the option or config key) and list the accepted values.
    public init(parsing text: String, key: String = "schedule") throws(ConfigError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let nameText = String(parts.first ?? "")
        guard let name = Name(rawValue: nameText) else {
            throw ConfigError(key: key, message: "unknown schedule '\(nameText)'; valid: \(Name.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var options: [String: String] = [:]
        if parts.count == 2 {
            for item in parts[1].split(separator: ",", omittingEmptySubsequences: true) {
                let kv = item.split(separator: "=", maxSplits: 1)
                let k = kv.first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard kv.count == 2, !k.isEmpty else {
                    throw ConfigError(key: key, message: "'\(item)' is not key=value (e.g. \(name.rawValue):\(Self.example(name)))")
                }
                options[k] = kv[1].trimmingCharacters(in: .whitespaces)
            }
        }
        self.init(name: name, options: options)
        try check(key: key)
    }

    private static func example(_ name: Name) -> String {
        guard let first = keys[name]?.first else { return "" }
        return "\(first.key)=…"
    }

    /// `NAME:key=value,…` with the keys sorted.
    public var description: String {
        options.isEmpty ? name.rawValue : name.rawValue + ":" + options.keys.sorted().map { "\($0)=\(options[$0] ?? "")" }.joined(separator: ",")
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(parsing: text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    // MARK: - Values

    /// When this schedule steps: one-cycle per batch, plateau per epoch, the others as `per` says (epoch).
    public var interval: Interval {
        switch name {
        case .onecycle: .batch
        case .plateau, .constant: .epoch
        default: options["per"] == "batch" ? .batch : .epoch
        }
    }

    /// Whether it steps on a validation metric (and so needs a validation split).
    public var needsValidation: Bool { name == .plateau }

    /// The learning rate a `constant` run would use instead: `max_lr` for one-cycle, nil otherwise.
    public var peakLearningRate: Double? { name == .onecycle ? try? double("max_lr") : nil }

    private func double(_ k: String) throws(ConfigError) -> Double? {
        guard let text = options[k] else { return nil }
        guard let v = Double(text), v.isFinite else { throw ConfigError(key: "schedule", message: "\(name.rawValue): \(k) must be a number, got '\(text)'") }
        return v
    }

    private func int(_ k: String) throws(ConfigError) -> Int? {
        guard let text = options[k] else { return nil }
        guard let v = Int(text) else { throw ConfigError(key: "schedule", message: "\(name.rawValue): \(k) must be a whole number, got '\(text)'") }
        return v
    }

    private func bool(_ k: String) throws(ConfigError) -> Bool? {
        guard let text = options[k] else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw ConfigError(key: "schedule", message: "\(name.rawValue): \(k) must be true or false, got '\(text)'")
        }
    }

    private func choice(_ k: String, _ valid: [String]) throws(ConfigError) -> String? {
        guard let text = options[k] else { return nil }
        guard valid.contains(text) else {
            throw ConfigError(key: "schedule", message: "\(name.rawValue): \(k) must be \(valid.joined(separator: " or ")), got '\(text)'")
        }
        return text
    }

    private func milestones() throws(ConfigError) -> [Int]? {
        guard let text = options["milestones"] else { return nil }
        var out: [Int] = []
        for part in text.split(separator: "/") {
            guard let v = Int(part), v >= 1 else {
                throw ConfigError(key: "schedule", message: "multistep: milestones must be positive whole numbers separated by '/', got '\(text)'")
            }
            out.append(v)
        }
        guard !out.isEmpty else { throw ConfigError(key: "schedule", message: "multistep: milestones is empty") }
        return out
    }

    /// Checks the keys and the type and range of every value.
    private func check(key: String) throws(ConfigError) {
        let valid = (Self.keys[name] ?? []).map(\.key)
        for k in options.keys.sorted() where !valid.contains(k) {
            throw ConfigError(key: key, message: valid.isEmpty ? "\(name.rawValue) takes no keys, got '\(k)'"
                : "\(name.rawValue) has no key '\(k)'; valid: \(valid.joined(separator: ", "))")
        }
        do throws(ConfigError) {
            _ = try choice("per", ["batch", "epoch"])
            for k in ["step_size", "total_iters", "t_max", "warmup"] {
                if let v = try int(k), v < 1 { throw ConfigError(key: "schedule", message: "\(name.rawValue): \(k) must be at least 1, got \(v)") }
            }
            for k in ["patience", "cooldown"] {
                if let v = try int(k), v < 0 { throw ConfigError(key: "schedule", message: "plateau: \(k) must be ≥ 0, got \(v)") }
            }
            _ = try milestones()
            for k in ["gamma", "max_lr", "div_factor", "final_div_factor"] {
                if let v = try double(k), !(v > 0) { throw ConfigError(key: "schedule", message: "\(name.rawValue): \(k) must be positive, got \(v)") }
            }
            for k in ["eta_min", "min_lr", "eps", "threshold"] {
                if let v = try double(k), v < 0 { throw ConfigError(key: "schedule", message: "\(name.rawValue): \(k) must be ≥ 0, got \(v)") }
            }
            for k in ["start_factor", "end_factor", "pct_start", "base_momentum", "max_momentum"] {
                if let v = try double(k), !(0...1).contains(v) { throw ConfigError(key: "schedule", message: "\(name.rawValue): \(k) must be in [0, 1], got \(v)") }
            }
            if let v = try double("start_factor"), v == 0 { throw ConfigError(key: "schedule", message: "\(name.rawValue): start_factor must be above 0") }
            if let v = try double("factor"), !(v > 0 && v < 1) { throw ConfigError(key: "schedule", message: "plateau: factor must be in (0, 1), got \(v)") }
            _ = try choice("anneal", ["cos", "linear"])
            _ = try choice("mode", ["min", "max"])
            _ = try choice("threshold_mode", ["rel", "abs"])
            _ = try bool("three_phase")
            _ = try bool("cycle_momentum")
        } catch {
            throw ConfigError(key: key, message: error.message)
        }
    }

    // MARK: - Building

    /// Builds the scheduler for a run of `epochs` epochs of `stepsPerEpoch` batches over `groups`
    /// (nil for `constant`), and checks that it can step through the whole run.
    public func make(groups: ScheduleGroups, epochs: Int, stepsPerEpoch: Int) throws(ConfigError) -> (any LRScheduler)? {
        let total = interval == .batch ? epochs * stepsPerEpoch : epochs
        do {
            switch name {
            case .constant:
                return nil
            case .step:
                return try StepLR(groups: groups, stepSize: try int("step_size") ?? max(1, total / 3), gamma: try double("gamma") ?? 0.1)
            case .multistep:
                return try MultiStepLR(groups: groups, milestones: try milestones() ?? [max(1, total / 2), max(1, total * 3 / 4)],
                                       gamma: try double("gamma") ?? 0.1)
            case .exponential:
                return try ExponentialLR(groups: groups, gamma: try double("gamma") ?? pow(0.01, 1 / Double(max(1, total))))
            case .cosine:
                return try CosineAnnealingLR(groups: groups, tMax: try int("t_max") ?? total, etaMin: try double("eta_min") ?? 0)
            case .linear:
                return try LinearLR(groups: groups, startFactor: try double("start_factor") ?? 1.0 / 3,
                                    endFactor: try double("end_factor") ?? 1, totalIters: try int("total_iters") ?? 5)
            case .warmupCosine:
                let warmup = try int("warmup") ?? max(1, total / 10)
                guard total - warmup >= 1 else {
                    throw ConfigError(key: "schedule", message: "warmup-cosine: warmup (\(warmup)) must be shorter than the run (\(total) \(interval == .batch ? "batches" : "epochs"))")
                }
                let warm = try LinearLR(groups: groups, startFactor: try double("start_factor") ?? 0.1, endFactor: 1, totalIters: warmup)
                let cosine = try CosineAnnealingLR(groups: groups, tMax: total - warmup, etaMin: try double("eta_min") ?? 0)
                return try SequentialLR(groups: groups, schedulers: [warm, cosine], milestones: [warmup])
            case .onecycle:
                let cycle = try bool("cycle_momentum") ?? true
                let scheduler = try OneCycleLR(
                    groups: groups, maxLR: [try double("max_lr") ?? groups.lrs.first ?? 0.1], totalSteps: total,
                    pctStart: try double("pct_start") ?? 0.3, anneal: OneCycleLR.Anneal(rawValue: options["anneal"] ?? "cos") ?? .cos,
                    cycleMomentum: cycle, baseMomentum: [try double("base_momentum") ?? 0.85],
                    maxMomentum: [try double("max_momentum") ?? 0.95], divFactor: try double("div_factor") ?? 25,
                    finalDivFactor: try double("final_div_factor") ?? 1e4, threePhase: try bool("three_phase") ?? false)
                // every step of the run must be computable (PyTorch fails on a phase of no steps only when it gets there)
                try Self.dryRun(OneCycleLR(groups: ScheduleGroups(groups.groups), maxLR: [try double("max_lr") ?? groups.lrs.first ?? 0.1],
                                           totalSteps: total, pctStart: try double("pct_start") ?? 0.3,
                                           cycleMomentum: false, threePhase: try bool("three_phase") ?? false), steps: total)
                return scheduler
            case .plateau:
                return try ReduceLROnPlateau(groups: groups, mode: ReduceLROnPlateau.Mode(rawValue: options["mode"] ?? "min") ?? .min,
                                             factor: try double("factor") ?? 0.1, patience: try int("patience") ?? 10,
                                             threshold: try double("threshold") ?? 1e-4,
                                             thresholdMode: ReduceLROnPlateau.ThresholdMode(rawValue: options["threshold_mode"] ?? "rel") ?? .rel,
                                             cooldown: try int("cooldown") ?? 0, minLR: [try double("min_lr") ?? 0], eps: try double("eps") ?? 1e-8)
            }
        } catch let error as ConfigError {
            throw error
        } catch let error as ScheduleError {
            throw ConfigError(key: "schedule", message: "\(name.rawValue): \(error.description)")
        } catch {
            throw ConfigError(key: "schedule", message: "\(name.rawValue): \(error)")
        }
    }

    private static func dryRun(_ s: some LRScheduler, steps: Int) throws(ScheduleError) {
        for _ in 0..<steps { try s.step() }
    }
}
