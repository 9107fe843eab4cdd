import Foundation
import Testing
@testable import Datasets

@Suite struct ImageSetTests {
    @Test func subsetPrefixAndConcatenate() {
        let set = randomImageSet(count: 6, channels: 2, height: 3, width: 2, classCount: 4)
        let picked = set.subset([4, 1, 4])
        #expect(picked.shape == [3, 2, 3, 2])
        #expect(picked.labels == [set.labels[4], set.labels[1], set.labels[4]])
        #expect(Array(picked.pixels[12..<24]) == Array(set.pixels[12..<24]))
        #expect(Array(picked.pixels[0..<12]) == Array(set.pixels[48..<60]))
        #expect(set.prefix(2) == set.subset([0, 1]))
        #expect(set.prefix(100) == set)
        #expect(set.prefix(0).count == 0)
        #expect(ImageSet.concatenate([set.prefix(2), set.subset([2, 3, 4, 5])]) == set)
        #expect(set.classCounts() == [2, 2, 1, 1])
    }

    @Test func normalizationFitAndCodable() throws {
        // Channel 0: half 0, half 255 → mean 0.5, std 0.5. Channel 1: constant 51 → mean 0.2, std falls back to 1.
        let pixels: [UInt8] = [0, 255, 0, 255, 51, 51, 51, 51,  255, 0, 255, 0, 51, 51, 51, 51]
        let set = ImageSet(pixels: pixels, labels: [0, 1], channels: 2, height: 2, width: 2, classCount: 2)
        let norm = Normalization.fit(set)
        #expect(norm.mean == [0.5, 0.2])
        #expect(norm.std == [0.5, 1])
        let decoded = try JSONDecoder().decode(Normalization.self, from: JSONEncoder().encode(norm))
        #expect(decoded == norm)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Normalization.self, from: Data(#"{"mean": [0.5], "std": [0]}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Normalization.self, from: Data(#"{"mean": [0.5, 0.1], "std": [1]}"#.utf8))
        }
    }
}
