import Datasets
import Engine

/// Drives a training run's learning rate (and momentum) by a schedule, stepping it as PyTorch's
/// examples do: after each `optimizer.step()` for per-batch schedules (one-cycle), after each
/// epoch for the others; `ReduceLROnPlateau` steps on the loss (mode min) or accuracy (mode max)
/// of a validation split held out from the training set. Records what the run used.
public final class ScheduleObserver: TrainingObserver {
    public let spec: ScheduleSpec
    /// The held-out images the plateau decisions are made on (evaluated after every epoch when given).
    public let validation: ImageSet?
    public private(set) var scheduler: (any LRScheduler)?
    /// Group 0's learning rate and momentum at every step taken, in order.
    public private(set) var learningRates: [Float] = []
    public private(set) var momenta: [Float] = []
    /// After every epoch (when a validation split is given): its loss and accuracy, in evaluation mode.
    public private(set) var validationLosses: [Float] = []
    public private(set) var validationAccuracies: [Float] = []
    /// Why the schedule could not be built or stepped (the run was then stopped), or nil.
    public private(set) var failure: String?
    private var groups: ScheduleGroups?

    /// `validation` is required by `plateau` (check with `spec.needsValidation` before training).
    public init(spec: ScheduleSpec, validation: ImageSet? = nil) {
        self.spec = spec
        self.validation = validation
    }

    public func trainingWillStart(_ loop: TrainingLoop) {
        let groups = ScheduleGroups(optimizer: loop.optimizer)
        self.groups = groups
        if spec.needsValidation && validation == nil {
            return fail(loop, "plateau needs a validation split")
        }
        let stepsPerEpoch = BatchLoader(loop.train, normalization: loop.normalization, batchSize: loop.config.batchSize).batchCount
        do {
            scheduler = try spec.make(groups: groups, epochs: loop.config.epochs, stepsPerEpoch: stepsPerEpoch)
            groups.apply(to: loop.optimizer)
        } catch {
            fail(loop, error.description)
        }
    }

    public func didBackward(_ loop: TrainingLoop) {
        learningRates.append(loop.optimizer.paramGroups[0].lr)
        momenta.append(loop.optimizer.paramGroups[0].momentum)
    }

    public func didStep(_ loop: TrainingLoop) {
        if spec.interval == .batch { advance(loop, metric: nil) }
    }

    public func didEndEpoch(_ loop: TrainingLoop, summary: TrainingResult.Epoch) {
        var metric: Double?
        if let validation {
            let evaluation = (try? Evaluator(batchSize: 1000).evaluate(loop.model, on: validation, normalization: loop.normalization))
                ?? (loss: .nan, accuracy: 0)
            loop.model.train()   // the evaluator leaves the model in evaluation mode
            validationLosses.append(evaluation.loss)
            validationAccuracies.append(evaluation.accuracy)
            metric = Double(spec.options["mode"] == "max" ? evaluation.accuracy : evaluation.loss)
        }
        if spec.interval == .epoch { advance(loop, metric: metric) }
    }

    private func advance(_ loop: TrainingLoop, metric: Double?) {
        guard let scheduler, let groups, failure == nil else { return }
        do {
            try scheduler.step(metric: metric)
            groups.apply(to: loop.optimizer)
        } catch {
            fail(loop, "\(spec.name.rawValue): \(error.description)")
        }
    }

    private func fail(_ loop: TrainingLoop, _ reason: String) {
        if failure == nil { failure = reason }
        loop.requestStop(reason: "schedule: \(reason)")
    }
}
