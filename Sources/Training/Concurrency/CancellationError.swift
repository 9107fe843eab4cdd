/// The user interrupted the work (Ctrl-C): long loops check for it and stop.
public struct CancellationError: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "interrupted" }
}
