import Foundation
import Testing
@testable import Datasets

@Suite struct SyntheticImagesTests {
    @Test func deterministicFromSeed() {
        let spec = SyntheticImages(channels: 3, height: 8, width: 10, classCount: 4, seed: 11)
        let a = spec.generate(count: 20)
        #expect(a == spec.generate(count: 20))
        #expect(a.shape == [20, 3, 8, 10] && a.classCount == 4)
        #expect(a.classCounts() == [5, 5, 5, 5])
        #expect(a.pixels != SyntheticImages(channels: 3, height: 8, width: 10, classCount: 4, seed: 12).generate(count: 20).pixels)
        #expect(a.pixels != spec.generate(count: 20, split: .test).pixels)
        #expect(spec.generate(count: 8) == a.prefix(8))
        // Real spread of pixel values, not a constant image.
        #expect(a.pixels.min()! < 40 && a.pixels.max()! > 215)
    }

    /// Magnitudes of the 2-D DFT of each image [N, H·W]: invariant to the grating's random phase.
    func fourierMagnitudes(_ set: ImageSet) -> [[Double]] {
        let h = set.height, w = set.width
        return (0..<set.count).map { n in
            (0..<h * w).map { f in
                let u = Double(f / w) / Double(h), v = Double(f % w) / Double(w)
                var re = 0.0, im = 0.0
                for y in 0..<h {
                    for x in 0..<w {
                        let t = 2 * Double.pi * (u * Double(y) + v * Double(x))
                        let p = Double(set.pixels[n * h * w + y * w + x])
                        re += p * cos(t); im -= p * sin(t)
                    }
                }
                return (re * re + im * im).squareRoot()
            }
        }
    }

    @Test func classesAreSeparableButNotByTheirMeanImage() {
        let spec = SyntheticImages(height: 12, width: 12, seed: 3)
        let train = spec.generate(count: 300), test = spec.generate(count: 200, split: .test)

        /// Accuracy (out of 200) of the nearest class mean over the given features.
        func nearestMeanCorrect(_ trainFeatures: [[Double]], _ testFeatures: [[Double]]) -> Int {
            let d = trainFeatures[0].count
            var means = [[Double]](repeating: [Double](repeating: 0, count: d), count: 10)
            for (n, f) in trainFeatures.enumerated() {
                for i in 0..<d { means[Int(train.labels[n])][i] += f[i] / 30 }
            }
            return testFeatures.indices.filter { n in
                let distances = means.map { m in zip(m, testFeatures[n]).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
                return distances.firstIndex(of: distances.min()!) == Int(test.labels[n])
            }.count
        }
        let pixels = { (set: ImageSet) in (0..<set.count).map { n in set.pixels[n * 144 ..< (n + 1) * 144].map(Double.init) } }
        let byPixels = nearestMeanCorrect(pixels(train), pixels(test))
        let byFourier = nearestMeanCorrect(fourierMagnitudes(train), fourierMagnitudes(test))
        // Chance is 20/200. A phase-invariant feature separates the classes; raw mean images barely do.
        #expect(byFourier > 140, "Fourier-magnitude nearest mean: \(byFourier)/200")
        #expect(byPixels < byFourier - 40, "pixel nearest mean: \(byPixels)/200")
    }

    @Test func datasetFacadeBuildsSyntheticSplits() throws {
        let data = try Dataset.load(.synthetic, synthetic: SyntheticImages(height: 12, width: 12, classCount: 5, seed: 1),
                                    syntheticTrainCount: 50, syntheticTestCount: 20)
        #expect(data.train.shape == [50, 1, 12, 12] && data.test.shape == [20, 1, 12, 12])
        #expect(data.normalization == Normalization.fit(data.train))
        #expect(data.classNames.count == 5)
        #expect(DatasetName(rawValue: "fashion-mnist") == .fashionMNIST)
        #expect(DatasetName.allCases.map(\.rawValue) == ["fashion-mnist", "cifar10", "synthetic"])
    }
}
