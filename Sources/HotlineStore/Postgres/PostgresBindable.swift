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
    public var postgresText: String { map(Optional.some).postgresArrayLiteral }
}

/// A `text[]` whose elements may be NULL.
public struct PostgresTextArray: PostgresBindable {
    public var elements: [String?]

    public init(_ elements: [String?]) {
        self.elements = elements
    }

    public var postgresText: String { elements.postgresArrayLiteral }
}

extension Array where Element == String? {
    /// Built as bytes: the ingest sends thousands of elements a batch, and appending Characters to a String cost
    /// more than PostgreSQL's parsing of the result (measured).
    fileprivate var postgresArrayLiteral: String {
        var literal: [UInt8] = [UInt8(ascii: "{")]
        literal.reserveCapacity(reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, element) in enumerated() {
            if index > 0 { literal.append(UInt8(ascii: ",")) }
            guard let element else {
                literal.append(contentsOf: "NULL".utf8)
                continue
            }
            literal.append(UInt8(ascii: "\""))
            // An element without quotes or backslashes (nearly all) is copied whole rather than byte by byte.
            let copied =
                element.utf8.withContiguousStorageIfAvailable { utf8 in
                    guard !utf8.contains(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                        return false
                    }
                    literal.append(contentsOf: utf8)
                    return true
                } ?? false
            if !copied {
                for byte in element.utf8 {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { literal.append(UInt8(ascii: "\\")) }
                    literal.append(byte)
                }
            }
            literal.append(UInt8(ascii: "\""))
        }
        literal.append(UInt8(ascii: "}"))
        return String(decoding: literal, as: UTF8.self)
    }
}
