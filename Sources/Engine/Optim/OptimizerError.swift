/// An optimizer hyperparameter that torch would also reject.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// A negative learning rate, momentum or weight decay.
    case invalidArgument(String, Float)
    /// Nesterov momentum needs momentum > 0 and dampening 0.
    case nesterovRequiresMomentum

    public var description: String {
        switch self {
        case let .invalidArgument(name, value): "invalid \(name) = \(value): must be ≥ 0"
        case .nesterovRequiresMomentum: "Nesterov momentum requires a momentum > 0 and zero dampening"
        }
    }
}
