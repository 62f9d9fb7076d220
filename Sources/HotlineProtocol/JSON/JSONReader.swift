/// The one strict RFC 8259 reader of the module: whitespace, literals, numbers, strings (escapes, surrogate
/// pairs, UTF-8), nesting limit and error offsets live here once. What the values become is the builder's
/// business, because the control socket and the PBX socket want different values from the same grammar (see
/// `JSONValue` and `PBXJSONValue`).
protocol JSONBuilder {
    associatedtype Value
    /// An object's members while it is being read.
    associatedtype Members

    /// Deepest nesting of arrays and objects accepted; the limit keeps hostile input from exhausting the stack.
    static var maximumDepth: Int { get }
    /// Whether `01` reads as a number; RFC 8259 says no, but the control socket has always accepted it.
    static var allowsLeadingZeros: Bool { get }

    func makeNull() -> Value
    func makeBool(_ value: Bool) -> Value
    /// `text` is the number exactly as written and matches the RFC's grammar; `isInteger` when it has neither
    /// fraction nor exponent. Returns `nil` when the builder cannot represent it.
    func makeNumber(_ text: ArraySlice<UInt8>, isInteger: Bool) -> Value?
    func makeString(_ value: String) -> Value
    func makeArray(_ elements: [Value]) -> Value
    func makeMembers() -> Members
    /// Asked for each key before its value is read, so that a refusal points at the key; `nil` accepts it.
    func refusal(ofKey key: String, in members: Members) -> JSONSyntaxError.Reason?
    func add(key: String, value: Value, to members: inout Members)
    func makeObject(_ members: Members) -> Value
}

/// Why a text is not JSON, where reading stopped. Each side words the reason its own way, because its
/// messages are part of its protocol (`JSONParseError`, `PBXJSONSyntaxError`).
struct JSONSyntaxError: Error, Equatable {
    enum Reason: Equatable {
        /// Nothing but whitespace.
        case empty
        /// The text ended where a value was expected.
        case unexpectedEnd
        /// A byte that cannot start a value, or a misspelt `true`, `false` or `null`.
        case expectedValue
        case trailingText
        case tooDeep
        case expectedKey
        case expectedColon
        /// After an object member; `atEnd` when the text ended there.
        case expectedCommaOrBrace(atEnd: Bool)
        /// After an array element; `atEnd` when the text ended there.
        case expectedCommaOrBracket(atEnd: Bool)
        case expectedDigit(NumberPart)
        case leadingZero
        case unrepresentableNumber
        case unterminatedString
        case controlCharacterInString
        /// The byte after a backslash.
        case invalidEscape(UInt8)
        /// `start` is where the four digits should begin; the error's offset is the first bad one.
        case expectedHexDigits(start: Int)
        case unpairedSurrogate
        /// The error's offset is the start of the run of string bytes that is not UTF-8.
        case invalidUTF8
        case duplicateKey(String)
    }

    enum NumberPart: Equatable {
        case integer, fraction, exponent
    }

    var offset: Int
    var reason: Reason
}

/// A recursive-descent reader over a byte array, generic so that each builder gets its own specialized copy.
struct JSONReader<Builder: JSONBuilder> {
    private let bytes: [UInt8]
    private let builder: Builder
    private var index = 0
    private var depth = 0

    init(bytes: [UInt8], builder: Builder) {
        self.bytes = bytes
        self.builder = builder
    }

    /// Reads one JSON text; whitespace around the value is allowed, anything else after it is not.
    mutating func readDocument() throws(JSONSyntaxError) -> Builder.Value {
        skipWhitespace()
        guard index < bytes.count else { throw error(.empty) }
        let value = try readValue()
        skipWhitespace()
        guard index == bytes.count else { throw error(.trailingText) }
        return value
    }

    private func error(_ reason: JSONSyntaxError.Reason) -> JSONSyntaxError {
        JSONSyntaxError(offset: index, reason: reason)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func readValue() throws(JSONSyntaxError) -> Builder.Value {
        guard index < bytes.count else { throw error(.unexpectedEnd) }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject()
        case UInt8(ascii: "["): return try readArray()
        case UInt8(ascii: "\""): return builder.makeString(try readString())
        case UInt8(ascii: "t") where skip("true"): return builder.makeBool(true)
        case UInt8(ascii: "f") where skip("false"): return builder.makeBool(false)
        case UInt8(ascii: "n") where skip("null"): return builder.makeNull()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw error(.expectedValue)
        }
    }

    /// Steps over `word` when the text continues with it; compares bytes in place, without allocating.
    private mutating func skip(_ word: StaticString) -> Bool {
        let length = word.utf8CodeUnitCount
        guard bytes.count - index >= length else { return false }
        let expected = word.utf8Start
        for offset in 0..<length where bytes[index + offset] != expected[offset] { return false }
        index += length
        return true
    }

    private mutating func enter() throws(JSONSyntaxError) {
        depth += 1
        guard depth <= Builder.maximumDepth else { throw error(.tooDeep) }
    }

    private mutating func readObject() throws(JSONSyntaxError) -> Builder.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var members = builder.makeMembers()
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return builder.makeObject(members)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error(.expectedKey) }
            let keyOffset = index
            let key = try readString()
            if let refusal = builder.refusal(ofKey: key, in: members) {
                throw JSONSyntaxError(offset: keyOffset, reason: refusal)
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error(.expectedColon) }
            index += 1
            skipWhitespace()
            builder.add(key: key, value: try readValue(), to: &members)
            skipWhitespace()
            guard index < bytes.count else { throw error(.expectedCommaOrBrace(atEnd: true)) }
            if bytes[index] == UInt8(ascii: "}") {
                index += 1
                return builder.makeObject(members)
            }
            guard bytes[index] == UInt8(ascii: ",") else { throw error(.expectedCommaOrBrace(atEnd: false)) }
            index += 1
        }
    }

    private mutating func readArray() throws(JSONSyntaxError) -> Builder.Value {
        try enter()
        defer { depth -= 1 }
        index += 1
        var elements: [Builder.Value] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return builder.makeArray(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try readValue())
            skipWhitespace()
            guard index < bytes.count else { throw error(.expectedCommaOrBracket(atEnd: true)) }
            if bytes[index] == UInt8(ascii: "]") {
                index += 1
                return builder.makeArray(elements)
            }
            guard bytes[index] == UInt8(ascii: ",") else { throw error(.expectedCommaOrBracket(atEnd: false)) }
            index += 1
        }
    }

    private mutating func readNumber() throws(JSONSyntaxError) -> Builder.Value {
        let start = index
        var isInteger = true
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error(.expectedDigit(.integer)) }
        if bytes[index] == UInt8(ascii: "0"), !Builder.allowsLeadingZeros {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw error(.leadingZero) }
        } else {
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error(.expectedDigit(.fraction)) }
            skipDigits()
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") {
                index += 1
            }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error(.expectedDigit(.exponent)) }
            skipDigits()
        }
        guard let value = builder.makeNumber(bytes[start..<index], isInteger: isInteger) else {
            throw error(.unrepresentableNumber)
        }
        return value
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while index < bytes.count, isDigit(bytes[index]) { index += 1 }
    }

    /// Reads a string whose opening quote is at `index`. Most strings have no escapes and become one `String`
    /// straight from their bytes; runs between escapes are validated as UTF-8 one by one, so a bad byte is
    /// reported at the start of its run.
    private mutating func readString() throws(JSONSyntaxError) -> String {
        index += 1
        var result: String?
        while true {
            let runStart = index
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw error(.controlCharacterInString) }
                index += 1
            }
            guard index < bytes.count else { throw error(.unterminatedString) }
            let run = try validatedString(runStart..<index)
            if bytes[index] == UInt8(ascii: "\"") {
                index += 1
                guard var text = result else { return run }
                text += run
                return text
            }
            index += 1
            var text = result ?? ""
            text += run
            text.unicodeScalars.append(try readEscape())
            result = text
        }
    }

    /// The bytes in `range` as a `String`, or an error at its start when they are not UTF-8. `UTF8Span` validates
    /// without allocating or generic metadata lookups, which `String(validating:as:)` on a slice spent a sixth
    /// of the PBX parser's time on.
    private func validatedString(_ range: Range<Int>) throws(JSONSyntaxError) -> String {
        do {
            return String(copying: try UTF8Span(validating: bytes.span.extracting(range)))
        } catch {
            throw JSONSyntaxError(offset: range.lowerBound, reason: .invalidUTF8)
        }
    }

    /// Reads what follows a backslash.
    private mutating func readEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard index < bytes.count else { throw error(.unterminatedString) }
        let escaped = bytes[index]
        index += 1
        switch escaped {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): return Unicode.Scalar(escaped)
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"): break
        default: throw error(.invalidEscape(escaped))
        }
        var code = try readHex4()
        if (0xD800...0xDBFF).contains(code) {
            // A high surrogate must be followed by an escaped low surrogate.
            guard bytes.count - index >= 2, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else { throw error(.unpairedSurrogate) }
            index += 2
            let low = try readHex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw error(.unpairedSurrogate) }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        // What is left without a scalar is a lone low surrogate.
        guard let scalar = Unicode.Scalar(code) else { throw error(.unpairedSurrogate) }
        return scalar
    }

    private mutating func readHex4() throws(JSONSyntaxError) -> UInt32 {
        let start = index
        guard bytes.count - index >= 4 else { throw error(.expectedHexDigits(start: start)) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = hexValue(bytes[index]) else { throw error(.expectedHexDigits(start: start)) }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }
}
