import Datasets
import Engine
import Training

/// Watches Ioffe & Szegedy's MLP: at each capture step (after that step's update; 0 before the
/// first), one pass over a fixed probe of test images in training mode, as the network sees a batch
/// while it trains (BN normalises with the probe's statistics), with forward hooks on the three
/// sigmoids; then the probe's accuracy in evaluation mode. BN's running statistics are put back
/// afterwards, so the run is the run it would have been unobserved.
final class MLPProbeRecorder: TrainingObserver {
    let captureSteps: Set<Int>
    let probe: Batch
    let trackedUnits: [Int]
    /// The last hidden layer's sigmoid: Ioffe's "typical sigmoid".
    let lastHidden = "sigmoid\(ModelSpec.mlpHiddenLayers)"

    private(set) var steps: [Int] = []
    private(set) var accuracy: [Float] = []
    /// [capture][unit][15, 50, 85]: every unit of the last hidden layer (reduced after the run).
    private(set) var percentiles: [[[Float]]] = []
    private(set) var layers = (1...ModelSpec.mlpHiddenLayers).map { ActivationsStudy.LayerTrace(layer: "fc\($0)", saturatedFraction: []) }
    private(set) var error: (any Error)?

    init(captureSteps: [Int], probe: Batch, trackedUnits: [Int]) {
        self.captureSteps = Set(captureSteps)
        self.probe = probe
        self.trackedUnits = trackedUnits
    }

    func trainingWillStart(_ loop: TrainingLoop) { if captureSteps.contains(0) { capture(loop) } }

    func didStep(_ loop: TrainingLoop) { if captureSteps.contains(loop.step) { capture(loop) } }

    private func capture(_ loop: TrainingLoop) {
        guard error == nil else { return }
        do { try measure(loop) } catch {
            self.error = error
            loop.requestStop(reason: "activation capture failed: \(error)")
        }
    }

    private func measure(_ loop: TrainingLoop) throws {
        let model = loop.model
        let snapshot = ModelSnapshot(of: model)
        defer { snapshot.restore() }
        var handles: [HookHandle] = []
        defer { for h in handles { h.remove() } }
        var unitPercentiles: [[Float]] = []
        for (k, _) in layers.enumerated() {
            let name = "sigmoid\(k + 1)"
            handles.append(try model.registerForwardHook(name) { [self] call in
                // the sigmoid's input: BN's output (with γ and β) in the BN arm, the linear layer's otherwise
                layers[k].quantiles.append(call.input.data.withUnsafeBufferPointer {
                    ActivationStatistics.quantiles($0, percents: ActivationStatistics.tensorBoardPercentiles)
                })
                layers[k].saturatedFraction?.append(ActivationStatistics.saturatedFraction(sigmoidOutput: call.output))
                layers[k].steps.append(loop.step)
                if name == lastHidden {
                    unitPercentiles = ActivationStatistics.unitQuantiles(call.input, percents: ActivationStatistics.ioffePercentiles)
                }
            })
        }
        model.train()
        var logits = GradientMode.disabled { model.forward(probe.images) }
        for h in handles { h.remove() }
        handles = []
        if model.allModules().contains(where: { $0 is BatchNorm }) {
            snapshot.restore()
            model.eval()
            logits = GradientMode.disabled { model.forward(probe.images) }
            model.train()
        }
        steps.append(loop.step)
        accuracy.append(Float(Engine.accuracy(logits: logits, labels: probe.labels)) / Float(max(1, probe.count)))
        percentiles.append(unitPercentiles)
    }
}
