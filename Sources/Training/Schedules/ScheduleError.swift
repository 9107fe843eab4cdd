/// Why a scheduler could not be built or stepped, in PyTorch's words where PyTorch has them.
public enum ScheduleError: Error, CustomStringConvertible, Equatable {
    /// A constructor argument out of range: the argument's PyTorch name and what is wrong.
    case invalidArgument(String, String)
    /// `OneCycleLR` stepped past its `total_steps` (PyTorch raises `ValueError`).
    case steppedPastEnd(step: Int, totalSteps: Int)
    /// `ReduceLROnPlateau.step` called without the metric it decides on.
    case missingMetric
    /// Schedulers combined by `SequentialLR` drive different parameter groups.
    case differentGroups

    public var description: String {
        switch self {
        case let .invalidArgument(name, message): "\(name): \(message)"
        case let .steppedPastEnd(step, total):
            "Tried to step \(step) times. The specified number of total steps is \(total)"
        case .missingMetric: "ReduceLROnPlateau steps on a metric: call step(metric:)"
        case .differentGroups: "SequentialLR expects all schedulers to belong to the same optimizer"
        }
    }
}
