import Training
import Datasets

/// One experiment of the report: a value holding its configuration that produces a Codable result.
///
/// Studies print nothing and write no files; they report progress through the context and return
/// their result, which the report renders.
public protocol Study: Sendable {
    associatedtype Result: Codable & Sendable
    /// The stable identifier used in file names, `--studies` and metrics.json (`lr-sweep`).
    static var id: String { get }
    /// How many progress units (typically training runs) the study will report.
    var workUnits: Int { get }
    /// Runs the study.
    func run(in context: StudyContext) throws -> Result
}

/// What a running study may use: the data, parallelism, progress reporting and cancellation.
public struct StudyContext: Sendable {
    public var train: ImageSet
    public var test: ImageSet
    public var normalization: Normalization
    /// The base seed; a study's k-th seed is `seed + k`.
    public var seed: UInt64
    /// How many independent runs may execute at once.
    public var jobs: Int
    /// Called (from any thread) when a unit of work finishes.
    public var progress: @Sendable (WorkDone) -> Void
    /// Returns true once the user asked to stop; long loops check it between runs.
    public var isCancelled: @Sendable () -> Bool

    public init(train: ImageSet, test: ImageSet, normalization: Normalization, seed: UInt64 = 0, jobs: Int = 1,
                progress: @escaping @Sendable (WorkDone) -> Void = { _ in },
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.train = train
        self.test = test
        self.normalization = normalization
        self.seed = seed
        self.jobs = jobs
        self.progress = progress
        self.isCancelled = isCancelled
    }
}

/// One finished unit of a study's work: a stable label (also the key of its wall time in the
/// timings section of metrics.json) and how long it took.
public struct WorkDone: Sendable {
    public var label: String
    public var seconds: Double
    public init(label: String, seconds: Double) { self.label = label; self.seconds = seconds }
}
