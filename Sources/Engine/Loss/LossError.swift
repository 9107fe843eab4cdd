/// The labels given to a loss do not fit the logits.
public enum LossError: Error, Equatable, CustomStringConvertible {
    /// `logits` is not `[N, K]` or `labels` does not hold N entries.
    case shapeMismatch(logits: [Int], labels: Int)
    /// A label outside `0..<K`.
    case labelOutOfRange(label: Int32, classes: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(logits, labels): "cross-entropy: logits \(logits) vs \(labels) labels"
        case let .labelOutOfRange(label, classes): "cross-entropy: label \(label) not in 0..<\(classes)"
        }
    }
}
