import Engine

/// A mini-batch ready for a network: normalised Float images and their class labels.
public struct Batch: Sendable, Equatable {
    /// images: [B, C, H, W], normalised.
    public var images: Tensor
    /// labels: [B], class indices.
    public var labels: [Int32]

    /// Creates a batch from images [B, C, H, W] and B labels.
    public init(images: Tensor, labels: [Int32]) {
        precondition(images.rank == 4 && images.shape[0] == labels.count, "batch needs images [B, C, H, W] and B labels")
        self.images = images
        self.labels = labels
    }

    /// The number of images, B.
    public var count: Int { labels.count }
}
