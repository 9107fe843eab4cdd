import Datasets
import Engine
import Foundation
import Training

/// Watches one training run of the gradient study: per-layer gradient norms at every step, the
/// gradients at initialisation (before the first step), and ICS and landscape probes at chosen
/// steps. Every measurement puts the model back as it found it, so the run is the run it would
/// have been unobserved.
final class GradientRecorder: TrainingObserver {
    let config: GradientsStudy.Config
    let measuresInitialGradients: Bool
    let probeSteps: Set<Int>
    /// The landscape's step sizes: the config's multiples of this run's learning rate.
    let stepSizes: [Float]

    private(set) var layers = WeightLayers(blocks: [])
    private(set) var initial: GradientsStudy.InitialGradients?
    /// ‖∇W‖ per weight layer and step.
    private(set) var norms: [[Float]] = []
    private(set) var probes: [GradientsStudy.Probe] = []
    /// The first error a measurement threw; the run is stopped and the unit rethrows it.
    private(set) var error: (any Error)?
    /// The batch of a step about to be probed (held only until its backward pass).
    private var batch: Batch?

    init(config: GradientsStudy.Config, learningRate: Float, measuresInitialGradients: Bool, totalSteps: Int) {
        self.config = config
        self.measuresInitialGradients = measuresInitialGradients
        probeSteps = Set(GradientsStudy.probeSteps(count: config.probes, totalSteps: totalSteps))
        stepSizes = config.stepSizes.map { $0 * learningRate }
    }

    func trainingWillStart(_ loop: TrainingLoop) {
        layers = WeightLayers(loop.model)
        norms = Array(repeating: [], count: layers.count)
        guard measuresInitialGradients else { return }
        attempt(loop) { try measureInitialGradients(loop) }
    }

    func didForward(_ loop: TrainingLoop, loss: Float, logits: Tensor, batch: Batch) {
        if probeSteps.contains(loop.step) { self.batch = batch }
    }

    func didBackward(_ loop: TrainingLoop) {
        for (i, block) in layers.blocks.enumerated() { norms[i].append(Float(GradientProbes.norm(block.weight.grad))) }
        guard let batch, probeSteps.contains(loop.step) else { return }
        self.batch = nil
        attempt(loop) {
            let ics = try GradientProbes.internalCovariateShift(loop.model, optimizer: loop.optimizer, batch: batch, layers: layers)
            let land = try GradientProbes.landscape(loop.model, batch: batch, stepSizes: stepSizes)
            probes.append(GradientsStudy.Probe(step: loop.step, icsRelative: ics.map(\.relative), icsCosine: ics.map(\.cosine),
                                               landscapeLoss: land.losses, gradientDistance: land.gradientDistances,
                                               beta: land.beta))
        }
    }

    private func attempt(_ loop: TrainingLoop, _ body: () throws -> Void) {
        do { try body() } catch {
            if self.error == nil { self.error = error }
            loop.requestStop(reason: "measurement failed: \(error)")
        }
    }

    // MARK: - Initialisation

    /// Gradients of the untrained network on the first `initBatches` training batches (in order).
    private func measureInitialGradients(_ loop: TrainingLoop) throws {
        let snapshot = ModelSnapshot(of: loop.model)
        defer { snapshot.restore() }
        let middle = layers.count / 2
        var layerSums = [Double](repeating: 0, count: layers.count)
        var histogram = [Int](repeating: 0, count: GradientsStudy.histogramEdges.count - 1)
        var magnitudes: [Double] = []
        var kurtosisSum = 0.0
        let loader = BatchLoader(loop.train, normalization: loop.normalization, batchSize: config.batchSize)
        var batches = 0
        for batch in loader.batches().prefix(config.initBatches) {
            try GradientProbes.gradient(loop.model, batch)
            for (i, block) in layers.blocks.enumerated() { layerSums[i] += GradientProbes.norm(block.weight.grad) }
            let entries = layers.blocks[middle].weight.grad.data.map(Double.init)
            let stats = Self.moments(entries)
            kurtosisSum += stats.excessKurtosis
            for v in entries {
                let z = stats.rms > 0 ? v / stats.rms : 0
                magnitudes.append(abs(z))
                histogram[GradientsStudy.histogramBin(z)] += 1
            }
            batches += 1
        }
        magnitudes.sort()
        func quantile(_ q: Double) -> Double {
            magnitudes.isEmpty ? .nan : magnitudes[min(magnitudes.count - 1, Int((q * Double(magnitudes.count - 1)).rounded()))]
        }
        let n = Double(max(1, batches))
        initial = GradientsStudy.InitialGradients(
            depth: 0, batchNorm: false, seed: 0,   // filled in by the study, which knows them
            layerNorms: layerSums.map { $0 / n }, middleLayer: middle, histogram: histogram,
            medianAbs: quantile(0.5), p99Abs: quantile(0.99), kurtosis: kurtosisSum / n)
    }

    /// Root mean square and excess kurtosis E[(x − μ)⁴] / σ⁴ − 3.
    static func moments(_ x: [Double]) -> (rms: Double, excessKurtosis: Double) {
        guard !x.isEmpty else { return (0, .nan) }
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        var (m2, m4, sq) = (0.0, 0.0, 0.0)
        for v in x {
            let d = v - mean
            m2 += d * d
            m4 += d * d * d * d
            sq += v * v
        }
        m2 /= n; m4 /= n
        return ((sq / n).squareRoot(), m2 > 0 ? m4 / (m2 * m2) - 3 : .nan)
    }
}
