/// What reproduces one study: the command, the study's part of the config as a `--config` file,
/// and its wall time (template: `{{#reproduce}}…{{/reproduce}}`).
public struct ReproduceView: Sendable {
    public var command: String
    public var configJSON: String
    public var time: String
}
