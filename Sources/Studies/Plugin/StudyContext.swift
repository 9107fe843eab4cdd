import Datasets

/// What a running unit may use: the data and a way to notice that the user asked to stop.
public struct StudyContext: Sendable {
    public var train: ImageSet
    public var test: ImageSet
    public var normalization: Normalization
    /// Returns true once the user asked to stop; long loops check it and throw `CancellationError`.
    public var isCancelled: @Sendable () -> Bool

    public init(train: ImageSet, test: ImageSet, normalization: Normalization,
                isCancelled: @escaping @Sendable () -> Bool = { false }) {
        self.train = train
        self.test = test
        self.normalization = normalization
        self.isCancelled = isCancelled
    }
}
