/// A layer was configured with arguments PyTorch would also reject, or named a layer that does not exist.
public enum LayerError: Error, Equatable, CustomStringConvertible {
    /// An argument is out of its valid range; `name` is the PyTorch parameter name.
    case invalidArgument(name: String, value: String, requirement: String)
    /// No child of a `Sequential` has this name or dotted path.
    case unknownLayer(String)
    /// A BatchNorm normalising with batch statistics got one value per channel (PyTorch's ValueError).
    case singleValuePerChannel(shape: [Int])

    public var description: String {
        switch self {
        case let .invalidArgument(name, value, requirement):
            "invalid \(name) = \(value): must be \(requirement)"
        case let .unknownLayer(path):
            "no layer named \"\(path)\""
        case let .singleValuePerChannel(shape):
            "Expected more than 1 value per channel when training, got input size \(shape)"
        }
    }
}

/// Throws unless an integer hyperparameter is at least 1.
func requirePositive(_ name: String, _ value: Int) throws(LayerError) {
    guard value > 0 else { throw .invalidArgument(name: name, value: "\(value)", requirement: "≥ 1") }
}
