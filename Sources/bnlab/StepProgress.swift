import Datasets
import Engine
import Foundation
import Training

/// `bnlab train`'s progress within an epoch on a terminal: a line redrawn every few steps with the
/// step, the running mean of this epoch's mini-batch losses, and the time.
final class StepProgress: TrainingObserver {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var epochStart = Date()
    private var lossSum = 0.0
    private var steps = 0
    private var lastDraw = Date.distantPast

    func didForward(_ loop: TrainingLoop, loss: Float, logits: Tensor, batch: Batch) {
        guard enabled else { return }
        if loop.stepInEpoch == 1 { epochStart = Date(); lossSum = 0; steps = 0 }
        lossSum += Double(loss)
        steps += 1
        // A few redraws a second are enough to look alive and cost nothing next to a step.
        guard Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        let perEpoch = (loop.train.count + loop.config.batchSize - 1) / loop.config.batchSize
        let line = String(format: "epoch %d/%d  step %d/%d  mean batch loss so far %.4f  %.1fs", loop.epoch, loop.config.epochs,
                          loop.stepInEpoch, perEpoch, lossSum / Double(steps), Date().timeIntervalSince(epochStart))
        let columns = ProgressReporter.terminalColumns() - 1
        FileHandle.standardError.write(Data(("\r" + String(line.prefix(columns)) + "\u{1B}[K").utf8))
    }

    func didEndEpoch(_ loop: TrainingLoop, summary: TrainingResult.Epoch) {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
