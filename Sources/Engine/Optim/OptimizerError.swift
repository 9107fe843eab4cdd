/// An optimizer argument that torch would also reject.
public enum OptimizerError: Error, Equatable, CustomStringConvertible {
    /// A negative learning rate, momentum or weight decay.
    case invalidArgument(String, Float)
    /// Nesterov momentum needs momentum > 0 and dampening 0.
    case nesterovRequiresMomentum
    /// No parameters (or no groups) to optimize.
    case emptyParameterList
    /// A parameter was given in more than one parameter group.
    case parameterInSeveralGroups

    public var description: String {
        switch self {
        case let .invalidArgument(name, value): "invalid \(name) = \(value): must be ≥ 0"
        case .nesterovRequiresMomentum: "Nesterov momentum requires a momentum > 0 and zero dampening"
        case .emptyParameterList: "optimizer got an empty parameter list"
        case .parameterInSeveralGroups: "some parameters appear in more than one parameter group"
        }
    }
}
