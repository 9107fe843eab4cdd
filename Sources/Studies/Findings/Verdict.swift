/// Whether a run's numbers agree with a paper's claim, by a rule the study states on its page.
public enum Verdict: String, Codable, Sendable {
    case agrees, differs, inconclusive
}
