import Foundation
import Training

/// Per arrangement: accuracies and the generalisation gap; the variance shift; verdicts against Li et al. and Ioffe & Szegedy.
public struct DropoutFindings: Codable, Sendable, Equatable {
    /// Li et al.'s formula agrees with the measured shift when they differ by less than this (beyond noise).
    public static let formulaTolerance = 0.1
    /// Ioffe & Szegedy: with BN, dropout can be removed; agrees when dropout (after BN) adds less than this.
    public static let dropoutGainTolerance = 0.01

    public struct Arm: Codable, Sendable, Equatable {
        public var arrangement: DropoutStudy.Arrangement
        public var testAccuracy: SeedSpread
        public var trainAccuracy: SeedSpread
        /// Per seed: train − test accuracy (both in evaluation mode).
        public var gap: SeedSpread
        public var recalibratedAccuracy: SeedSpread
        /// Per seed: recalibrated − test accuracy.
        public var recovered: SeedSpread
        /// Per BatchNorm layer: the measured eval ÷ train variance ratio and the predicted one, over seeds.
        public var layers: [String]
        public var measuredShift: [SeedSpread]
        public var predictedShift: [SeedSpread]
        public var trained: Int
    }

    public var arms: [Arm]
    /// Per seed, dropout before BN: the mean measured ratio over the BatchNorms a dropout feeds, and the mean predicted one.
    public var shiftBefore: SeedSpread
    public var predictedBefore: SeedSpread
    /// The same layers with dropout after BN (no dropout feeds them).
    public var shiftAfter: SeedSpread
    /// Li et al.: dropout before BN makes the variance smaller in evaluation than in training. Agrees when 1 − ratio > 2 SE.
    public var shiftVerdict: Verdict
    /// Li et al.'s formula: agrees when |measured − predicted| + 2 SE ≤ 0.1, differs when |measured − predicted| − 2 SE > 0.1.
    public var formulaVerdict: Verdict
    /// Per seed: accuracy after − before BN. Li et al.: dropout after BN does better. Agrees when positive beyond 2 SE.
    public var afterMinusBefore: SeedSpread
    public var placementVerdict: Verdict
    /// Per seed: recalibrated − plain accuracy with dropout before BN. Li et al.: recalibration helps. Agrees when positive beyond 2 SE.
    public var recalibrationVerdict: Verdict
    /// Per seed: accuracy with dropout after BN − without dropout. Ioffe & Szegedy: with BN, dropout can go.
    public var dropoutGain: SeedSpread
    public var dropoutGainVerdict: Verdict

    init(config: DropoutStudy.Config, runs: [DropoutStudy.Run]) {
        func bySeed(_ a: DropoutStudy.Arrangement, _ f: (DropoutStudy.Run) -> Double) -> [UInt64: Double] {
            Dictionary(uniqueKeysWithValues: runs.filter { $0.arrangement == a }.map { ($0.seed, f($0)) })
        }
        arms = DropoutStudy.Arrangement.allCases.map { a in
            let at = runs.filter { $0.arrangement == a }
            let layers = at.first?.shifts.map(\.layer) ?? []
            return Arm(arrangement: a, testAccuracy: SeedSpread(at.map { Double($0.testAccuracy) }),
                       trainAccuracy: SeedSpread(at.map { Double($0.trainAccuracy) }),
                       gap: SeedSpread(at.map { Double($0.trainAccuracy - $0.testAccuracy) }),
                       recalibratedAccuracy: SeedSpread(at.map { Double($0.recalibratedAccuracy) }),
                       recovered: SeedSpread(at.map { Double($0.recalibratedAccuracy - $0.testAccuracy) }),
                       layers: layers,
                       measuredShift: layers.indices.map { l in SeedSpread(at.compactMap { l < $0.shifts.count ? $0.shifts[l].measured : nil }) },
                       predictedShift: layers.indices.map { l in SeedSpread(at.compactMap { l < $0.shifts.count ? $0.shifts[l].predicted : nil }) },
                       trained: at.filter { !$0.failed }.count)
        }
        // the BatchNorms a dropout feeds in the before-norm network (the same positions in the others)
        func fedMean(_ run: DropoutStudy.Run, _ f: (DropoutStudy.LayerShift) -> Double, positions: [Int]) -> Double {
            let v = positions.compactMap { $0 < run.shifts.count ? f(run.shifts[$0]) : nil }.filter(\.isFinite)
            return v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count)
        }
        let positions = runs.first { $0.arrangement == .beforeNorm }?.shifts.indices.filter { i in
            runs.first { $0.arrangement == .beforeNorm }!.shifts[i].afterDropout
        } ?? []
        let before = runs.filter { $0.arrangement == .beforeNorm }
        shiftBefore = SeedSpread(before.map { fedMean($0, \.measured, positions: positions) })
        predictedBefore = SeedSpread(before.map { fedMean($0, \.predicted, positions: positions) })
        shiftAfter = SeedSpread(runs.filter { $0.arrangement == .afterNorm }.map { fedMean($0, \.measured, positions: positions) })
        shiftVerdict = positions.isEmpty ? .inconclusive : NormProbes.positive(SeedSpread(shiftBefore.values.map { 1 - $0 }))
        formulaVerdict = positions.isEmpty ? .inconclusive : NormProbes.withinTolerance(
            SeedSpread(before.map { fedMean($0, \.measured, positions: positions) - fedMean($0, \.predicted, positions: positions) }),
            Self.formulaTolerance)
        afterMinusBefore = NormProbes.paired(bySeed(.afterNorm) { Double($0.testAccuracy) }, bySeed(.beforeNorm) { Double($0.testAccuracy) })
        placementVerdict = NormProbes.positive(afterMinusBefore)
        recalibrationVerdict = NormProbes.positive(SeedSpread(before.map { Double($0.recalibratedAccuracy - $0.testAccuracy) }))
        dropoutGain = NormProbes.paired(bySeed(.afterNorm) { Double($0.testAccuracy) }, bySeed(.none) { Double($0.testAccuracy) })
        // one-sided: agrees when dropout's gain is confidently below the tolerance, differs when confidently above it
        if let m = dropoutGain.mean, let se = dropoutGain.standardError {
            dropoutGainVerdict = m + 2 * se <= Self.dropoutGainTolerance ? .agrees : m - 2 * se > Self.dropoutGainTolerance ? .differs : .inconclusive
        } else {
            dropoutGainVerdict = .inconclusive
        }
    }
}
