import Foundation
import Training

extension LRSchedulesStudy {
    public typealias Verdict = Studies.Verdict
    public typealias Spread = SeedSpread

    /// The widest noise allowance (accuracy) under which a super-convergence comparison counts:
    /// seeds further apart than this leave it inconclusive.
    public static let maxNoise = 0.10

    /// One arm's range tests.
    public struct ArmRange: Codable, Sendable, Equatable {
        public var batchNorm: Bool
        /// Per seed, in seed order: the suggested learning rate, where the loss was lowest, and the
        /// divergence point (nil: the test reached its end without diverging).
        public var suggested: [Double?]
        public var minimum: [Double?]
        public var divergence: [Double?]
    }

    /// One row of the schedules table: a schedule, an arm and a learning rate, over seeds.
    public struct Row: Codable, Sendable, Equatable {
        public var batchNorm: Bool
        public var rate: Rate
        public var schedule: ScheduleSpec
        public var learningRate: Float
        public var accuracy: Spread
        /// Per seed: the first epoch at which the test accuracy reached the target (nil: never).
        public var epochsToTarget: [Int?]
        public var failed: Int
        public var seeds: Int
    }

    /// One arm's super-convergence comparison.
    public struct SuperConvergence: Codable, Sendable, Equatable {
        public var batchNorm: Bool
        public var peakLearningRate: Float?
        public var stepLearningRate: Float?
        public var oneCycleEpochs: Int
        public var stepEpochs: Int
        public var oneCycle: Spread
        public var step: Spread
        public var oneCycleFailed: Int
        public var stepFailed: Int
        /// How far one-cycle's mean may fall below the step schedule's and still match:
        /// twice the standard error of the difference (nil with fewer than two seeds).
        public var noise: Double?
        /// Whether one-cycle matched (within `noise`) or beat the step schedule: nil without a
        /// noise estimate or when it exceeds `LRSchedulesStudy.maxNoise`.
        public var matches: Bool?
    }

    /// The findings for one network.
    public struct Findings: Codable, Sendable, Equatable {
        public var depth: Int
        public var rangeWithBN: ArmRange
        public var rangeWithoutBN: ArmRange
        /// Geometric mean over seeds of BN's divergence point ÷ no-BN's (nil unless both diverged in some seed).
        public var divergenceRatio: Double?
        /// True when BN's test reached its end without diverging in every seed (the ratio is then a lower bound).
        public var ratioIsLowerBound: Bool
        /// A factor of two scan steps: differences smaller than this are within the scan's resolution.
        public var scanResolution: Double
        /// BN tolerates higher learning rates (Ioffe & Szegedy 2015; Smith's range test as the
        /// measuring stick): agrees when BN's divergence point is above no-BN's by more than the
        /// scan's resolution in every seed, differs when below by as much in every seed.
        public var divergenceVerdict: Verdict
        public var rows: [Row]
        public var superWithBN: SuperConvergence
        public var superWithoutBN: SuperConvergence
        /// Smith & Topin: one-cycle matches the step schedule in a fraction of the epochs (their
        /// networks use BN). Agrees when it matches within noise with BN, differs when it falls
        /// short, inconclusive with fewer than two seeds or an allowance above `maxNoise`.
        public var superVerdict: Verdict

        init(depth: Int, config: Config, rangeTests: [RangeTestRun], runs: [ScheduleRun]) {
            self.depth = depth
            func arm(_ bn: Bool) -> ArmRange {
                let tests = rangeTests.filter { $0.depth == depth && $0.batchNorm == bn }.sorted { $0.seed < $1.seed }
                return ArmRange(batchNorm: bn, suggested: tests.map(\.result.suggested), minimum: tests.map(\.result.minimum),
                                divergence: tests.map(\.result.divergence))
            }
            rangeWithBN = arm(true)
            rangeWithoutBN = arm(false)
            scanResolution = pow(config.rangeEnd / config.rangeStart, 2 / Double(config.rangeSteps - 1))
            var ratios: [Double] = []
            var above = 0, below = 0, bnNeverDiverged = 0
            for (b, p) in zip(rangeWithBN.divergence, rangeWithoutBN.divergence) {
                guard let p else { continue }   // no-BN never diverged: no comparison
                let bnPoint = b ?? config.rangeEnd
                if b == nil { bnNeverDiverged += 1 }
                let r = bnPoint / p
                ratios.append(r)
                if r > scanResolution { above += 1 } else if r < 1 / scanResolution { below += 1 }
            }
            divergenceRatio = ratios.isEmpty ? nil : exp(ratios.map(log).reduce(0, +) / Double(ratios.count))
            ratioIsLowerBound = !ratios.isEmpty && bnNeverDiverged == ratios.count
            let pairs = min(rangeWithBN.divergence.count, rangeWithoutBN.divergence.count)
            divergenceVerdict = ratios.count < pairs || ratios.isEmpty ? .inconclusive
                : above == ratios.count ? .agrees : below == ratios.count ? .differs : .inconclusive

            let compared = runs.filter { $0.depth == depth && $0.part == .schedules }
            var rows: [Row] = []
            for bn in [true, false] {
                for rate in [Rate.best, .high] {
                    for spec in config.specs {
                        let at = compared.filter { $0.batchNorm == bn && $0.rate == rate && $0.schedule == spec }.sorted { $0.seed < $1.seed }
                        guard let first = at.first else { continue }
                        rows.append(Row(batchNorm: bn, rate: rate, schedule: spec, learningRate: first.learningRate,
                                        accuracy: Spread(at.map { Double($0.accuracy) }),
                                        epochsToTarget: at.map { $0.epochsTo(config.targetAccuracy) },
                                        failed: at.filter(\.failed).count, seeds: at.count))
                    }
                }
            }
            self.rows = rows

            func superArm(_ bn: Bool) -> SuperConvergence {
                let at = runs.filter { $0.depth == depth && $0.batchNorm == bn && $0.part == .superConvergence }
                let cycle = at.filter { $0.schedule.name == .onecycle }, step = at.filter { $0.schedule.name != .onecycle }
                let a = Spread(cycle.map { Double($0.accuracy) }), s = Spread(step.map { Double($0.accuracy) })
                var noise: Double?
                if let sa = a.standardError, let ss = s.standardError { noise = 2 * (sa * sa + ss * ss).squareRoot() }
                var matches: Bool?
                // seeds that disagree by more than the allowance cap say nothing either way
                if let noise, noise <= LRSchedulesStudy.maxNoise, let ma = a.mean, let ms = s.mean { matches = ma >= ms - noise }
                return SuperConvergence(batchNorm: bn, peakLearningRate: cycle.first?.learningRate, stepLearningRate: step.first?.learningRate,
                                        oneCycleEpochs: cycle.first?.epochs ?? max(1, config.epochs / 3), stepEpochs: config.epochs,
                                        oneCycle: a, step: s, oneCycleFailed: cycle.filter(\.failed).count,
                                        stepFailed: step.filter(\.failed).count, noise: noise, matches: matches)
            }
            superWithBN = superArm(true)
            superWithoutBN = superArm(false)
            superVerdict = switch superWithBN.matches {
            case true?: .agrees
            case false?: .differs
            case nil: .inconclusive
            }
        }
    }
}
