import Foundation

/// The studies bnlab knows, in report order.
public struct StudyRegistry: @unchecked Sendable {
    /// The registry of `bnlab run`: one line per study, in report order.
    public static let standard = StudyRegistry([
        LRSweepStudy.self,
        CovariateShiftStudy.self,
        GradientsStudy.self,
        LRSchedulesStudy.self,
        RunningStatsStudy.self,
        BatchSizeStudy.self,
        DropoutStudy.self,
        RecurrentStudy.self,
        TransferStudy.self,
        ActivationsStudy.self,
    ])

    /// The study types, in report order. (Metatypes are immutable, hence `@unchecked Sendable`.)
    public let studies: [any Study.Type]

    public init(_ studies: [any Study.Type]) { self.studies = studies }

    /// The ids in report order.
    public var ids: [String] { studies.map { $0.id } }

    /// The study with this id.
    public func study(id: String) -> (any Study.Type)? { studies.first { $0.id == id } }

    /// This registry with one more study at the end.
    public func adding(_ study: any Study.Type) -> StudyRegistry { StudyRegistry(studies + [study]) }
}

extension CodingUserInfoKey {
    /// The `StudyRegistry` a decoder uses to find each study's types (default: `.standard`).
    public static let studyRegistry = CodingUserInfoKey(rawValue: "bnlab.studyRegistry")!
}

extension Decoder {
    /// The registry this decoder was given, or the standard one.
    var studyRegistry: StudyRegistry { userInfo[.studyRegistry] as? StudyRegistry ?? .standard }
}
