/// An item of the findings box: an optional bold lead ("ConvNet (depth 2)") and its sentences.
public struct FindingSentence: Sendable {
    public var lead: String?
    public var text: String
    public init(lead: String?, text: String) { self.lead = lead; self.text = text }
}
