import Training
/// One headline number of a run, named stably so tonight's can be compared with a baseline's.
public struct Metric: Codable, Sendable, Equatable {
    /// What kind of quantity it is: decides the comparison tolerance and formatting.
    public enum Unit: String, Codable, Sendable {
        case accuracy        // a fraction in [0, 1]; compared with an absolute tolerance
        case learningRate    // compared relatively
        case ratio
        case decades
        case seconds         // compared relatively, with the time tolerance
        case number
    }

    /// Which direction is an improvement (`neither`: informational, never a regression).
    public enum Better: String, Codable, Sendable {
        case higher, lower, neither
    }

    /// Stable dotted identifier, e.g. `lr-sweep.depth2.bn.best_accuracy`.
    public var id: String
    /// Human-readable name, e.g. "Best test accuracy, depth 2, with BN".
    public var label: String
    /// The value; nil when undefined (e.g. no learning rate trained).
    public var value: Double?
    public var unit: Unit
    public var better: Better

    public init(id: String, label: String, value: Double?, unit: Unit, better: Better) {
        self.id = id
        self.label = label
        self.value = value
        self.unit = unit
        self.better = better
    }
}
