/// The transfer study's numbers with the seed spread: accuracy per target, size and strategy, the
/// winner of each, and each paper's claim checked by a paired comparison over seeds.
public struct TransferFindings: Codable, Sendable, Equatable {
    public typealias Target = TransferStudy.Target
    public typealias Strategy = TransferStudy.Strategy

    /// A claim from the literature, checked as "strategy `better` beats strategy `worse`".
    public enum Claim: String, Codable, Sendable, CaseIterable {
        /// Li et al. 2016: statistics re-estimated on the target beat the source's (AdaBN − recipe > 0), at every size.
        case adaBN = "adabn"
        /// Frankle et al. 2020: training BN's γ and β adds to training the head alone (bn-affine − recipe > 0), at every size.
        case bnAffine = "bn-affine"
        /// The deck: with little target data, freeze the backbone with BN in eval mode (recipe − full > 0), at the smallest size.
        case recipeSmallData = "recipe-small-data"
        /// Yosinski et al. 2014, Kornblith et al. 2019: with enough target data, fine-tuning everything wins (full − recipe > 0), at the largest size.
        case fullLargeData = "full-large-data"

        /// The strategy the claim expects to win, and the one it should beat.
        public var better: Strategy {
            switch self { case .adaBN: .adaBN; case .bnAffine: .bnAffine; case .recipeSmallData: .recipe; case .fullLargeData: .full }
        }
        public var worse: Strategy {
            switch self { case .adaBN, .bnAffine, .fullLargeData: .recipe; case .recipeSmallData: .full }
        }
    }

    /// One target, size and strategy over seeds.
    public struct Cell: Codable, Sendable, Equatable {
        public var target: Target
        public var size: Int?
        public var images: Int
        public var strategy: Strategy
        public var accuracy: SeedSpread
        /// Runs that failed to train (`FailureCriterion`); their accuracy still counts.
        public var failed: Int
    }

    /// A claim at one target and size: the per-seed difference better − worse and the verdict.
    public struct Check: Codable, Sendable, Equatable {
        public var claim: Claim
        public var target: Target
        public var size: Int?
        public var images: Int
        public var difference: SeedSpread
        public var verdict: Verdict
    }

    /// The best strategy at one target and size, and whether it beats the runner-up beyond the seed spread.
    public struct Winner: Codable, Sendable, Equatable {
        public var target: Target
        public var size: Int?
        public var images: Int
        public var strategy: Strategy
        public var runnerUp: Strategy?
        /// Per seed: winner − runner-up.
        public var margin: SeedSpread
        /// The margin exceeds twice its standard error.
        public var clear: Bool
    }

    /// The source model on a target without fine-tuning, over seeds.
    public struct Baseline: Codable, Sendable, Equatable {
        public var target: Target
        public var sourceAccuracy: SeedSpread
        /// Source head and statistics (nil for new classes).
        public var unadapted: SeedSpread?
        /// Source head, BN statistics re-estimated on the target (AdaBN with no labels; nil for new classes).
        public var adaBNOnly: SeedSpread?
        /// Per seed: adaBNOnly − unadapted (nil for new classes).
        public var adaBNGain: SeedSpread?
        /// Li et al.'s claim that re-estimating the statistics alone recovers accuracy under a shift: `adaBNGain` > 0
        /// beyond twice its standard error (inconclusive for new classes).
        public var adaBNVerdict: Verdict
    }

    /// A BatchNorm layer's statistics shift from source to target, over seeds.
    public struct LayerShift: Codable, Sendable, Equatable {
        public var target: Target
        public var layer: String
        public var meanShift: SeedSpread
        public var scaleChange: SeedSpread
    }

    public var cells: [Cell]
    public var checks: [Check]
    public var winners: [Winner]
    public var baselines: [Baseline]
    public var layerShifts: [LayerShift]

    public init(config: TransferStudy.Config, runs: [TransferStudy.Run], statistics: [TransferStudy.Statistics]) {
        let sizes = Set(runs.map(\.size)).sorted { ($0 ?? .max) < ($1 ?? .max) }
        var cells: [Cell] = [], checks: [Check] = [], winners: [Winner] = []
        for target in config.targets {
            for size in sizes {
                let here = runs.filter { $0.target == target && $0.size == size }
                guard let images = here.map(\.images).max() else { continue }
                /// Accuracy by seed of a strategy.
                func bySeed(_ s: Strategy) -> [UInt64: Double] {
                    Dictionary(here.filter { $0.strategy == s }.map { ($0.seed, Double($0.accuracy)) }, uniquingKeysWith: { a, _ in a })
                }
                let present = config.strategies.filter { s in here.contains { $0.strategy == s } }
                for s in present {
                    let r = here.filter { $0.strategy == s }
                    cells.append(Cell(target: target, size: size, images: images, strategy: s,
                                      accuracy: SeedSpread(r.map { Double($0.accuracy) }), failed: r.filter(\.failed).count))
                }
                for claim in Claim.allCases where present.contains(claim.better) && present.contains(claim.worse) {
                    if claim == .recipeSmallData && size != sizes.first { continue }
                    if claim == .fullLargeData && size != sizes.last { continue }
                    let d = NormProbes.paired(bySeed(claim.better), bySeed(claim.worse))
                    checks.append(Check(claim: claim, target: target, size: size, images: images, difference: d, verdict: NormProbes.positive(d)))
                }
                let ranked = present.map { s in (s, SeedSpread(Array(bySeed(s).values)).mean ?? -.infinity) }
                    .enumerated().sorted { $0.element.1 != $1.element.1 ? $0.element.1 > $1.element.1 : $0.offset < $1.offset }.map(\.element.0)
                if let best = ranked.first {
                    let second = ranked.dropFirst().first
                    let margin = second.map { NormProbes.paired(bySeed(best), bySeed($0)) } ?? SeedSpread([])
                    winners.append(Winner(target: target, size: size, images: images, strategy: best, runnerUp: second,
                                          margin: margin, clear: NormProbes.positive(margin) == .agrees))
                }
            }
        }
        self.cells = cells
        self.checks = checks
        self.winners = winners
        baselines = config.targets.compactMap { target in
            let s = statistics.filter { $0.target == target }
            guard !s.isEmpty else { return nil }
            func bySeed(_ value: (TransferStudy.Statistics) -> Float?) -> [UInt64: Double] {
                Dictionary(s.compactMap { st in value(st).map { (st.seed, Double($0)) } }, uniquingKeysWith: { a, _ in a })
            }
            let gain = target.sharesClasses ? NormProbes.paired(bySeed(\.adaBNOnlyAccuracy), bySeed(\.unadaptedAccuracy)) : nil
            return Baseline(target: target, sourceAccuracy: SeedSpread(s.map { Double($0.sourceAccuracy) }),
                            unadapted: target.sharesClasses ? SeedSpread(s.compactMap { $0.unadaptedAccuracy.map(Double.init) }) : nil,
                            adaBNOnly: target.sharesClasses ? SeedSpread(s.compactMap { $0.adaBNOnlyAccuracy.map(Double.init) }) : nil,
                            adaBNGain: gain, adaBNVerdict: gain.map(NormProbes.positive) ?? .inconclusive)
        }
        layerShifts = config.targets.flatMap { target in
            let s = statistics.filter { $0.target == target }
            let layers = s.first?.layers.map(\.layer) ?? []
            return layers.enumerated().map { l, name in
                LayerShift(target: target, layer: name,
                           meanShift: SeedSpread(s.compactMap { l < $0.layers.count ? $0.layers[l].meanShift : nil }),
                           scaleChange: SeedSpread(s.compactMap { l < $0.layers.count ? $0.layers[l].scaleChange : nil }))
            }
        }
    }
}
