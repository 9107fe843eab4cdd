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
    /// How many independent runs may execute at once.
    public var jobs: Int
    /// Called (from any thread) when a unit of work finishes, with a short label.
    public var progress: @Sendable (String) -> Void
    /// Returns true once the user asked to stop; long loops check it between runs.
    public var isCancelled: @Sendable () -> Bool

    public init(train: ImageSet, test: ImageSet, normalization: Normalization, jobs: Int = 1,
                progress: @escaping @Sendable (String) -> Void = { _ in },
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.train = train
        self.test = test
        self.normalization = normalization
        self.jobs = jobs
        self.progress = progress
        self.isCancelled = isCancelled
    }
}

/// The user interrupted a study.
public struct CancellationError: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted" }
}
