/// A table cell that may be flagged (a failed run, a regression).
public struct CellView: Sendable {
    public var text: String
    public var flagged: Bool
    public init(text: String, flagged: Bool) { self.text = text; self.flagged = flagged }
}
