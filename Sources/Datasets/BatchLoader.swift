import Engine

/// Cuts an `ImageSet` into normalised mini-batches, in order or shuffled by a seeded generator
/// (PyTorch's `DataLoader`: the last partial batch is kept unless `dropLast`).
public struct BatchLoader: Sendable {
    public let set: ImageSet
    public let normalization: Normalization
    public let batchSize: Int
    /// Whether an epoch leaves out its last, partial batch.
    public let dropLast: Bool
    /// Normalised Float of each (channel, pixel value): the uint8 → Float conversion is one lookup.
    private let table: [Float]

    /// Creates a loader; `normalization` must have one mean and std per channel of `set`.
    public init(_ set: ImageSet, normalization: Normalization, batchSize: Int, dropLast: Bool = false) {
        precondition(batchSize > 0, "batch size must be positive")
        precondition(normalization.mean.count == set.channels,
                     "normalization has \(normalization.mean.count) channels, images have \(set.channels)")
        self.set = set
        self.normalization = normalization
        self.batchSize = batchSize
        self.dropLast = dropLast
        self.table = normalization.lookupTable()
    }

    /// The number of batches in one epoch.
    public var batchCount: Int {
        dropLast ? set.count / batchSize : (set.count + batchSize - 1) / batchSize
    }

    // MARK: - Epochs

    /// One epoch's batches in index order (also the way to evaluate on a whole set).
    public func batches() -> Epoch {
        Epoch(loader: self, order: Array(0..<set.count))
    }

    /// One epoch's batches in a fresh random order drawn from `rng` (Fisher–Yates).
    public func batches(shuffledBy rng: inout SeededGenerator) -> Epoch {
        Epoch(loader: self, order: Shuffle.permutation(set.count, using: &rng))
    }

    // MARK: - Converting

    /// The batch of the images at `indices`.
    public func batch(_ indices: some Collection<Int>) -> Batch {
        var batch = Batch(images: Tensor(zeros: [0, 1, 1, 1]), labels: [])
        fill(&batch, indices: indices)
        return batch
    }

    /// Writes the images at `indices` into `batch`, reusing its storage when it has the right size.
    public func fill(_ batch: inout Batch, indices: some Collection<Int>) {
        let b = indices.count, size = set.imageSize, plane = set.height * set.width
        let shape = [b, set.channels, set.height, set.width]
        if batch.images.count == b * size {
            batch.images.shape = shape
        } else {
            batch.images = Tensor(zeros: shape)
        }
        batch.labels.removeAll(keepingCapacity: true)
        set.pixels.withUnsafeBufferPointer { pixels in
            table.withUnsafeBufferPointer { table in
                batch.images.data.withUnsafeMutableBufferPointer { out in
                    // out: [B, C, H, W]; each plane maps its uint8 pixels through that channel's table.
                    for (row, i) in indices.enumerated() {
                        precondition(i >= 0 && i < set.count, "index \(i) out of range 0..<\(set.count)")
                        for c in 0..<set.channels {
                            let src = pixels.baseAddress! + i * size + c * plane
                            let dst = out.baseAddress! + row * size + c * plane
                            let t = table.baseAddress! + c * 256
                            for k in 0..<plane { dst[k] = t[Int(src[k])] }
                        }
                    }
                }
            }
        }
        for i in indices { batch.labels.append(Int32(set.labels[i])) }
    }
}
