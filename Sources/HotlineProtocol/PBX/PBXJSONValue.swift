/// A JSON value read by a strict RFC 8259 parser.
///
/// The PBX socket decides idempotency by `id`, so a line must mean exactly one thing. Foundation's readers on
/// Linux do not guarantee that: both accept trailing commas, JSONDecoder keeps the first of two duplicate keys
/// while JSONSerialization keeps the last, and neither tells `1` from `1.0`. This parser refuses all of those.
/// (The control socket's order-keeping `JSONValue` lets a repeated key override; PBX lines must not.)
enum PBXJSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's text exactly as written, so integers and fractions stay distinguishable.
    case number(String)
    case string(String)
    case array([PBXJSONValue])
    case object([String: PBXJSONValue])

    /// The name of the value's JSON type, for messages ("must be a string, got number").
    var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// The value when it is a number written as an integer (no fraction, no exponent) that fits in `Int`.
    var integerValue: Int? {
        guard case .number(let text) = self else { return nil }
        return Int(text)
    }

    /// Parses one JSON text (a whole line without its newline); surrounding whitespace is allowed.
    static func parse(_ bytes: some Collection<UInt8>) throws(PBXJSONSyntaxError) -> PBXJSONValue {
        let array = Array(bytes)
        // The whole line must be UTF-8, outside strings too: checked first, so that a bad byte is refused the same
        // way wherever it is and whatever else is wrong with the line.
        do {
            _ = try UTF8Span(validating: array.span)
        } catch {
            throw PBXJSONSyntaxError(offset: nil, message: "not valid UTF-8")
        }
        var reader = JSONReader(bytes: array, builder: PBXJSONBuilder())
        do {
            return try reader.readDocument()
        } catch {
            throw PBXJSONSyntaxError(error)
        }
    }
}

/// Why a text is not JSON, with the byte offset where reading stopped.
struct PBXJSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    var offset: Int?
    var message: String

    var description: String {
        guard let offset else { return message }
        return "\(message) at byte \(offset)"
    }
}

/// Builds `PBXJSONValue`s: numbers keep their text, objects are dictionaries, and a repeated key is refused.
private struct PBXJSONBuilder: JSONBuilder {
    /// Deeper nesting than any PBX event needs.
    static let maximumDepth = 32
    static let allowsLeadingZeros = false

    func makeNull() -> PBXJSONValue { .null }
    func makeBool(_ value: Bool) -> PBXJSONValue { .bool(value) }

    func makeNumber(_ text: ArraySlice<UInt8>, isInteger: Bool) -> PBXJSONValue? {
        .number(String(decoding: text, as: UTF8.self))
    }

    func makeString(_ value: String) -> PBXJSONValue { .string(value) }
    func makeArray(_ elements: [PBXJSONValue]) -> PBXJSONValue { .array(elements) }
    /// Room for an event's usual dozen fields at once: growing step by step cost a tenth of the parse.
    func makeMembers() -> [String: PBXJSONValue] { Dictionary(minimumCapacity: 12) }

    func refusal(ofKey key: String, in members: [String: PBXJSONValue]) -> JSONSyntaxError.Reason? {
        members[key] == nil ? nil : .duplicateKey(key)
    }

    func add(key: String, value: PBXJSONValue, to members: inout [String: PBXJSONValue]) {
        members[key] = value
    }

    func makeObject(_ members: [String: PBXJSONValue]) -> PBXJSONValue { .object(members) }
}

extension PBXJSONSyntaxError {
    /// The PBX protocol's wording, which adapters see in `malformed_json` acks.
    init(_ error: JSONSyntaxError) {
        var offset: Int? = error.offset
        let message: String
        switch error.reason {
        case .empty:
            offset = nil
            message = "empty line"
        case .unexpectedEnd: message = "unexpected end of line"
        case .expectedValue, .unrepresentableNumber: message = "expected a JSON value"
        case .trailingText: message = "unexpected text after the JSON value"
        case .tooDeep: message = "nested deeper than \(PBXJSONBuilder.maximumDepth) levels"
        case .expectedKey: message = "expected a key"
        case .expectedColon: message = "expected ':'"
        case .expectedCommaOrBrace: message = "expected ',' or '}'"
        case .expectedCommaOrBracket: message = "expected ',' or ']'"
        case .expectedDigit(.integer): message = "expected a digit"
        case .expectedDigit(.fraction): message = "expected a digit after '.'"
        case .expectedDigit(.exponent): message = "expected a digit in the exponent"
        case .leadingZero: message = "leading zero in a number"
        case .unterminatedString: message = "unterminated string"
        case .controlCharacterInString: message = "unescaped control character in a string"
        case .invalidEscape(let byte): message = "invalid escape '\\\(Character(Unicode.Scalar(byte)))'"
        case .expectedHexDigits: message = "expected 4 hex digits after \\u"
        case .unpairedSurrogate: message = "unpaired surrogate in \\u escape"
        case .invalidUTF8:
            offset = nil
            message = "not valid UTF-8"
        case .duplicateKey(let key): message = "duplicate key \"\(key)\""
        }
        self.init(offset: offset, message: message)
    }
}
