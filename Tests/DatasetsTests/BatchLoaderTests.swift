import Engine
import Testing
@testable import Datasets

@Suite struct BatchLoaderTests {
    /// 10 images of 2×2×3 whose every pixel equals the image's index, labels index % 10.
    let set = ImageSet(pixels: (0..<10).flatMap { [UInt8](repeating: UInt8($0), count: 12) },
                       labels: (0..<10).map(UInt8.init), channels: 2, height: 2, width: 3, classCount: 10)

    /// The image indices a batch holds, read back from its pixel values under the unit normalisation.
    func indices(_ batch: Batch) -> [Int] {
        (0..<batch.count).map { Int((batch.images.data[$0 * 12] * 255).rounded()) }
    }

    @Test func batchShapesKeepOrDropLastPartialBatch() {
        let keep = BatchLoader(set, normalization: .unit(channels: 2), batchSize: 4)
        #expect(keep.batchCount == 3)
        #expect(keep.batches().map(\.images.shape) == [[4, 2, 2, 3], [4, 2, 2, 3], [2, 2, 2, 3]])
        #expect(keep.batches().map(\.labels) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]])
        let drop = BatchLoader(set, normalization: .unit(channels: 2), batchSize: 4, dropLast: true)
        #expect(drop.batchCount == 2)
        #expect(drop.batches().map(\.count) == [4, 4])
        #expect(BatchLoader(set, normalization: .unit(channels: 2), batchSize: 5, dropLast: true).batches().map(\.count) == [5, 5])
        #expect(BatchLoader(set, normalization: .unit(channels: 2), batchSize: 20, dropLast: true).batches().map(\.count) == [])
        #expect(BatchLoader(set, normalization: .unit(channels: 2), batchSize: 20).batches().map(\.count) == [10])
    }

    @Test func shuffledEpochIsSeededPermutation() {
        let loader = BatchLoader(set, normalization: .unit(channels: 2), batchSize: 3)
        var a = SeededGenerator(seed: 5), b = SeededGenerator(seed: 5)
        let first = loader.batches(shuffledBy: &a).flatMap(indices)
        #expect(first == loader.batches(shuffledBy: &b).flatMap(indices))
        #expect(first.sorted() == Array(0..<10))
        #expect(first != Array(0..<10))
        // Labels travel with their images.
        #expect(loader.batches(shuffledBy: &b).allSatisfy { batch in indices(batch).map(Int32.init) == batch.labels })
        // The generator moved on: the next epoch has another order.
        #expect(loader.batches(shuffledBy: &a).flatMap(indices) != first)
    }

    @Test func normalisedValuesPerChannel() {
        var pixels = [UInt8](repeating: 0, count: 2 * 2 * 2 * 3)
        pixels[0] = 255      // image 0, channel 0
        pixels[6] = 51       // image 0, channel 1
        pixels[12 + 11] = 128 // image 1, channel 1, last pixel
        let two = ImageSet(pixels: pixels, labels: [3, 4], channels: 2, height: 2, width: 3, classCount: 5)
        let norm = Normalization(mean: [0.5, 0.25], std: [0.5, 2])
        let batch = BatchLoader(two, normalization: norm, batchSize: 2).batch([1, 0])
        #expect(batch.labels == [4, 3])
        #expect(batch.images[1, 0, 0, 0] == 1)            // (1 − 0.5) / 0.5
        #expect(batch.images[1, 0, 0, 1] == -1)           // (0 − 0.5) / 0.5
        #expect(batch.images[1, 1, 0, 0] == (Float(51) / 255 - 0.25) / 2)
        #expect(batch.images[0, 1, 1, 2] == (Float(128) / 255 - 0.25) / 2)
        // torchvision ToTensor + Normalize((0.2860,), (0.3530,)) of pixels 0, 1, 128, 193, 255, from PyTorch.
        let table = Normalization.fashionMNIST.lookupTable()
        #expect([0, 1, 128, 193, 255].map { table[$0] }
                == [-0.8101983666419983, -0.7990891337394714, 0.6117870211601257, 1.3338888883590698, 2.022662878036499])
    }

    @Test func fillReusesAndResizesBatch() {
        let loader = BatchLoader(set, normalization: .unit(channels: 2), batchSize: 4)
        var batch = loader.batch([9, 8, 7])
        loader.fill(&batch, indices: [1, 2, 3])
        #expect(indices(batch) == [1, 2, 3] && batch.labels == [1, 2, 3])
        loader.fill(&batch, indices: [4])
        #expect(batch.images.shape == [1, 2, 2, 3] && batch.labels == [4])
    }
}
