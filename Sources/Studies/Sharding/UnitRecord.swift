import Foundation

/// One finished unit: its result (of its study's `UnitResult` type) and its wall time.
///
/// This is what a shard file and the resume store hold. Encoded as `{"study", "key", "seconds",
/// "result"}`; decoding finds the study's `UnitResult` type in the decoder's `StudyRegistry`.
public struct UnitRecord: Codable, @unchecked Sendable {
    public var id: UnitID
    /// Wall time of the unit, in seconds (goes to metrics.json's `timings.runs`).
    public var seconds: Double
    /// The study's `UnitResult`. (`@unchecked`: every `UnitResult` is Sendable.)
    public let result: any Codable & Sendable

    public init(id: UnitID, seconds: Double, result: any Codable & Sendable) {
        self.id = id
        self.seconds = seconds
        self.result = result
    }

    private enum CodingKeys: String, CodingKey { case study, key, seconds, result }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = UnitID(study: try c.decode(String.self, forKey: .study), key: try c.decode(String.self, forKey: .key))
        seconds = try c.decode(Double.self, forKey: .seconds)
        let registry = decoder.studyRegistry
        guard let study = registry.study(id: id.study) else {
            throw DecodingError.dataCorruptedError(forKey: .study, in: c, debugDescription:
                "a unit of an unknown study '\(id.study)'; this bnlab knows \(registry.ids.joined(separator: ", "))")
        }
        result = try Self.decodeResult(study, from: c)
    }

    private static func decodeResult<S: Study>(_ study: S.Type, from c: KeyedDecodingContainer<CodingKeys>) throws -> any Codable & Sendable {
        try c.decode(S.UnitResult.self, forKey: .result)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.study, forKey: .study)
        try c.encode(id.key, forKey: .key)
        try c.encode(seconds, forKey: .seconds)
        try c.encode(result, forKey: .result)
    }
}

/// Finished units by id, gathered from this process, a resume store or shard files.
public struct UnitResults: Sendable {
    public private(set) var records: [UnitID: UnitRecord] = [:]
    /// Wall time per study id of the units run in this process (metrics.json's `timings.studies`).
    public var studySeconds: [String: Double] = [:]

    public init(_ records: [UnitRecord] = []) {
        for r in records { insert(r) }
    }

    public subscript(id: UnitID) -> UnitRecord? { records[id] }
    public var count: Int { records.count }

    /// Adds or replaces a unit's record.
    public mutating func insert(_ record: UnitRecord) { records[record.id] = record }

    /// The units' wall times keyed `<study>/<key>` (metrics.json's `timings.runs`).
    public var seconds: [String: Double] {
        Dictionary(uniqueKeysWithValues: records.values.map { ($0.id.description, $0.seconds) })
    }
}
