/// Each study's result by study id: the `results` object of metrics.json.
///
/// Values keep their study's type, so the report can hand each result back to its own study;
/// decoding finds the types in the decoder's `StudyRegistry`.
public struct StudyResults: Codable, @unchecked Sendable {
    /// A result and the study that produced it. (`@unchecked`: every `Study.Result` is Sendable.)
    public struct Entry {
        public let study: any Study.Type
        public let value: any Codable & Sendable
    }

    private var entries: [String: Entry] = [:]

    public init() {}

    /// The result of study `S`, if it ran.
    public subscript<S: Study>(_ study: S.Type) -> S.Result? {
        get { entries[S.id]?.value as? S.Result }
        set { entries[S.id] = newValue.map { Entry(study: S.self, value: $0) } }
    }

    /// The entry of a study id, if it ran.
    public func entry(_ id: String) -> Entry? { entries[id] }

    /// The ids of the studies that have a result.
    public var ids: [String] { entries.keys.sorted() }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: StudyKey.self)
        let registry = decoder.studyRegistry
        for key in container.allKeys {
            guard let study = registry.study(id: key.stringValue) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription:
                    "results of an unknown study '\(key.stringValue)'; this bnlab knows \(registry.ids.joined(separator: ", "))")
            }
            entries[key.stringValue] = try Self.decode(study, from: container, key: key)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: StudyKey.self)
        for (id, entry) in entries { try container.encode(entry.value, forKey: StudyKey(id)) }
    }

    /// Decodes study `S`'s result at `key`, if there is one (version-1 files keep them at the top level).
    static func decode<S: Study>(_ study: S.Type, from container: KeyedDecodingContainer<StudyKey>, key: StudyKey) throws -> Entry? {
        try container.decodeIfPresent(S.Result.self, forKey: key).map { Entry(study: S.self, value: $0) }
    }

    init(entries: [String: Entry]) { self.entries = entries }
}

/// A coding key made at run time: a study id or config key.
struct StudyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
