import Testing
@testable import Engine

/// A whole seeded training loop: layers, loss and optimizer working together.
@Suite struct TrainingTests {
    /// Trains a tiny conv net on fixed random data; returns the loss per step and final weights.
    static func train(seed: UInt64, steps: Int) throws -> (losses: [Float], weights: [Tensor]) {
        var rng = SeededGenerator(seed: seed)
        let net = try Sequential([
            ("conv1", try Conv2d(inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, rng: &rng)),
            ("relu1", ReLU()),
            ("pool1", try MaxPool2d(kernelSize: 2)),
            ("flatten", Flatten()),
            ("dropout", try Dropout(p: 0.1, seed: seed &+ 1)),
            ("fc", try Linear(inFeatures: 4 * 4 * 4, outFeatures: 3, rng: &rng)),
        ])
        let x = randomTensor([24, 1, 8, 8], &rng)
        let labels = (0..<24).map { _ in Int32(rng.next() % 3) }
        let sgd = try SGD(parameters: net.parameters(), lr: 0.05, momentum: 0.9, weightDecay: 1e-4)
        var losses: [Float] = []
        for _ in 0..<steps {
            sgd.zeroGrad()
            let (loss, dLogits) = try crossEntropy(logits: net.forward(x), labels: labels)
            _ = net.backward(dLogits)
            sgd.step()
            losses.append(loss)
        }
        return (losses, net.parameters().map(\.value))
    }

    @Test func lossFallsAndRunsReproduceBitForBit() throws {
        let a = try Self.train(seed: 5, steps: 60)
        let b = try Self.train(seed: 5, steps: 60)
        #expect(a.losses.allSatisfy { $0.isFinite })
        #expect(a.losses.last! < 0.5 * a.losses.first!, "loss \(a.losses.first!) -> \(a.losses.last!)")
        #expect(a.losses == b.losses)
        #expect(a.weights == b.weights)
        let other = try Self.train(seed: 6, steps: 2)
        #expect(other.losses[0] != a.losses[0])
    }
}
