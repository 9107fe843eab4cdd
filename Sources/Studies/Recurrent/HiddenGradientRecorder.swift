import Datasets
import Engine
import Foundation
import Training

/// Watches a recurrent network's gradients through time, ‖∂L/∂h_t‖ for t = 1…T, through
/// `SequenceRNN.hiddenGradientObserver`: at initialisation (averaged over the first batches, with
/// the model put back exactly as it was, running statistics included) and late in training (the
/// mean over the last `lateSteps` steps). Observing changes nothing in the run.
final class HiddenGradientRecorder: TrainingObserver {
    let initBatches: Int
    let batchSize: Int
    let lateSteps: Int
    /// Stop the run once the gradients at initialisation are measured (no training).
    let stopAfterInit: Bool

    /// ‖∂L/∂h_t‖ at initialisation, t = 1…T (Frobenius norm over the batch, mean over batches).
    private(set) var initial: [Double] = []
    /// The last `lateSteps` steps' ‖∂L/∂h_t‖.
    private var late: [[Double]] = []
    private var current: [Double] = []
    private(set) var error: (any Error)?

    init(initBatches: Int, batchSize: Int, lateSteps: Int = 20, stopAfterInit: Bool = false) {
        self.initBatches = initBatches
        self.batchSize = batchSize
        self.lateSteps = lateSteps
        self.stopAfterInit = stopAfterInit
    }

    /// The mean over the recorded late steps, t = 1…T.
    var lateMean: [Double] {
        guard let n = late.first?.count else { return [] }
        return (0..<n).map { t in late.map { $0[t] }.reduce(0, +) / Double(late.count) }
    }

    func trainingWillStart(_ loop: TrainingLoop) {
        guard let rnn = loop.model.layers.first?.1 as? SequenceRNN else {
            error = ConfigError(key: "model", message: "the gradient-through-time recorder needs a recurrent network")
            loop.requestStop(reason: "not a recurrent network")
            return
        }
        current = Array(repeating: 0, count: rnn.steps)
        rnn.hiddenGradientObserver = { [unowned self] t, dh in
            var s = 0.0
            for v in dh.data { s += Double(v) * Double(v) }
            current[t - 1] = s.squareRoot()
        }
        do {
            let snapshot = ModelSnapshot(of: loop.model)
            defer { snapshot.restore() }
            var sums = [Double](repeating: 0, count: rnn.steps), batches = 0
            let loader = BatchLoader(loop.train, normalization: loop.normalization, batchSize: batchSize)
            for batch in loader.batches().prefix(initBatches) {
                for p in loop.model.parameters() { p.grad.zero() }
                let logits = loop.model.forward(batch.images)
                let (_, dLogits) = try crossEntropy(logits: logits, labels: batch.labels)
                _ = loop.model.backward(dLogits)
                for t in sums.indices { sums[t] += current[t] }
                batches += 1
            }
            initial = sums.map { $0 / Double(max(1, batches)) }
        } catch {
            self.error = error
            loop.requestStop(reason: "measurement failed: \(error)")
        }
        if stopAfterInit { loop.requestStop(reason: "gradients at initialisation measured") }
    }

    func didBackward(_ loop: TrainingLoop) {
        late.append(current)
        if late.count > lateSteps { late.removeFirst() }
    }
}
