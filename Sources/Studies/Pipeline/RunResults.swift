import Datasets
import Training
import Foundation

/// Everything one `bnlab run` measured: the content of `metrics.json`.
///
/// Apart from `timings`, it is a pure function of the config, the data and the bnlab build:
/// the same config and seed give byte-identical JSON whatever `--jobs` is.
public struct RunResults: Codable, Sendable {
    /// The current schema version; bumped on any incompatible change. Version 2 keys each study's
    /// result by study id under `results`; version 1 kept them at the top level under the study's
    /// config key (`lrSweep`) and is still read.
    public static let currentSchemaVersion = 2
    /// The versions `read` accepts.
    public static let readableSchemaVersions = 1...currentSchemaVersion

    public var schemaVersion: Int
    /// bnlab's version and, when known, the git commit it was built from.
    public var bnlabVersion: String
    public var gitCommit: String?
    public var config: PipelineConfig
    /// The dataset's display name and sizes.
    public var dataset: DatasetInfo
    /// Each study's result by study id (only the studies that ran).
    public var results: StudyResults
    /// The headline numbers that `bnlab compare` compares.
    public var findings: [Metric]
    /// Wall-clock facts: everything that differs between two identical runs.
    public var timings: Timings

    public struct DatasetInfo: Codable, Sendable, Equatable {
        public var name: String
        public var trainImages: Int
        public var testImages: Int
        public var imageShape: [Int]
    }

    public struct Timings: Codable, Sendable, Equatable {
        /// ISO 8601 start time.
        public var startedAt: String
        /// e.g. "2 cores, Intel(R) Xeon(R) …".
        public var machine: String
        public var jobs: Int
        public var totalSeconds: Double
        /// Wall time per study id.
        public var studies: [String: Double]
        /// Wall time per unit of work, keyed "<study>/<label>".
        public var runs: [String: Double]

        public init(startedAt: String, machine: String, jobs: Int, totalSeconds: Double, studies: [String: Double],
                    runs: [String: Double]) {
            self.startedAt = startedAt
            self.machine = machine
            self.jobs = jobs
            self.totalSeconds = totalSeconds
            self.studies = studies
            self.runs = runs
        }
    }

    public init(schemaVersion: Int, bnlabVersion: String, gitCommit: String?, config: PipelineConfig,
                dataset: DatasetInfo, results: StudyResults, findings: [Metric], timings: Timings) {
        self.schemaVersion = schemaVersion
        self.bnlabVersion = bnlabVersion
        self.gitCommit = gitCommit
        self.config = config
        self.dataset = dataset
        self.results = results
        self.findings = findings
        self.timings = timings
    }

    // MARK: - Coding

    private enum CodingKeys: String, CodingKey {
        case schemaVersion, bnlabVersion, gitCommit, config, dataset, results, findings, timings
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        bnlabVersion = try c.decode(String.self, forKey: .bnlabVersion)
        gitCommit = try c.decodeIfPresent(String.self, forKey: .gitCommit)
        config = try c.decode(PipelineConfig.self, forKey: .config)
        dataset = try c.decode(DatasetInfo.self, forKey: .dataset)
        findings = try c.decode([Metric].self, forKey: .findings)
        timings = try c.decode(Timings.self, forKey: .timings)
        if schemaVersion == 1 {
            // Version 1: each result at the top level under its study's config key; read as the current version.
            let top = try decoder.container(keyedBy: StudyKey.self)
            var entries: [String: StudyResults.Entry] = [:]
            for study in decoder.studyRegistry.studies {
                entries[study.id] = try StudyResults.decode(study, from: top, key: StudyKey(study.configKey))
            }
            results = StudyResults(entries: entries)
            schemaVersion = Self.currentSchemaVersion
            // Metric ids changed with version 2: derive them again from the results, so a version-1
            // baseline is compared like for like.
            findings = config.studies.compactMap { config.study(id: $0) }.flatMap { $0.metrics(in: results) }
        } else {
            results = try c.decode(StudyResults.self, forKey: .results)
        }
    }
}

extension RunResults {
    /// Reads a metrics.json file (any readable schema version), finding each study in `registry`.
    public static func read(from url: URL, registry: StudyRegistry = .standard) throws -> RunResults {
        if let problem = FileProblem.notARegularFile(url.path) { throw ResultsError(file: url.path, message: problem) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ResultsError(file: url.path, message: "cannot be read: \(FileProblem.reason(error, path: url.path))")
        }
        struct Version: Decodable { var schemaVersion: Int? }
        guard let version = try? JSONCoding.decoder().decode(Version.self, from: data) else {
            throw ResultsError(file: url.path, message: "is not JSON metrics written by bnlab")
        }
        guard let v = version.schemaVersion, readableSchemaVersions.contains(v) else {
            throw ResultsError(file: url.path, message: "has schema version \(version.schemaVersion.map(String.init) ?? "none"); this bnlab reads versions \(readableSchemaVersions.lowerBound)–\(readableSchemaVersions.upperBound)")
        }
        let decoder = JSONCoding.decoder()
        decoder.userInfo[.studyRegistry] = registry
        do { return try decoder.decode(RunResults.self, from: data) } catch {
            throw ResultsError(file: url.path, message: "does not match the metrics schema: \(error)")
        }
    }

    /// The JSON bytes of metrics.json (sorted keys, pretty-printed).
    public func encoded() throws -> Data { try JSONCoding.encoder().encode(self) }
}

/// A metrics.json that cannot be used.
public struct ResultsError: Error, CustomStringConvertible {
    public var file: String
    public var message: String
    public var description: String { message.hasPrefix("is ") || message.hasPrefix("has ") || message.hasPrefix("does ") || message.hasPrefix("cannot ") ? "\(file) \(message)" : "\(file): \(message)" }
}
