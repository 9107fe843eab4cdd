import Engine
import Foundation
import Training

/// Test error per normalisation and batch size, and the two comparisons with Wu & He.
public struct BatchSizeFindings: Codable, Sendable, Equatable {
    /// Wu & He (Fig. 1, ResNet-50 on ImageNet): BN's error at batch 32 and 2 per GPU, GN's at every batch size.
    public static let paperBN32 = 0.236, paperBN2 = 0.347, paperGN = 0.241
    /// GroupNorm "stays flat" when its error changes by less than this between the two batch sizes.
    public static let flatTolerance = 0.02

    public struct Norm: Codable, Sendable, Equatable {
        public var norm: NormKind
        public var batchSizes: [Int]
        /// Per batch size (in `batchSizes` order): 1 − test accuracy over seeds.
        public var testError: [SeedSpread]
        /// Per batch size: how many seeds trained.
        public var trained: [Int]
    }

    public var norms: [Norm]
    /// The batch sizes compared: the paper's 32 and 2, or the nearest the config has (the largest ≤ 32, the smallest).
    public var largeBatch: Int
    public var smallBatch: Int
    /// Per seed: BN's error at the small batch − at the large one.
    public var bnLoss: SeedSpread
    /// Wu & He: BN's error grows as the batch shrinks. Agrees when `bnLoss` is positive beyond 2 SE.
    public var bnVerdict: Verdict
    /// Per seed: GN's error at the small batch − at the large one.
    public var gnChange: SeedSpread
    /// Wu & He: GN's error stays flat. Agrees when |change| + 2 SE ≤ 2 points, differs when |change| − 2 SE > 2 points.
    public var gnVerdict: Verdict

    init(config: BatchSizeStudy.Config, runs: [BatchSizeStudy.Run]) {
        let sizes = config.batchSizes.sorted()
        norms = config.norms.map { norm in
            Norm(norm: norm, batchSizes: sizes,
                 testError: sizes.map { b in SeedSpread(runs.filter { $0.norm == norm && $0.batchSize == b }.map { Double($0.testError) }) },
                 trained: sizes.map { b in runs.filter { $0.norm == norm && $0.batchSize == b && !$0.failed }.count })
        }
        smallBatch = sizes.first ?? 2
        largeBatch = sizes.last { $0 <= 32 } ?? sizes.last ?? 32
        let (small, large) = (smallBatch, largeBatch)
        func change(_ norm: NormKind) -> SeedSpread {
            func errors(_ b: Int) -> [UInt64: Double] {
                Dictionary(uniqueKeysWithValues: runs.filter { $0.norm == norm && $0.batchSize == b }.map { ($0.seed, Double($0.testError)) })
            }
            return NormProbes.paired(errors(small), errors(large))
        }
        bnLoss = change(.batch)
        gnChange = change(.group)
        let distinct = small != large
        bnVerdict = distinct && config.norms.contains(.batch) ? NormProbes.positive(bnLoss) : .inconclusive
        gnVerdict = distinct && config.norms.contains(.group) ? NormProbes.withinTolerance(gnChange, Self.flatTolerance) : .inconclusive
    }

    /// The normalisation's name on the page.
    public static func name(_ norm: NormKind) -> String {
        switch norm {
        case .batch: "BatchNorm"
        case .group: "GroupNorm"
        case .layer: "LayerNorm"
        case .instance: "InstanceNorm"
        case .none: "no normalisation"
        }
    }
}
