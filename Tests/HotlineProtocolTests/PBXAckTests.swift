import Foundation
import HotlineProtocol
import Testing

private func text(_ ack: PBXAck) -> String {
    String(decoding: ack.encodedLine(), as: UTF8.self)
}

@Suite("PBXAck")
struct PBXAckTests {
    @Test("the three forms of the spec, byte for byte")
    func specExamples() {
        #expect(text(.accepted(id: "pbx1-000123", duplicate: false)) == #"{"ok":true,"id":"pbx1-000123"}"# + "\n")
        #expect(
            text(.accepted(id: "pbx1-000123", duplicate: true))
                == #"{"ok":true,"id":"pbx1-000123","duplicate":true}"# + "\n"
        )
        #expect(
            text(.refused(PBXLineError(code: .invalidField, id: "pbx1-000124", message: "from: not a phone number")))
                == #"{"ok":false,"id":"pbx1-000124","error":"invalid_field","message":"from: not a phone number"}"#
                + "\n"
        )
    }

    @Test("an unknown id is null")
    func nullID() {
        #expect(
            text(.refused(.lineTooLong(limit: 65_536)))
                == #"{"ok":false,"id":null,"error":"line_too_long","message":"line too long: more than 65536 bytes"}"#
                + "\n"
        )
    }

    @Test("strings are escaped; Chinese stays UTF-8")
    func escaping() {
        let message = "名字 \"引号\" back\\slash\nnew\ttab\r\u{01}\u{1F}\u{7F}\u{08}\u{0C}\u{2028}/end"
        let line = PBXAck.refused(PBXLineError(code: .invalidField, id: "id\"1", message: message)).encodedLine()
        #expect(
            String(decoding: line, as: UTF8.self)
                == #"{"ok":false,"id":"id\"1","error":"invalid_field","message":"名字 \"引号\" back\\slash\nnew\ttab\r"#
                + #"\u0001\u001f\u007f\b\f\u2028/end"}"# + "\n"
        )
        #expect(Array("名字".utf8).allSatisfy { line.contains($0) })
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(line.last == UInt8(ascii: "\n"))
    }

    /// Each character that must be escaped, alone in otherwise plain text: a string without any of them is copied
    /// whole, so each one has to send the string the careful way.
    @Test(
        "each escaped character alone is escaped; plain text and other UTF-8 are copied as they are",
        arguments: [
            ("a\"b", #"a\"b"#), ("a\\b", #"a\\b"#), ("a\nb", #"a\nb"#), ("a\rb", #"a\rb"#), ("a\tb", #"a\tb"#),
            ("a\u{08}b", #"a\bb"#), ("a\u{0C}b", #"a\fb"#), ("a\u{00}b", #"a\u0000b"#), ("a\u{1F}b", #"a\u001fb"#),
            ("a\u{7F}b", #"a\u007fb"#), ("a\u{2028}b", #"a\u2028b"#), ("a\u{2029}b", #"a\u2029b"#),
            // U+2026 and U+201C also start with the byte 0xE2 and are not escaped.
            ("a…“b”", "a…“b”"), ("pbx1-000123", "pbx1-000123"), ("张三 😀", "张三 😀"), ("", ""),
        ]
    )
    func escapingEach(input: String, escaped: String) {
        let line = PBXAck.accepted(id: input, duplicate: false).encodedLine()
        #expect(String(decoding: line, as: UTF8.self) == #"{"ok":true,"id":""# + escaped + #""}"# + "\n")
    }

    @Test("Foundation reads the escaped ack back to the same strings")
    func foundationAgrees() throws {
        let message = "名字 \"q\" \\ \n\t\u{01}\u{7F}\u{2028} 😀"
        let line = PBXAck.refused(PBXLineError(code: .missingField, id: "e1", message: message)).encodedLine()
        let object = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
        #expect(object?["message"] as? String == message)
        #expect(object?["id"] as? String == "e1")
        #expect(object?["error"] as? String == "missing_field")
    }

    @Test(
        "decoding gives back what was encoded",
        arguments: [
            PBXAck.accepted(id: "pbx1-000123", duplicate: false),
            .accepted(id: "pbx1-000123", duplicate: true),
            .refused(.lineTooLong(limit: 10)),
            .refused(.unavailable(id: "e1", reason: "disk full")),
        ] + PBXLineError.Code.allCases.map { .refused(PBXLineError(code: $0, id: "e\"7", message: "问题: \($0)")) }
    )
    func roundTrip(ack: PBXAck) throws {
        let line = ack.encodedLine()
        #expect(try PBXAck.decode(line: line.dropLast()) == ack)
    }

    @Test("the id property")
    func idProperty() {
        #expect(PBXAck.accepted(id: "a", duplicate: true).id == "a")
        #expect(PBXAck.refused(.lineTooLong(limit: 1)).id == nil)
        #expect(PBXAck.refused(PBXLineError(code: .unknownType, id: "b", message: "m")).id == "b")
    }

    @Test("decoding accepts a missing duplicate and extra whitespace")
    func lenientWhere() throws {
        #expect(
            try PBXAck.decode(line: Array(#" { "id" : "x" , "ok" : true } "#.utf8))
                == .accepted(id: "x", duplicate: false)
        )
        #expect(
            try PBXAck.decode(line: Array(#"{"ok":true,"id":"x","duplicate":false}"#.utf8))
                == .accepted(id: "x", duplicate: false)
        )
    }

    @Test(
        "decoding refuses what is not an ack",
        arguments: [
            ("", "malformed JSON: empty line"),
            ("[]", "not a JSON object"),
            (#"{"id":"x"}"#, "ok: missing or not a boolean"),
            (#"{"ok":"true","id":"x"}"#, "ok: missing or not a boolean"),
            (#"{"ok":true}"#, "id: missing or not a string or null"),
            (#"{"ok":true,"id":null}"#, "id: null in an ok ack"),
            (#"{"ok":true,"id":"x","duplicate":1}"#, "duplicate: not a boolean"),
            (#"{"ok":false,"id":null,"message":"m"}"#, "error: missing or not a string"),
            (#"{"ok":false,"id":null,"error":"bad_thing","message":"m"}"#, #"error: unknown code "bad_thing""#),
            (#"{"ok":false,"id":null,"error":"unavailable"}"#, "message: missing or not a string"),
            (#"{"ok":true,"id":"x","ok":true}"#, #"malformed JSON: duplicate key "ok" at byte 20"#),
        ]
    )
    func refuses(line: String, message: String) {
        #expect(throws: PBXAckDecodingError(message)) { try PBXAck.decode(line: Array(line.utf8)) }
    }
}
