/// Why a JSON text could not be read, with the byte offset where reading stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var reason: String
    public var description: String { "\(reason) at byte \(offset)" }
}

extension JSONValue {
    /// Parses JSON text strictly (RFC 8259, but see `allowsLeadingZeros`); object keys keep the order they had
    /// in the text, and a repeated key overrides the earlier value in the earlier place.
    public static func parse(_ data: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: Array(data), builder: ControlJSONBuilder())
        do {
            return try reader.readDocument()
        } catch {
            throw JSONParseError(error)
        }
    }
}

/// Builds `JSONValue`s: ordered members, integers as `Int64` when they fit, every other number as `Double`.
private struct ControlJSONBuilder: JSONBuilder {
    /// Control requests and reports nest a few levels; hotlinectl's `--json` documents more.
    static let maximumDepth = 64
    /// The control socket's reader always accepted them; refusing now could break a script that sends them.
    static let allowsLeadingZeros = true

    func makeNull() -> JSONValue { .null }
    func makeBool(_ value: Bool) -> JSONValue { .bool(value) }

    func makeNumber(_ text: ArraySlice<UInt8>, isInteger: Bool) -> JSONValue? {
        let text = String(decoding: text, as: UTF8.self)
        if isInteger, let value = Int64(text) { return .int(value) }
        return Double(text).map(JSONValue.double)
    }

    func makeString(_ value: String) -> JSONValue { .string(value) }
    func makeArray(_ elements: [JSONValue]) -> JSONValue { .array(elements) }
    func makeMembers() -> [(String, JSONValue)] { [] }

    func refusal(ofKey key: String, in members: [(String, JSONValue)]) -> JSONSyntaxError.Reason? { nil }

    func add(key: String, value: JSONValue, to members: inout [(String, JSONValue)]) {
        if let existing = members.firstIndex(where: { $0.0 == key }) {
            members[existing].1 = value
        } else {
            members.append((key, value))
        }
    }

    func makeObject(_ members: [(String, JSONValue)]) -> JSONValue { .object(members) }
}

extension JSONParseError {
    /// The control protocol's wording, which reaches hotlinectl users and scripts.
    init(_ error: JSONSyntaxError) {
        var offset = error.offset
        let reason: String
        switch error.reason {
        case .empty, .unexpectedEnd, .expectedCommaOrBrace(atEnd: true), .expectedCommaOrBracket(atEnd: true):
            reason = "unexpected end of input"
        case .expectedValue: reason = "unexpected character"
        case .trailingText: reason = "unexpected text after the JSON value"
        case .tooDeep: reason = "nesting deeper than \(ControlJSONBuilder.maximumDepth)"
        case .expectedKey: reason = "expected a key"
        case .expectedColon: reason = "expected ':'"
        case .expectedCommaOrBrace: reason = "expected ',' or '}'"
        case .expectedCommaOrBracket: reason = "expected ',' or ']'"
        case .expectedDigit, .leadingZero, .unrepresentableNumber: reason = "bad number"
        case .unterminatedString: reason = "unterminated string"
        case .controlCharacterInString: reason = "control character in string"
        case .invalidEscape: reason = "bad escape"
        case .expectedHexDigits(let start):
            offset = start
            reason = "bad \\u escape"
        case .unpairedSurrogate: reason = "unpaired surrogate"
        case .invalidUTF8: reason = "invalid UTF-8"
        case .duplicateKey(let key): reason = "duplicate key \"\(key)\""
        }
        self.init(offset: offset, reason: reason)
    }
}
