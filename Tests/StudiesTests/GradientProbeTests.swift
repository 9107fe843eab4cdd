import Datasets
import Engine
import Foundation
import Testing
import TestSupport
import Training
@testable import Studies

/// The gradient study's probes against PyTorch (Tests/StudiesTests/Fixtures/make_gradient_fixtures.py)
/// and against themselves: a probed run is the run it would have been.
@Suite struct GradientProbeTests {
    func fixture(_ name: String) throws -> URL {
        try #require(Bundle.module.url(forResource: name, withExtension: "safetensors", subdirectory: "Fixtures"))
    }

    /// |a − b| within 1e-4 of |b| (and 1e-6 absolute, for the exact zeros of the first layer).
    func close(_ a: Double, _ b: Float, _ what: String) {
        #expect(abs(a - Double(b)) <= 1e-4 * abs(Double(b)) + 1e-6, "\(what): \(a) vs PyTorch \(b)")
    }

    @Test(arguments: ["bn", "plain"])
    func probesMatchPyTorch(arm: String) throws {
        let spec = ModelSpec(family: .deep, inputShape: [1, 28, 28], depth: 3, norm: arm == "bn" ? .batch : NormKind.none, classes: 10)
        let model = try Checkpoint.read(from: fixture("probe_init_\(arm)"), fallbackSpec: spec).model
        model.train()
        let reference = try SafeTensors(contentsOf: fixture("gradient_probes")).tensors
        func values(_ key: String) throws -> [Float] { try #require(reference["\(arm).\(key)"]).floatTensor.data }
        func batch(_ k: Int) throws -> Batch {
            Batch(images: try #require(reference["\(arm).x\(k)"]).floatTensor, labels: try values("y\(k)").map { Int32($0) })
        }
        let lr: Float = 0.05
        let sgd = try SGD(parameters: model.parameters(), lr: lr, momentum: 0.9)
        try GradientProbes.gradient(model, try batch(0))
        sgd.step()
        let loss = try GradientProbes.gradient(model, try batch(1))
        close(Double(loss), try values("loss")[0], "loss at W1")
        close(GradientProbes.norm(model.parameters().map(\.grad)), try values("grad_norm")[0], "‖g‖")

        let before = Checkpoint.stateDict(of: model), grads = model.parameters().map(\.grad)
        let layers = WeightLayers(model)
        #expect(layers.count == 4)
        let ics = try GradientProbes.internalCovariateShift(model, optimizer: sgd, batch: try batch(1), layers: layers)
        for (i, (measured, expected)) in zip(ics.map(\.relative), try values("ics_relative")).enumerated() { close(measured, expected, "ICS relative, layer \(i)") }
        for (i, (measured, expected)) in zip(ics.map(\.cosine), try values("ics_cosine")).enumerated() { close(measured, expected, "ICS cosine, layer \(i)") }

        let multipliers = try values("multipliers")
        let land = try GradientProbes.landscape(model, batch: try batch(1), stepSizes: multipliers.map { $0 * lr })
        for (k, (m, e)) in zip(land.losses, try values("landscape_loss")).enumerated() { close(m, e, "landscape loss ×\(multipliers[k])") }
        for (k, (m, e)) in zip(land.gradientDistances, try values("landscape_grad_distance")).enumerated() { close(m, e, "‖Δ∇L‖ ×\(multipliers[k])") }
        close(land.beta, try values("beta")[0], "β")

        // The probes put back every weight, BN statistic and gradient, bit for bit.
        #expect(Checkpoint.stateDict(of: model) == before)
        #expect(model.parameters().map(\.grad) == grads)
    }

    @Test func aProbedRunIsTheRunItWouldHaveBeen() throws {
        var config = GradientsStudy.Config(profile: .quick)
        config.depths = [4]
        config.trainLimit = 256
        config.batchSize = 32
        config.probes = 3
        config.initBatches = 2
        for bn in [true, false] {
            let spec = ModelSpec(family: .deep, inputShape: [1, 12, 12], depth: 4, norm: bn ? .batch : NormKind.none, classes: 4)
            let training = TrainingConfig(model: spec, learningRate: 0.1, epochs: 1, batchSize: 32, momentum: 0.9, seed: 3, trainLimit: 256)
            let plain = try Trainer(config: training).run(train: synthetic.train, test: synthetic.test, normalization: synthetic.normalization)
            let recorder = GradientRecorder(config: config, learningRate: 0.1, measuresInitialGradients: true, totalSteps: 8)
            let probed = try Trainer(config: training).run(train: synthetic.train, test: synthetic.test,
                                                           normalization: synthetic.normalization, observers: [recorder])
            #expect(recorder.error == nil)
            #expect(recorder.probes.map(\.step) == [1, 5, 8])
            #expect(recorder.initial?.layerNorms.count == 5)
            #expect(recorder.norms.count == 5 && recorder.norms.allSatisfy { $0.count == 8 })
            #expect(probed.result == plain.result, "BN \(bn): the probed run differs")
            #expect(Checkpoint.stateDict(of: probed.model) == Checkpoint.stateDict(of: plain.model))
        }
    }

    @Test func probeStepsSpreadEvenly() {
        #expect(GradientsStudy.probeSteps(count: 3, totalSteps: 15) == [1, 8, 15])
        #expect(GradientsStudy.probeSteps(count: 1, totalSteps: 15) == [1])
        #expect(GradientsStudy.probeSteps(count: 20, totalSteps: 4) == [1, 2, 3, 4])
        #expect(GradientsStudy.probeSteps(count: 0, totalSteps: 4) == [])
    }

    @Test func momentsOfKnownSamples() {
        // A two-point distribution ±1 has kurtosis 1, excess −2; its RMS is 1.
        let m = GradientRecorder.moments([1, -1, 1, -1])
        #expect(m.rms == 1 && m.excessKurtosis == -2)
        #expect(GradientsStudy.histogramBin(0.1) == 24 && GradientsStudy.histogramBin(-100) == 0 && GradientsStudy.histogramBin(.infinity) == 47)
    }
}
