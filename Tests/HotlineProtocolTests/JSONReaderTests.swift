import Testing

@testable import HotlineProtocol

/// What the control socket's reader makes of a text: the value, or the error's description.
private func control(_ bytes: [UInt8]) -> Result<JSONValue, JSONParseError> {
    Result { () throws(JSONParseError) in try JSONValue.parse(bytes) }
}

private func control(_ text: String) -> Result<JSONValue, JSONParseError> {
    control(Array(text.utf8))
}

/// What the PBX socket's reader makes of a text.
private func pbx(_ bytes: [UInt8]) -> Result<PBXJSONValue, PBXJSONSyntaxError> {
    Result { () throws(PBXJSONSyntaxError) in try PBXJSONValue.parse(bytes) }
}

private func pbx(_ text: String) -> Result<PBXJSONValue, PBXJSONSyntaxError> {
    pbx(Array(text.utf8))
}

/// The error's text, `nil` when the text was read.
private func message<Value, Failure: Error>(_ result: Result<Value, Failure>) -> String? {
    guard case .failure(let error) = result else { return nil }
    return "\(error)"
}

/// Both sockets read with one grammar (`JSONReader`), but each keeps the values and the wording it always had;
/// these are the inputs on which they differ, and which side keeps what.
@Suite("JSON reader: control and PBX sides")
struct JSONReaderTests {
    @Test("a repeated key: control overrides in the first key's place, PBX refuses the line at the key")
    func duplicateKeys() {
        let text = #"{"a":1,"b":2,"a":3}"#
        #expect(control(text) == .success(.object([("a", .int(3)), ("b", .int(2))])))
        #expect(message(pbx(text)) == #"duplicate key "a" at byte 13"#)
        // PBX refuses at the key, before reading the value that follows it.
        #expect(message(pbx(#"{"a":1,"a":}"#)) == #"duplicate key "a" at byte 7"#)
    }

    @Test("numbers: control makes Int64 or Double, PBX keeps the text, so 1 and 1.0 differ")
    func numbers() {
        let text = "[1,1.0,1e0,-0,12345678901234567890]"
        #expect(
            control(text)
                == .success(.array([.int(1), .double(1), .double(1), .int(0), .double(1.2345678901234567e19)]))
        )
        #expect(
            pbx(text)
                == .success(.array(["1", "1.0", "1e0", "-0", "12345678901234567890"].map(PBXJSONValue.number)))
        )
        #expect(message(control("[1.]")) == "bad number at byte 3")
        #expect(message(pbx("[1.]")) == "expected a digit after '.' at byte 3")
        #expect(message(control("-")) == "bad number at byte 1")
        #expect(message(pbx("[1e+]")) == "expected a digit in the exponent at byte 4")
    }

    @Test("leading zeros: control accepts them as it always did, PBX refuses them as RFC 8259 does")
    func leadingZeros() {
        #expect(control("[01,-007.5]") == .success(.array([.int(1), .double(-7.5)])))
        #expect(message(pbx("[01]")) == "leading zero in a number at byte 2")
        #expect(pbx("[0,-0.5]") == .success(.array([.number("0"), .number("-0.5")])))
    }

    @Test("nesting: control allows 64 levels, PBX 32; the error points at the first bracket too many")
    func depth() {
        func nested(_ levels: Int) -> String {
            String(repeating: "[", count: levels) + String(repeating: "]", count: levels)
        }
        #expect((try? pbx(nested(32)).get()) != nil)
        #expect(message(pbx(nested(33))) == "nested deeper than 32 levels at byte 32")
        #expect((try? control(nested(64)).get()) != nil)
        #expect(message(control(nested(65))) == "nesting deeper than 64 at byte 64")
    }

    @Test("bad UTF-8: PBX refuses the whole line first, control at the string run that holds it, if reached")
    func badUTF8() {
        // 0xFF inside a string, after an escape: control points at the run after the escape.
        let inString: [UInt8] = Array(#"[1,"a\n"#.utf8) + [0xFF] + Array(#""]"#.utf8)
        #expect(message(control(inString)) == "invalid UTF-8 at byte 7")
        #expect(message(pbx(inString)) == "not valid UTF-8")
        // An earlier syntax error wins on the control side; PBX still reports the encoding.
        let both: [UInt8] = Array(#"[x,""#.utf8) + [0xFF] + Array(#""]"#.utf8)
        #expect(message(control(both)) == "unexpected character at byte 1")
        #expect(message(pbx(both)) == "not valid UTF-8")
        // A surrogate encoded in UTF-8 (U+D800 as ED A0 80) is not UTF-8 on either side.
        let surrogate: [UInt8] = [0x22, 0xED, 0xA0, 0x80, 0x22]
        #expect(message(control(surrogate)) == "invalid UTF-8 at byte 1")
        #expect(message(pbx(surrogate)) == "not valid UTF-8")
        // Valid UTF-8 outside a string is a syntax error on both.
        #expect(message(control("[é]")) == "unexpected character at byte 1")
        #expect(message(pbx("[é]")) == "expected a JSON value at byte 1")
    }

    @Test("surrogate escapes: pairs read on both sides, lone halves refused on both")
    func surrogates() {
        #expect(control(#""\ud83d\udcde""#) == .success(.string("📞")))
        #expect(pbx(#""\ud83d\udcde""#) == .success(.string("📞")))
        for (text, offset) in [(#""\udc00""#, 7), (#""\ud800""#, 7), (#""\ud800\u0041""#, 13), (#""\ud800x""#, 7)] {
            #expect(message(control(text)) == "unpaired surrogate at byte \(offset)")
            #expect(message(pbx(text)) == "unpaired surrogate in \\u escape at byte \(offset)")
        }
        // A bad hex digit: control points at the escape's digits, PBX at the bad one.
        #expect(message(control(#""\u12x4""#)) == "bad \\u escape at byte 3")
        #expect(message(pbx(#""\u12x4""#)) == "expected 4 hex digits after \\u at byte 5")
    }

    @Test("trailing garbage is refused on both sides with the same words")
    func trailingGarbage() {
        for (text, offset) in [("{} x", 3), ("{}{}", 2), ("1 2", 2), ("{}\u{0}", 2)] {
            #expect(message(control(text)) == "unexpected text after the JSON value at byte \(offset)")
            #expect(message(pbx(text)) == "unexpected text after the JSON value at byte \(offset)")
        }
        #expect(control(" {} \r\n\t") == .success(.object([])))
        #expect(pbx(" {} \r\n\t") == .success(.object([:])))
    }

    @Test("the end of the text: control says so, PBX names what it expected")
    func truncated() {
        #expect(message(control("  ")) == "unexpected end of input at byte 2")
        #expect(message(pbx("  ")) == "empty line")
        #expect(message(control("[1,")) == "unexpected end of input at byte 3")
        #expect(message(pbx("[1,")) == "unexpected end of line at byte 3")
        #expect(message(control("[1")) == "unexpected end of input at byte 2")
        #expect(message(pbx("[1")) == "expected ',' or ']' at byte 2")
        #expect(message(control(#"{"a":1"#)) == "unexpected end of input at byte 6")
        #expect(message(pbx(#"{"a":1"#)) == "expected ',' or '}' at byte 6")
        #expect(message(control(#""abc\"#)) == "unterminated string at byte 5")
        #expect(message(pbx(#""abc\"#)) == "unterminated string at byte 5")
    }
}
