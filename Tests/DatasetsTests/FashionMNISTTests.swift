import Testing
@testable import Datasets

/// Checks against the real Fashion-MNIST in /usr/share/datasets/fashion-mnist (package dataset-fashion-mnist);
/// the expected numbers were computed with numpy from the same files.
@Suite struct FashionMNISTTests {
    @Test func realDatasetLoadsWithKnownProperties() throws {
        let data = try Dataset.load(.fashionMNIST)
        #expect(data.train.shape == [60000, 1, 28, 28])
        #expect(data.test.shape == [10000, 1, 28, 28])
        #expect(data.train.classCounts() == Array(repeating: 6000, count: 10))
        #expect(data.test.classCounts() == Array(repeating: 1000, count: 10))
        #expect(Array(data.train.labels.prefix(10)) == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5])
        #expect(Array(data.test.labels.prefix(10)) == [9, 2, 1, 1, 6, 1, 4, 6, 5, 7])
        #expect(data.train.pixels.reduce(0) { $0 + Int($1) } == 3_431_114_169)
        #expect(data.test.pixels.reduce(0) { $0 + Int($1) } == 573_469_082)
        #expect(data.classNames.count == 10 && data.classNames[9] == "Ankle boot")

        // numpy: mean 0.2860405969887955, population std 0.35302424451492254.
        let fitted = Normalization.fit(data.train)
        #expect(abs(fitted.mean[0] - 0.28604060) < 1e-6)
        #expect(abs(fitted.std[0] - 0.35302424) < 1e-6)
        #expect(data.normalization == .fashionMNIST)
        #expect(abs(fitted.mean[0] - Normalization.fashionMNIST.mean[0]) < 1e-4)
        #expect(abs(fitted.std[0] - Normalization.fashionMNIST.std[0]) < 1e-4)

        // The whole test set as evaluation batches; values match torchvision's ToTensor + Normalize bit for bit.
        let batches = Array(BatchLoader(data.test, normalization: data.normalization, batchSize: 1000).batches())
        #expect(batches.count == 10 && batches.allSatisfy { $0.images.shape == [1000, 1, 28, 28] })
        let first = BatchLoader(data.train, normalization: .fashionMNIST, batchSize: 2).batch([0, 1])
        // train image 0, row 10, columns 10..<14 has pixels 0, 0, 0, 193.
        #expect((10..<14).map { first.images[0, 0, 10, $0] } == [-0.8101983666419983, -0.8101983666419983, -0.8101983666419983, 1.3338888883590698])
        #expect(first.labels == [9, 0])
    }
}
