import Engine
import Foundation

extension RecurrentStudy {
    /// A learning rate "trains well" when every seed trained and the mean test accuracy is within
    /// this of the network's best on the grid (the LR sweep's rule).
    public static let trainsWellWithin: Float = 0.05
    /// The per-step statistics "serve later steps" when evaluating with those of the first half of
    /// the steps costs less than this much accuracy (beyond twice its standard error).
    public static let statisticsTolerance = 0.02

    /// One network on one task.
    public struct NetworkFindings: Codable, Sendable, Equatable {
        public var network: String
        public var task: Task
        /// Test accuracy after the first epoch and at the end, over seeds (a failed run at its accuracy).
        public var firstEpochAccuracy: SeedSpread
        public var finalAccuracy: SeedSpread
        /// Test accuracy with batch statistics minus with running statistics, over seeds.
        public var gap: SeedSpread
        /// How many seeds trained (by `FailureCriterion`).
        public var trained: Int
        public var seeds: Int
        /// log10(‖∂L/∂h_T‖ / ‖∂L/∂h_1‖): decades the gradient loses on its way back through time, at
        /// initialisation and late in training.
        public var initialDecay: SeedSpread
        public var lateDecay: SeedSpread
        /// Rows task only: the sweep's mean accuracy per learning rate (grid order), the best and the
        /// largest learning rate that trains well.
        public var sweepAccuracy: [Float]
        public var bestLearningRate: Float?
        public var largestGoodLearningRate: Float?
    }

    /// A claim of a paper and this run's verdict on it, with the numbers compared.
    public struct Claim: Codable, Sendable, Equatable {
        public var verdict: Verdict
        public var measured: SeedSpread
        public var reference: SeedSpread
    }

    public struct Findings: Codable, Sendable, Equatable {
        public var networks: [NetworkFindings]
        /// Per γ (config order): log10(‖∂L/∂h_T‖ / ‖∂L/∂h_1‖) at initialisation of the per-step BN.
        public var gammaDecay: [SeedSpread]
        /// Cooijmans et al. Fig. 1: with the largest γ, gradients vanish faster through time than
        /// with the smallest (measured: largest γ's decay; reference: smallest γ's).
        public var gammaClaim: Claim?
        /// Per task (config order): the deck's shared BN has a larger train/eval gap than per-step
        /// statistics (measured: shared; reference: per step).
        public var gapClaims: [Claim?]
        /// Per task: Cooijmans et al.: recurrent BN converges faster than the plain RNN
        /// (accuracy after the first epoch; measured: per-step BN, reference: plain).
        public var recurrentBNClaims: [Claim?]
        /// Per task: Ba et al.: LayerNorm converges faster than the plain RNN.
        public var layerNormClaims: [Claim?]
        /// Per normalised network in the sweep (config order, `rnn` left out): its largest
        /// learning rate that trains well against the plain RNN's.
        public var learningRateVerdicts: [String: Verdict]
        /// Per task: Cooijmans et al. reuse the last step's statistics beyond the trained length,
        /// since they settle quickly: accuracy lost when steps after the first half use the statistics
        /// of its last step (measured: the loss per seed; reference: none).
        public var statisticsSteps: Int?
        public var statisticsClaims: [Claim?]

        public init(config: Config, runs: [Run], sweeps: [SweepRun], gammas: [GammaRun]) {
            let networks = config.tasks.flatMap { task in
                config.networks.map { Self.network($0, task: task, config: config, runs: runs, sweeps: sweeps) }
            }
            self.networks = networks
            gammaDecay = config.gammas.map { g in SeedSpread(gammas.filter { $0.gamma == g }.map { Self.decay($0.gradients) }) }
            if let lo = config.gammas.indices.min(by: { config.gammas[$0] < config.gammas[$1] }),
               let hi = config.gammas.indices.max(by: { config.gammas[$0] < config.gammas[$1] }), lo != hi {
                gammaClaim = Self.claim(gammaDecay[hi], exceeds: gammaDecay[lo])
            }
            let find = { (n: ModelSpec.Family, t: Task) in
                networks.first { $0.network == n.rawValue && $0.task == t }
            }
            gapClaims = config.tasks.map { t in
                guard let shared = find(.rnnBNShared, t), let step = find(.rnnBNStep, t) else { return nil }
                return Self.claim(shared.gap, exceeds: step.gap)
            }
            recurrentBNClaims = config.tasks.map { t in
                guard let bn = find(.rnnBNStep, t), let plain = find(.rnn, t) else { return nil }
                return Self.claim(bn.firstEpochAccuracy, exceeds: plain.firstEpochAccuracy)
            }
            layerNormClaims = config.tasks.map { t in
                guard let ln = find(.rnnLN, t), let plain = find(.rnn, t) else { return nil }
                return Self.claim(ln.firstEpochAccuracy, exceeds: plain.firstEpochAccuracy)
            }
            var lr: [String: Verdict] = [:]
            if let plain = find(.rnn, .rows), config.tasks.contains(.rows) {
                for n in networks where n.task == .rows && n.network != ModelSpec.Family.rnn.rawValue {
                    lr[n.network] = Self.learningRateVerdict(n.largestGoodLearningRate, plain.largestGoodLearningRate,
                                                             top: config.learningRates.max())
                }
            }
            learningRateVerdicts = lr
            // the first half of the steps (14 of 28 rows)
            let steps = runs.first { !$0.initialGradients.isEmpty }?.initialGradients.count ?? 28
            let half = config.statisticsSteps.filter { $0 <= steps / 2 }.max()
            statisticsSteps = half
            statisticsClaims = config.tasks.map { t in
                guard let half, let k = config.statisticsSteps.firstIndex(of: half) else { return nil }
                let losses = runs.filter { $0.network == ModelSpec.Family.rnnBNStep.rawValue && $0.task == t }.compactMap { r -> Double? in
                    guard let a = r.statisticsStepAccuracies, k < a.count else { return nil }
                    return Double(r.accuracy - a[k])
                }
                guard !losses.isEmpty else { return nil }
                return Self.withinTolerance(SeedSpread(losses), RecurrentStudy.statisticsTolerance)
            }
        }

        // MARK: - Rules

        /// agrees when `measured` exceeds `reference` by more than twice the standard error of the
        /// difference, differs when it falls short by as much, inconclusive otherwise (or with fewer
        /// than two seeds on a side).
        static func claim(_ measured: SeedSpread, exceeds reference: SeedSpread) -> Claim {
            let verdict: Verdict = switch measured.compared(to: reference) {
            case 1?: .agrees
            case (-1)?: .differs
            default: .inconclusive
            }
            return Claim(verdict: verdict, measured: measured, reference: reference)
        }

        /// agrees when the mean loss plus twice its standard error stays within `tolerance`, differs
        /// when the mean minus twice it exceeds the tolerance, inconclusive otherwise.
        static func withinTolerance(_ loss: SeedSpread, _ tolerance: Double) -> Claim {
            var verdict = Verdict.inconclusive
            if let m = loss.mean, let se = loss.standardError {
                verdict = m + 2 * se <= tolerance ? .agrees : m - 2 * se > tolerance ? .differs : .inconclusive
            }
            return Claim(verdict: verdict, measured: loss, reference: SeedSpread([tolerance]))
        }

        /// Normalisation lets larger learning rates train well: agrees when the normalised network's
        /// largest good LR exceeds the plain one's (or only it has one), differs when it is smaller or
        /// equal, inconclusive when both reach the top of the grid or neither trained well.
        static func learningRateVerdict(_ normalised: Float?, _ plain: Float?, top: Float?) -> Verdict {
            switch (normalised, plain) {
            case (nil, nil): return .inconclusive
            case (_?, nil): return .agrees
            case (nil, _?): return .differs
            case let (n?, p?):
                if n == p, n == top { return .inconclusive }
                return n > p ? .agrees : .differs
            }
        }

        /// log10(‖∂L/∂h_T‖ / ‖∂L/∂h_1‖); NaN when a norm is zero or missing.
        static func decay(_ g: [Double]) -> Double {
            guard let first = g.first, let last = g.last, first > 0, last > 0 else { return .nan }
            return log10(last / first)
        }

        static func network(_ name: String, task: Task, config: Config, runs: [Run], sweeps: [SweepRun]) -> NetworkFindings {
            let mine = runs.filter { $0.network == name && $0.task == task }
            var n = NetworkFindings(
                network: name, task: task,
                firstEpochAccuracy: SeedSpread(mine.map { Double($0.testAccuracies.first ?? $0.accuracy) }),
                finalAccuracy: SeedSpread(mine.map { Double($0.accuracy) }),
                gap: SeedSpread(mine.map { Double($0.gap) }),
                trained: mine.filter { !$0.failed }.count, seeds: mine.count,
                initialDecay: SeedSpread(mine.map { decay($0.initialGradients) }),
                lateDecay: SeedSpread(mine.map { decay($0.lateGradients) }),
                sweepAccuracy: [], bestLearningRate: nil, largestGoodLearningRate: nil)
            guard task == .rows else { return n }
            let grid = sweeps.filter { $0.network == name }
            let lrs = Array(Set(grid.map(\.learningRate))).sorted()
            var good: [Bool] = []
            for lr in lrs {
                let at = grid.filter { $0.learningRate == lr }
                n.sweepAccuracy.append(at.map(\.accuracy).reduce(0, +) / Float(at.count))
                good.append(at.allSatisfy { !$0.failed })
            }
            guard let best = n.sweepAccuracy.indices.max(by: { n.sweepAccuracy[$0] < n.sweepAccuracy[$1] }) else { return n }
            n.bestLearningRate = lrs[best]
            n.largestGoodLearningRate = lrs.indices.last {
                good[$0] && n.sweepAccuracy[$0] >= n.sweepAccuracy[best] - RecurrentStudy.trainsWellWithin
            }.map { lrs[$0] }
            return n
        }
    }
}
