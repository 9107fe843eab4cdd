import Training
import Testing
@testable import Engine

/// One full training step of the seed's ConvNetWithBN against PyTorch (convnet_bn_step fixture):
/// loss, every gradient, and the state after two SGD-momentum steps with weight decay.
@Suite struct ConvNetStepTests {
    /// The model with its weights and buffers loaded from the fixture's `init.` state.
    func model(_ f: SafeTensors) throws -> Sequential {
        var rng = SeededGenerator(seed: 1)
        let model = try ModelSpec(family: .convnetBN).build(rng: &rng)
        for (name, p) in model.namedParameters() { p.value = try f.tensor("init." + name) }
        for (name, b) in model.namedBuffers() { b.value = try f.tensor("init." + name) }
        return model
    }

    @Test func stateDictNamesMatchPyTorch() throws {
        let f = try fixture("convnet_bn_step")
        let torchKeys = Set(f.names.filter { $0.hasPrefix("init.") }.map { String($0.dropFirst(5)) })
        let m = try model(f)
        #expect(Set(m.namedParameters().map(\.0) + m.namedBuffers().map(\.0)) == torchKeys)
    }

    /// With 2 threads each layer splits the 16 images in halves (and Conv2d adds partial dWs).
    @Test(arguments: [1, 2])
    func twoTrainingStepsMatchPyTorch(threads: Int) throws {
        try Threads.with(threads) { try twoTrainingSteps() }
    }

    func twoTrainingSteps() throws {
        let f = try fixture("convnet_bn_step")
        let m = try model(f)
        let x = try f.tensor("x")
        let y = try f.int64s("y").map(Int32.init)
        let sgd = try SGD(parameters: m.parameters(), lr: 0.1, momentum: 0.9, weightDecay: 5e-4)
        m.train()
        for step in 1...2 {
            let suffix = step == 1 ? "" : "2"
            sgd.zeroGrad()
            let logits = m.forward(x)
            expectClose(logits, try f.tensor("logits" + suffix), atol: 1e-4, rtol: 1e-4, "step \(step) logits")
            let (loss, dLogits) = try crossEntropy(logits: logits, labels: y)
            #expect(abs(loss - (try f.tensor("loss" + suffix)).data[0]) < 1e-4, "step \(step) loss \(loss)")
            _ = m.backward(dLogits)
            for (name, p) in m.namedParameters() {
                expectClose(p.grad, try f.tensor("grad\(suffix).\(name)"), atol: 2e-5, rtol: 1e-3, "step \(step) grad \(name)")
            }
            sgd.step()
            for (name, p) in m.namedParameters() {
                expectClose(p.value, try f.tensor("step\(step).\(name)"), atol: 2e-5, rtol: 1e-4, "step \(step) \(name)")
            }
            for (name, b) in m.namedBuffers() {
                expectClose(b.value, try f.tensor("step\(step).\(name)"), atol: 2e-5, rtol: 1e-4, "step \(step) \(name)")
            }
        }
    }
}
