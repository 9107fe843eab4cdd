/// The datasets bnlab can train on, by the name the command line uses.
public enum DatasetName: String, CaseIterable, Sendable, Codable {
    case fashionMNIST = "fashion-mnist"
    case cifar10 = "cifar10"
    case synthetic

    /// The name for reports, e.g. "Fashion-MNIST".
    public var displayName: String {
        switch self {
        case .fashionMNIST: "Fashion-MNIST"
        case .cifar10: "CIFAR-10"
        case .synthetic: "Synthetic gratings"
        }
    }
}
