import Datasets
import Engine
import Training

/// Watches the ConvNet the way TensorBoard's histograms do: at each capture step, forward hooks read
/// that step's training batch as the network processes it (training mode), and reduce it at once
/// to quantiles, per-channel moments and dead-unit fractions. The hooks are registered for the
/// capture steps alone, so the other steps keep their fused conv/BN + ReLU kernels. It also takes
/// the capture images' feature maps before the first step (BN's statistics put back afterwards).
final class ConvNetBatchRecorder: TrainingObserver {
    let captureSteps: Set<Int>
    let probes: [FeatureMapCapture.Probe]
    /// The capture images (normalised) whose maps are taken at initialisation.
    let mapImages: Tensor?

    private(set) var layers: [ActivationsStudy.LayerTrace]
    private(set) var initialMaps: [FeatureMaps] = []
    private(set) var error: (any Error)?
    private var handles: [HookHandle] = []

    init(captureSteps: [Int], probes: [FeatureMapCapture.Probe], mapImages: Tensor?) {
        self.captureSteps = Set(captureSteps)
        self.probes = probes
        self.mapImages = mapImages
        layers = probes.map { ActivationsStudy.LayerTrace(layer: $0.convolution, channelMean: [], channelStd: [], deadFraction: []) }
    }

    func trainingWillStart(_ loop: TrainingLoop) {
        attempt(loop) {
            if let mapImages {
                // Batch statistics of the capture images, as BN normalises in training; its running
                // statistics are PyTorch's placeholders (0 and 1) until the first step.
                let snapshot = ModelSnapshot(of: loop.model)
                defer { snapshot.restore() }
                initialMaps = try FeatureMapCapture.capture(loop.model, images: mapImages, probes: probes)
            }
            if captureSteps.contains(1) { try attach(loop) }
        }
    }

    func didForward(_ loop: TrainingLoop, loss: Float, logits: Tensor, batch: Batch) { detach() }

    func didStep(_ loop: TrainingLoop) {
        if captureSteps.contains(loop.step + 1) { attempt(loop) { try attach(loop) } }
    }

    private func attempt(_ loop: TrainingLoop, _ body: () throws -> Void) {
        guard error == nil else { return }
        do { try body() } catch {
            self.error = error
            loop.requestStop(reason: "activation capture failed: \(error)")
        }
    }

    /// Hooks on each convolution (its output is the BN input) and its ReLU (its input is the pre-activation).
    private func attach(_ loop: TrainingLoop) throws {
        let model = loop.model
        for (k, probe) in probes.enumerated() {
            handles.append(try model.registerForwardHook(probe.convolution) { [self] call in
                let (mean, std) = ActivationStatistics.channelMoments(call.output)
                layers[k].channelMean?.append(mean)
                layers[k].channelStd?.append(std)
            })
            handles.append(try model.registerForwardHook(probe.activation) { [self] call in
                layers[k].steps.append(loop.step)
                layers[k].quantiles.append(call.input.data.withUnsafeBufferPointer {
                    ActivationStatistics.quantiles($0, percents: ActivationStatistics.tensorBoardPercentiles)
                })
                layers[k].deadFraction?.append(ActivationStatistics.deadFraction(reluInput: call.input))
            })
        }
    }

    private func detach() {
        for h in handles { h.remove() }
        handles = []
    }
}
