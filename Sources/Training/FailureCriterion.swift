import Foundation

/// When a run "failed to train"; the report states this criterion.
public enum FailureCriterion {
    /// The criterion in words.
    public static let statement = """
        A run failed to train when its loss became non-finite or exceeded 1,000, when its final training \
        loss ended above its initial value, or when its training accuracy ended at or below chance + 5 points.
        """

    /// Why `result` failed to train, or nil if it trained.
    public static func reason(_ result: TrainingResult, classes: Int) -> String? {
        if let step = result.divergedAtStep { return "diverged at step \(step)" }
        if !(result.finalLoss <= result.initialLoss) {
            // Enough digits to show the difference; when even they agree, say it in words.
            let final = String(format: "%.4g", result.finalLoss), initial = String(format: "%.4g", result.initialLoss)
            return final == initial ? "loss did not decrease (final \(final), as initial)"
                : "final loss \(final) above initial \(initial)"
        }
        let chance = 1 / Float(classes)
        if result.trainAccuracy <= chance + 0.05 {
            return String(format: "training accuracy %.1f%% at chance", result.trainAccuracy * 100)
        }
        return nil
    }
}
