import Foundation

extension GradientsStudy {
    /// Yang et al. (2019, arXiv:1902.08129): in a plain ReLU network with BN, gradients grow by about
    /// √(π / (π − 1)) per layer towards the input at initialisation.
    public static let predictedGrowth = (Double.pi / (Double.pi - 1)).squareRoot()
    /// How far a measured growth factor may sit from the prediction, beyond twice its standard
    /// error, and still agree: the prediction is for infinitely wide fully connected layers.
    public static let growthTolerance = 0.05

    public typealias Verdict = Studies.Verdict
    public typealias Spread = SeedSpread

    /// The findings at one learning rate: ICS and β with and without BN.
    public struct AtLearningRate: Codable, Sendable, Equatable {
        public var learningRate: Float
        /// Per seed: the median over probes of the mean relative ICS of the layers after the first.
        public var icsWithBN: Spread
        public var icsWithoutBN: Spread
        /// Santurkar: BN does not reduce ICS. Agrees when BN's is not smaller beyond noise; inconclusive
        /// unless both arms trained in at least two seeds.
        public var icsVerdict: Verdict
        /// Per seed: the median over probes of the effective β-smoothness.
        public var betaWithBN: Spread
        public var betaWithoutBN: Spread
        /// Santurkar: BN makes the landscape smoother (smaller β). Agrees when BN's β is smaller beyond noise.
        public var betaVerdict: Verdict
        /// How many seeds trained (by `FailureCriterion`) in each arm.
        public var trainedWithBN: Int
        public var trainedWithoutBN: Int
    }

    /// The findings for one depth.
    public struct Findings: Codable, Sendable, Equatable {
        public var depth: Int
        /// The weight layers over which growth is measured: the 32-channel convolutions after the
        /// two pools (same width and resolution), 0-based.
        public var growthLayers: ClosedRange<Int>
        /// Per seed: (‖∇W‖ of the first of those layers ÷ that of the last)^(1 / steps).
        public var growthWithBN: Spread
        public var growthWithoutBN: Spread
        /// Against Yang et al.'s √(π/(π−1)) ≈ 1.21, for the BN arm.
        public var growthVerdict: Verdict
        /// Per seed: excess kurtosis of the middle layer's gradient entries at initialisation.
        public var kurtosisWithBN: Spread
        public var kurtosisWithoutBN: Spread
        /// Bjorck et al.: heavier tails without BN. Agrees when the kurtosis without BN is higher beyond noise.
        public var tailsVerdict: Verdict
        public var atLearningRates: [AtLearningRate]

        init(depth: Int, config: Config, initial: [InitialGradients], runs: [Run]) {
            self.depth = depth
            growthLayers = 2...(depth - 1)
            let layers = growthLayers
            func growth(_ g: InitialGradients) -> Double {
                guard g.layerNorms.count > layers.upperBound, g.layerNorms[layers.upperBound] > 0 else { return .nan }
                return pow(g.layerNorms[layers.lowerBound] / g.layerNorms[layers.upperBound], 1 / Double(layers.count - 1))
            }
            let bnInit = initial.filter { $0.depth == depth && $0.batchNorm }
            let plainInit = initial.filter { $0.depth == depth && !$0.batchNorm }
            growthWithBN = Spread(bnInit.map(growth))
            growthWithoutBN = Spread(plainInit.map(growth))
            if let m = growthWithBN.mean, let se = growthWithBN.standardError {
                growthVerdict = abs(m - GradientsStudy.predictedGrowth) <= 2 * se + GradientsStudy.growthTolerance ? .agrees : .differs
            } else {
                growthVerdict = .inconclusive
            }
            kurtosisWithBN = Spread(bnInit.map(\.kurtosis))
            kurtosisWithoutBN = Spread(plainInit.map(\.kurtosis))
            tailsVerdict = switch kurtosisWithoutBN.compared(to: kurtosisWithBN) {
            case 1?: .agrees
            case (-1)?: .differs
            default: .inconclusive
            }
            atLearningRates = config.learningRates.map { lr in
                let at = runs.filter { $0.depth == depth && $0.learningRate == lr }
                let bn = at.filter(\.batchNorm), plain = at.filter { !$0.batchNorm }
                let icsBN = Spread(bn.map(Self.ics)), icsPlain = Spread(plain.map(Self.ics))
                let betaBN = Spread(bn.map(Self.beta)), betaPlain = Spread(plain.map(Self.beta))
                // Santurkar's claims are about networks that train: with an arm that did not train in
                // at least two seeds the comparison says nothing about them.
                let trainedBN = bn.filter { !$0.failed }.count, trainedPlain = plain.filter { !$0.failed }.count
                let comparable = trainedBN >= 2 && trainedPlain >= 2
                let icsVerdict: Verdict = switch comparable ? icsBN.compared(to: icsPlain) : nil {
                case 1?, 0?: .agrees
                case (-1)?: .differs
                default: .inconclusive
                }
                let betaVerdict: Verdict = switch comparable ? betaPlain.compared(to: betaBN) : nil {
                case 1?: .agrees
                case (-1)?: .differs
                default: .inconclusive
                }
                return AtLearningRate(learningRate: lr, icsWithBN: icsBN, icsWithoutBN: icsPlain, icsVerdict: icsVerdict,
                                      betaWithBN: betaBN, betaWithoutBN: betaPlain, betaVerdict: betaVerdict,
                                      trainedWithBN: trainedBN, trainedWithoutBN: trainedPlain)
            }
        }

        /// The median over a run's probes of the mean relative ICS over the layers after the first.
        static func ics(_ run: Run) -> Double {
            median(run.probes.map { p in
                let later = p.icsRelative.dropFirst().filter(\.isFinite)
                return later.isEmpty ? .nan : later.reduce(0, +) / Double(later.count)
            })
        }

        /// The median over a run's probes of β.
        static func beta(_ run: Run) -> Double { median(run.probes.map(\.beta)) }

        static func median(_ values: [Double]) -> Double {
            let v = values.filter(\.isFinite).sorted()
            guard !v.isEmpty else { return .nan }
            return v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
        }
    }
}
