import Foundation

extension TrainingResult {
    /// How the run ended, in a few words: "test accuracy 81.2%", or "diverged at step 13".
    public var summary: String {
        if let step = divergedAtStep { return "diverged at step \(step)" }
        var s = String(format: "test accuracy %.1f%%", testAccuracy * 100)
        if let step = stoppedAtStep { s += " (stopped at step \(step))" }
        return s
    }
}
