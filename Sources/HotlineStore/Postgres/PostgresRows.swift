import Foundation

/// The rows of a statement's result, copied out of libpq into plain Swift values.
public struct PostgresRows: Sendable, Sequence {
    public let columns: [String]
    let values: [[String?]]
    /// Rows inserted, updated or deleted, for commands (`PQcmdTuples`).
    public let affectedRows: Int

    public var count: Int { values.count }
    public var isEmpty: Bool { values.isEmpty }
    public var first: PostgresRow? { values.isEmpty ? nil : self[0] }

    public subscript(index: Int) -> PostgresRow {
        PostgresRow(columns: columns, values: values[index])
    }

    public func makeIterator() -> some IteratorProtocol<PostgresRow> {
        values.lazy.map { PostgresRow(columns: columns, values: $0) }.makeIterator()
    }
}

/// One row; columns are read by name and decoded to the Swift type asked for.
public struct PostgresRow: Sendable {
    let columns: [String]
    let values: [String?]

    /// The text of a column, nil for SQL NULL.
    public func raw(_ column: String) throws -> String? {
        guard let index = columns.firstIndex(of: column) else {
            throw PostgresDecodingError(column: column, reason: "no such column in the result (have: \(columns))")
        }
        return values[index]
    }

    public func decode<T: PostgresDecodable>(
        _ column: String,
        as type: T.Type = T.self
    ) throws -> T {
        guard let text = try raw(column) else {
            throw PostgresDecodingError(column: column, reason: "is NULL, expected \(T.self)")
        }
        guard let value = T(postgresText: text) else {
            throw PostgresDecodingError(column: column, reason: "cannot decode \(T.self) from '\(text)'")
        }
        return value
    }

    public func decodeIfPresent<T: PostgresDecodable>(
        _ column: String,
        as type: T.Type = T.self
    ) throws -> T? {
        guard let text = try raw(column) else { return nil }
        guard let value = T(postgresText: text) else {
            throw PostgresDecodingError(column: column, reason: "cannot decode \(T.self) from '\(text)'")
        }
        return value
    }
}

public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
    public var column: String
    public var reason: String
    public var description: String { "column \(column): \(reason)" }
}

/// A Swift type that can be read from PostgreSQL's text output format.
public protocol PostgresDecodable {
    init?(postgresText: String)
}

extension String: PostgresDecodable {
    public init?(postgresText: String) { self = postgresText }
}

extension Int: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Int64: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Double: PostgresDecodable {
    public init?(postgresText: String) { self.init(postgresText) }
}

extension Bool: PostgresDecodable {
    public init?(postgresText: String) {
        switch postgresText {
        case "t", "true": self = true
        case "f", "false": self = false
        default: return nil
        }
    }
}

extension Date: PostgresDecodable {
    public init?(postgresText: String) {
        guard let date = PostgresTimestamp.parse(postgresText) else { return nil }
        self = date
    }
}

extension Array: PostgresDecodable where Element == String {
    /// Parses a one-dimensional `text[]` in PostgreSQL's output syntax (`{a,"b c","d\"e"}`).
    public init?(postgresText: String) {
        guard postgresText.hasPrefix("{"), postgresText.hasSuffix("}") else { return nil }
        let body = postgresText.dropFirst().dropLast()
        var elements: [String] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var escaped = false
        for character in body {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                wasQuoted = true
            } else if character == "," && !quoted {
                elements.append(current)
                current = ""
                wasQuoted = false
            } else {
                current.append(character)
            }
        }
        if !body.isEmpty || wasQuoted { elements.append(current) }
        self = elements
    }
}
