import Training
import Foundation

/// Everything one `bnlab run` measured: the content of `metrics.json`.
///
/// Apart from `timings`, it is a pure function of the config, the data and the bnlab build:
/// the same config and seed give byte-identical JSON whatever `--jobs` is.
public struct RunResults: Codable, Sendable {
    /// The current schema version; bumped on any incompatible change.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// bnlab's version and, when known, the git commit it was built from.
    public var bnlabVersion: String
    public var gitCommit: String?
    public var config: PipelineConfig
    /// The dataset's display name and sizes.
    public var dataset: DatasetInfo
    /// Each study's result (nil when the study was not selected).
    public var covariateShift: CovariateShiftStudy.Result?
    public var lrSweep: LRSweepStudy.Result?
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
    }
}

extension RunResults {
    /// Reads a metrics.json file, checking its schema version.
    public static func read(from url: URL) throws -> RunResults {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw ResultsError(file: url.path, message: "cannot be read (\(error.localizedDescription))")
        }
        struct Version: Decodable { var schemaVersion: Int? }
        guard let version = try? JSONCoding.decoder().decode(Version.self, from: data) else {
            throw ResultsError(file: url.path, message: "is not JSON metrics written by bnlab")
        }
        guard version.schemaVersion == currentSchemaVersion else {
            throw ResultsError(file: url.path, message: "has schema version \(version.schemaVersion.map(String.init) ?? "none"); this bnlab reads version \(currentSchemaVersion)")
        }
        do { return try JSONCoding.decoder().decode(RunResults.self, from: data) } catch {
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
    public var description: String { "\(file) \(message)" }
}
