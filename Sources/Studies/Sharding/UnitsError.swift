/// Units that cannot be used together: missing, duplicated, or of another run.
public struct UnitsError: Error, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// Unit ids for a one-line message: the first `limit`, then how many more.
    static func list(_ ids: [UnitID], limit: Int = 20) -> String {
        let shown = ids.prefix(limit).map { "'\($0)'" }.joined(separator: ", ")
        return ids.count > limit ? shown + " and \(ids.count - limit) more" : shown
    }
}
