/// What reproduces one study: the command that runs it alone with the run's configuration, and its
/// wall time (template: `{{#reproduce}}…{{/reproduce}}`).
public struct ReproduceView: Sendable {
    public var command: String
    public var time: String
}
