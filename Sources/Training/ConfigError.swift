/// A configuration value that is out of range, with the key that names it.
public struct ConfigError: Error, CustomStringConvertible, Equatable {
    public var key: String
    public var message: String
    public init(key: String, message: String) { self.key = key; self.message = message }
    public var description: String { "\(key): \(message)" }
}
