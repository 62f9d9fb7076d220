import Foundation

/// A Swift value that can be sent as a statement parameter in PostgreSQL's text format.
///
/// Parameters always travel separately from the statement (PQexecParams), so no value is ever spliced into SQL.
public protocol PostgresBindable: Sendable {
    var postgresText: String { get }
}

extension String: PostgresBindable {
    public var postgresText: String { self }
}

extension Int: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Int64: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Int32: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Bool: PostgresBindable {
    public var postgresText: String { self ? "t" : "f" }
}

extension Double: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Date: PostgresBindable {
    /// UTC with microseconds, the precision of `timestamptz`.
    public var postgresText: String { PostgresTimestamp.format(self) }
}

extension Array: PostgresBindable where Element == String {
    /// A `text[]` literal with every element quoted, so commas, quotes and backslashes in values are safe.
    public var postgresText: String {
        let elements = self.map { element -> String in
            var quoted = "\""
            for character in element {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return quoted + "\""
        }
        return "{" + elements.joined(separator: ",") + "}"
    }
}
