import Testing
@testable import Engine

@Suite struct CrossEntropyTests {
    @Test func matchesPyTorch() throws {
        for f in LayerFixtures.shared.cross_entropy {
            let logits = Tensor(shape: [f.labels.count, f.logits.count / f.labels.count], data: f.logits)
            let (loss, grad) = try crossEntropy(logits: logits, labels: f.labels)
            #expect(abs(loss - f.loss) <= 1e-5 * max(1, abs(f.loss)), "loss \(loss) vs torch \(f.loss)")
            expectClose(grad.data, f.dlogits, atol: 1e-6, "dlogits")
        }
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        var rng = SeededGenerator(seed: 3)
        let logits = randomTensor([4, 6], &rng, scale: 2)
        let labels: [Int32] = [0, 5, 2, 2]
        let (_, grad) = try crossEntropy(logits: logits, labels: labels)
        let h: Float = 1e-2
        for i in 0..<logits.count {
            var plus = logits, minus = logits
            plus.data[i] += h; minus.data[i] -= h
            let numeric = (try crossEntropy(logits: plus, labels: labels).loss
                           - crossEntropy(logits: minus, labels: labels).loss) / (2 * h)
            #expect(abs(numeric - grad.data[i]) < 1e-3, "dlogits[\(i)]: \(grad.data[i]) vs \(numeric)")
        }
    }

    @Test func largeLogitsStayFiniteAndNaNDoesNotCrash() throws {
        let big = Tensor(shape: [1, 3], data: [1000, -1000, 0])
        let (loss, grad) = try crossEntropy(logits: big, labels: [1])
        #expect(loss == 2000)
        #expect(grad.isFinite)
        let diverged = try crossEntropy(logits: Tensor(shape: [1, 2], data: [.nan, 1]), labels: [0])
        #expect(diverged.loss.isNaN)
        let infinite = try crossEntropy(logits: Tensor(shape: [1, 2], data: [.infinity, 1]), labels: [1])
        #expect(!infinite.loss.isFinite)
    }

    @Test func rejectsBadLabels() {
        let logits = Tensor(zeros: [2, 3])
        #expect(throws: LossError.labelOutOfRange(label: 3, classes: 3)) { try crossEntropy(logits: logits, labels: [0, 3]) }
        #expect(throws: LossError.labelOutOfRange(label: -1, classes: 3)) { try crossEntropy(logits: logits, labels: [-1, 0]) }
        #expect(throws: LossError.self) { try crossEntropy(logits: logits, labels: [0]) }
    }

    @Test func accuracyCountsFirstMaximum() {
        let logits = Tensor(shape: [4, 3], data: [
            0.1, 0.9, 0.0,   // argmax 1
            2.0, 2.0, 1.0,   // tie: first maximum, 0
            -1, -3, -0.5,    // argmax 2
            .nan, 5, 1,      // NaN counts as largest (torch.argmax): 0
        ])
        #expect(accuracy(logits: logits, labels: [1, 0, 2, 0]) == 4)
        #expect(accuracy(logits: logits, labels: [1, 1, 0, 1]) == 1)
    }
}
