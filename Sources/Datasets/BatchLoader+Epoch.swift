import Engine

extension BatchLoader {
    /// The batches of one epoch, visiting images in `order`.
    public struct Epoch: Sequence, Sendable {
        public let loader: BatchLoader
        /// The image indices in the order this epoch visits them.
        public let order: [Int]

        /// The number of batches this epoch yields.
        public var count: Int { loader.batchCount }
        public var underestimatedCount: Int { count }

        public func makeIterator() -> Iterator { Iterator(epoch: self) }

        /// Yields the batches one by one, converting into the same storage each time when the previous
        /// batch is no longer held elsewhere.
        public struct Iterator: IteratorProtocol {
            let epoch: Epoch
            var position = 0
            var batch = Batch(images: Tensor(zeros: [0, 1, 1, 1]), labels: [])

            public mutating func next() -> Batch? {
                let end = Swift.min(position + epoch.loader.batchSize, epoch.order.count)
                guard end > position, !(epoch.loader.dropLast && end - position < epoch.loader.batchSize) else { return nil }
                epoch.loader.fill(&batch, indices: epoch.order[position..<end])
                position = end
                return batch
            }
        }
    }
}
