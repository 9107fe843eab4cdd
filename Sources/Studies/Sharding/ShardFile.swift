import Datasets
import Foundation
import Training

/// What `bnlab run --shard K/N` writes: the results of the shard's units, and what `bnlab merge`
/// checks before combining shards (the config and its hash, bnlab's version, the dataset).
public struct ShardFile: Codable, Sendable {
    /// The `format` field: how `merge` tells a shard file from other JSON.
    public static let formatName = "bnlab-shard"
    public static let currentFormatVersion = 1

    public var format = Self.formatName
    public var formatVersion = Self.currentFormatVersion
    /// The build that ran the units; every shard of a run must come from the same one.
    public var bnlabVersion: String
    public var gitCommit: String?
    /// `config.hash()`, checked against the config on reading.
    public var configHash: String
    public var shard: Shard
    public var config: PipelineConfig
    public var dataset: RunResults.DatasetInfo
    public var timings: Timings
    /// The shard's units in the pipeline's order.
    public var units: [UnitRecord]

    /// Wall-clock facts of the shard's run (merged into metrics.json's `timings`).
    public struct Timings: Codable, Sendable {
        public var startedAt: String
        public var machine: String
        public var jobs: Int
        public var totalSeconds: Double
        /// Wall time per study id of the units this shard ran.
        public var studies: [String: Double]

        public init(startedAt: String, machine: String, jobs: Int, totalSeconds: Double, studies: [String: Double]) {
            self.startedAt = startedAt
            self.machine = machine
            self.jobs = jobs
            self.totalSeconds = totalSeconds
            self.studies = studies
        }
    }

    public init(bnlabVersion: String, gitCommit: String?, shard: Shard, config: PipelineConfig,
                dataset: RunResults.DatasetInfo, timings: Timings, units: [UnitRecord]) throws {
        self.bnlabVersion = bnlabVersion
        self.gitCommit = gitCommit
        self.configHash = try config.hash()
        self.shard = shard
        self.config = config
        self.dataset = dataset
        self.timings = timings
        self.units = units
    }

    /// bnlab's version and commit as messages show them (`0.1.0 (a1b2c3d4e5f6)`).
    public var build: String { bnlabVersion + (gitCommit.map { " (\($0))" } ?? "") }

    /// The file's bytes (sorted keys, compact: shard files are read by programs).
    public func encoded() throws -> Data { try JSONCoding.encoder(pretty: false).encode(self) }

    // MARK: - Reading

    /// Reads and checks one shard file; errors name the file and say what is wrong in one line.
    public static func read(from url: URL, registry: StudyRegistry = .standard) throws -> ShardFile {
        let path = url.path
        if let problem = FileProblem.notARegularFile(path) { throw UnitsError("\(path): \(problem)") }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw UnitsError("\(path): cannot be read: \(FileProblem.reason(error, path: path))")
        }
        guard (try? JSONSerialization.jsonObject(with: data)) != nil else {
            throw UnitsError("\(path): is truncated or not JSON (\(data.count) bytes); not a whole shard file")
        }
        struct Header: Decodable { var format: String?; var formatVersion: Int? }
        let header = try? JSONCoding.decoder().decode(Header.self, from: data)
        guard header?.format == formatName else {
            throw UnitsError("\(path): is not a bnlab shard file (no \"format\": \"\(formatName)\"); `bnlab run --shard K/N` writes them")
        }
        guard header?.formatVersion == currentFormatVersion else {
            throw UnitsError("\(path): is a shard file of format version \(header?.formatVersion.map(String.init) ?? "none"); this bnlab reads version \(currentFormatVersion)")
        }
        let decoder = JSONCoding.decoder()
        decoder.userInfo[.studyRegistry] = registry
        let file: ShardFile
        do { file = try decoder.decode(ShardFile.self, from: data) } catch {
            throw UnitsError("\(path): does not match the shard format: \(Self.describe(error))")
        }
        guard (try? file.config.hash()) == file.configHash else {
            throw UnitsError("\(path): its config does not match its configHash \(file.configHash.prefix(12)) (was the file edited?)")
        }
        return file
    }

    /// A decoding error in a few words: where, and what.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        func at(_ path: [any CodingKey]) -> String {
            path.isEmpty ? "" : " at " + path.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().drop { $0 == "." }
        }
        switch error {
        case .keyNotFound(let key, let c): return "missing key '\(key.stringValue)'" + at(c.codingPath)
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c): return c.debugDescription + at(c.codingPath)
        @unknown default: return "\(error)"
        }
    }
}
