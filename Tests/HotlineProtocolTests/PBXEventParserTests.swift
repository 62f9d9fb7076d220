import Foundation
import HotlineCore
import HotlineProtocol
import Testing

/// Parses a line given as text.
private func parse(_ line: String) -> Result<PBXEvent, PBXLineError> {
    PBXEventParser.parse(line: Array(line.utf8))
}

/// The event of a line that must parse.
private func event(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> PBXEvent {
    switch parse(line) {
    case .success(let event):
        return event
    case .failure(let error):
        Issue.record("unexpected refusal: \(error)", sourceLocation: sourceLocation)
        throw error
    }
}

/// The refusal of a line that must fail.
private func refusal(_ line: String) -> PBXLineError? {
    if case .failure(let error) = parse(line) { return error }
    return nil
}

private func phone(_ text: String) -> PhoneNumber {
    try! PhoneNumber(validating: text)
}

/// `2026-03-02T09:15:00+08:00`
private let nineFifteen = Date(timeIntervalSince1970: 1_772_414_100)

@Suite("PBX event parser: valid events")
struct PBXEventParserValidTests {
    @Test("call.offered with every field")
    func offered() throws {
        let event = try event(
            #"{"v":1,"id":"pbx1-000123","type":"call.offered","at":"2026-03-02T09:15:00+08:00","call":"1772414100.42","#
                + #""from":"138-1234-5678","from_name":"张三","to":"12345","queue":"complaints"}"#
        )
        #expect(event.id == "pbx1-000123")
        #expect(event.at == nineFifteen)
        #expect(event.timestamp.text == "2026-03-02T09:15:00+08:00")
        #expect(event.timestamp.utcOffsetSeconds == 28_800)
        #expect(
            event.kind
                == .callOffered(
                    call: "1772414100.42",
                    from: phone("13812345678"),
                    fromName: "张三",
                    to: "12345",
                    queue: "complaints"
                )
        )
        #expect(event.callID == "1772414100.42")
        #expect(event.typeName == "call.offered")
    }

    @Test("call.offered without the optional fields; empty and null mean absent")
    func offeredMinimal() throws {
        let expected = PBXEvent.Kind.callOffered(
            call: "c1",
            from: phone("110"),
            fromName: nil,
            to: "12345",
            queue: nil
        )
        let bare = try event(
            #"{"v":1,"id":"e1","type":"call.offered","at":"2026-03-02T01:15:00Z","call":"c1","#
                + #""from":"110","to":"12345"}"#
        )
        #expect(bare.kind == expected)
        let nulls = try event(
            #"{"v":1,"id":"e1","type":"call.offered","at":"2026-03-02T01:15:00Z","call":"c1","#
                + #""from":"110","to":"12345","#
                + #""from_name":null,"queue":null}"#
        )
        #expect(nulls.kind == expected)
        let empties = try event(
            #"{"v":1,"id":"e1","type":"call.offered","at":"2026-03-02T01:15:00Z","call":"c1","#
                + #""from":"110","to":"12345","#
                + #""from_name":"","queue":""}"#
        )
        #expect(empties.kind == expected)
    }

    @Test("a Chinese caller name is kept verbatim, spaces and punctuation included")
    func chineseName() throws {
        let name = " 欧阳 娜娜（女士）· 😀 "
        var line = Array(
            #"{"v":1,"id":"e1","type":"call.offered","at":"2026-03-02T01:15:00Z","call":"c1","from":"110","to":"1","#
                .utf8
        )
        line += Array(#""from_name":""#.utf8) + Array(name.utf8) + Array(#""}"#.utf8)
        guard case .success(let event) = PBXEventParser.parse(line: line),
            case .callOffered(_, _, let fromName, _, _) = event.kind
        else {
            Issue.record("not parsed")
            return
        }
        #expect(fromName == name)
        #expect(Array(fromName?.utf8 ?? "".utf8) == Array(name.utf8))
    }

    @Test("escaped characters in names are decoded")
    func escapedName() throws {
        let event = try event(
            #"{"v":1,"id":"e1","type":"call.offered","at":"2026-03-02T01:15:00Z","call":"c1","from":"110","to":"1","#
                + #""from_name":"\u5f20\u4e09 \"Zhang\" \\ \/ \ud83d\ude00"}"#
        )
        guard case .callOffered(_, _, let fromName, _, _) = event.kind else {
            Issue.record("wrong kind")
            return
        }
        #expect(fromName == #"张三 "Zhang" \ / 😀"#)
    }

    @Test("call.answered with a single agent becomes a one-element list")
    func answeredSingle() throws {
        let event = try event(
            #"{"v":1,"id":"e2","type":"call.answered","at":"2026-03-02T01:15:08Z","call":"c1","agent":"201"}"#
        )
        #expect(event.kind == .callAnswered(call: "c1", agents: ["201"]))
        #expect(event.typeName == "call.answered")
    }

    @Test("call.answered with several agents keeps their order")
    func answeredSeveral() throws {
        let event = try event(
            #"{"v":1,"id":"e2","type":"call.answered","at":"2026-03-02T01:15:08Z","call":"c1","#
                + #""agents":["305","201","202"]}"#
        )
        #expect(event.kind == .callAnswered(call: "c1", agents: ["305", "201", "202"]))
        let one = try PBXEventParserValidTests.parseAnswered(#""agents":["201"]"#)
        #expect(one == ["201"])
        let sixteen = (1...16).map { "\"\($0)\"" }.joined(separator: ",")
        #expect(try PBXEventParserValidTests.parseAnswered(#""agents":["# + sixteen + "]").count == 16)
    }

    static func parseAnswered(_ agentField: String) throws -> [String] {
        let event = try event(
            #"{"v":1,"id":"e2","type":"call.answered","at":"2026-03-02T01:15:08Z","call":"c1","# + agentField + "}"
        )
        guard case .callAnswered(_, let agents) = event.kind else { return [] }
        return agents
    }

    @Test("call.transferred")
    func transferred() throws {
        let event = try event(
            #"{"v":1,"id":"e3","type":"call.transferred","at":"2026-03-02T01:16:00Z","call":"c1","#
                + #""agent":"202","to_agent":"305"}"#
        )
        #expect(event.kind == .callTransferred(call: "c1", agent: "202", toAgent: "305"))
        #expect(event.callID == "c1")
        #expect(event.typeName == "call.transferred")
    }

    @Test("call.ended with every cause", arguments: CallEndCause.allCases)
    func ended(cause: CallEndCause) throws {
        let event = try event(
            #"{"v":1,"id":"e4","type":"call.ended","at":"2026-03-02T01:20:00Z","call":"c1","cause":""#
                + cause.rawValue + #""}"#
        )
        #expect(event.kind == .callEnded(call: "c1", cause: cause))
        #expect(event.typeName == "call.ended")
    }

    @Test("agent.login and agent.logout")
    func agentEvents() throws {
        let login = try event(
            #"{"v":1,"id":"e5","type":"agent.login","at":"2026-03-02T00:58:00Z","agent":"201","staff":"zhangsan"}"#
        )
        #expect(login.kind == .agentLogin(agent: "201", staff: "zhangsan"))
        #expect(login.callID == nil)
        #expect(login.typeName == "agent.login")
        let logout = try event(
            #"{"v":1,"id":"e6","type":"agent.logout","at":"2026-03-02T10:00:00Z","agent":"201","staff":"zhangsan"}"#
        )
        #expect(logout.kind == .agentLogout(agent: "201", staff: "zhangsan"))
        #expect(logout.callID == nil)
        #expect(logout.typeName == "agent.logout")
    }

    @Test("unknown extra fields are ignored, whatever their shape")
    func extraFields() throws {
        let event = try event(
            #"{"v":1,"id":"e2","type":"call.answered","at":"2026-03-02T01:15:08Z","call":"c1","agent":"201","#
                + #""pbx":{"node":"a","tags":[1,2.5e3,true,null,{"x":[]}]},"queue":7,"future_field":"x"}"#
        )
        #expect(event.kind == .callAnswered(call: "c1", agents: ["201"]))
    }

    @Test("whitespace around tokens and a trailing CR are allowed")
    func whitespace() throws {
        let event = try event(
            " {\t\"v\" : 1 , \"id\":\"e1\",\"type\":\"agent.login\",\"at\":\"2026-03-02T00:58:00Z\","
                + "\"agent\":\"201\",\"staff\":\"zs\" }\r"
        )
        #expect(event.id == "e1")
    }

    @Test("limits are inclusive")
    func limits() throws {
        let id = String(repeating: "i", count: 128)
        let call = String(repeating: "c", count: 128)
        let ext = String(repeating: "7", count: 32)
        let name = String(repeating: "张", count: 200)
        let event = try event(
            #"{"v":1,"id":""# + id + #"","type":"call.offered","at":"2026-03-02T01:15:00Z","call":""# + call
                + #"","from":"110","to":""# + ext + #"","from_name":""# + name + #""}"#
        )
        #expect(event.id == id)
        #expect(event.callID == call)
    }

    @Test("the parser accepts Data as well as byte arrays")
    func dataInput() throws {
        let line = #"{"v":1,"id":"e1","type":"agent.login","at":"2026-03-02T00:58:00Z","agent":"201","staff":"zs"}"#
        guard case .success(let event) = PBXEventParser.parse(line: Data(line.utf8)) else {
            Issue.record("not parsed")
            return
        }
        #expect(event.id == "e1")
    }

    @Test("a call event becomes a register fact with resolved staff")
    func fact() throws {
        let answered = try event(
            #"{"v":1,"id":"e2","type":"call.answered","at":"2026-03-02T01:15:08Z","call":"c1","agents":["201","299"]}"#
        )
        let staff = ["201": StaffCandidate(login: "zhangsan", rank: 2)]
        let fact = answered.callEventFact { staff[$0] }
        #expect(
            fact
                == CallEventFact(
                    eventID: "e2",
                    callID: "c1",
                    at: Date(timeIntervalSince1970: 1_772_414_108),
                    kind: .answered(agents: [
                        AnsweringAgent(agent: "201", staff: StaffCandidate(login: "zhangsan", rank: 2)),
                        AnsweringAgent(agent: "299", staff: nil),
                    ])
                )
        )
        let login = try event(
            #"{"v":1,"id":"e5","type":"agent.login","at":"2026-03-02T00:58:00Z","agent":"201","staff":"zs"}"#
        )
        #expect(login.callEventFact { _ in nil } == nil)
    }
}

@Suite("PBX event parser: RFC 3339 times")
struct PBXEventParserTimeTests {
    private func time(_ at: String) -> Result<RFC3339Timestamp, PBXLineError> {
        parse(#"{"v":1,"id":"e1","type":"agent.login","at":""# + at + #"","agent":"201","staff":"zs"}"#)
            .map(\.timestamp)
    }

    @Test(
        "accepted forms",
        arguments: [
            ("2026-03-02T01:15:00Z", 1_772_414_100.0, 0),
            ("2026-03-02T01:15:00z", 1_772_414_100.0, 0),
            ("2026-03-02t01:15:00Z", 1_772_414_100.0, 0),
            ("2026-03-02T09:15:00+08:00", 1_772_414_100.0, 28_800),
            ("2026-03-01T19:45:00-05:30", 1_772_414_100.0, -19_800),
            ("2026-03-02T01:15:00+00:00", 1_772_414_100.0, 0),
            ("2026-03-02T01:15:00-00:00", 1_772_414_100.0, 0),
            ("2026-03-02T09:15:00.5+08:00", 1_772_414_100.5, 28_800),
            ("2026-03-02T01:15:00.250Z", 1_772_414_100.25, 0),
            ("2026-03-02T01:15:00.123456Z", 1_772_414_100.123456, 0),
            ("2026-03-02T01:15:00.123456789123Z", 1_772_414_100.123456789, 0),
            ("2024-02-29T12:00:00Z", 1_709_208_000.0, 0),
            ("2000-01-01T00:00:00Z", 946_684_800.0, 0),
            ("1969-12-31T23:59:59Z", -1.0, 0),
            ("2026-01-01T07:59:59+08:00", 1_767_225_599.0, 28_800),
        ]
    )
    func accepted(text: String, seconds: Double, offset: Int) throws {
        let timestamp = try time(text).get()
        #expect(abs(timestamp.date.timeIntervalSince1970 - seconds) < 0.000_001)
        #expect(timestamp.utcOffsetSeconds == offset)
        #expect(timestamp.text == text)
    }

    @Test(
        "refused forms name the field and the problem",
        arguments: [
            ("2026-02-30T10:00:00+08:00", "February 2026 has 28 days"),
            ("2025-02-29T10:00:00Z", "February 2025 has 28 days"),
            ("2026-04-31T10:00:00Z", "April 2026 has 30 days"),
            ("2026-13-01T10:00:00Z", "month 13 does not exist"),
            ("2026-00-01T10:00:00Z", "month 0 does not exist"),
            ("2026-03-00T10:00:00Z", "March 2026 has 31 days"),
            ("2026-03-02T10:00:00", "missing the UTC offset (Z or ±hh:mm)"),
            ("2026-03-02T10:00:00.5", "missing the UTC offset (Z or ±hh:mm)"),
            ("2026-03-02", "missing the time"),
            ("2026-03-02 10:00:00Z", "expected 'T' between date and time"),
            ("2026-03-02T24:00:00Z", "hour 24 is out of range"),
            ("2026-03-02T10:60:00Z", "minute 60 is out of range"),
            ("2026-12-31T23:59:60Z", "leap seconds are not supported"),
            ("2026-03-02T10:00:00+0800", "expected ':' after the offset hours"),
            ("2026-03-02T10:00:00+24:00", "offset out of range"),
            ("2026-03-02T10:00:00 +08:00", "expected the UTC offset (Z or ±hh:mm)"),
            ("2026-03-02T10:00:00Zjunk", "unexpected text after the time"),
            ("2026-03-02T10:00:00.Z", "expected digits after '.'"),
            ("26-03-02T10:00:00Z", "expected 4 digits for the year"),
            ("2026-3-02T10:00:00Z", "expected 2 digits for the month"),
            ("2026/03/02T10:00:00Z", "expected '-' after the year"),
            ("", "expected 4 digits for the year"),
            ("1772414100", "expected '-' after the year"),
        ]
    )
    func refused(text: String, reason: String) {
        let error = time(text).failure
        #expect(error?.code == .invalidField)
        #expect(error?.id == "e1")
        let shown = text.replacingOccurrences(of: "\"", with: "\\\"")
        #expect(error?.message == "at: not an RFC 3339 time with offset: \(reason) (\"\(shown)\")")
    }

    @Test("a time that is not a string")
    func notString() {
        let error = refusal(#"{"v":1,"id":"e1","type":"agent.login","at":1772414100,"agent":"201","staff":"zs"}"#)
        #expect(error == PBXLineError(code: .invalidField, id: "e1", message: "at: must be a string, got number"))
    }

    @Test(
        "rendering a date in an offset",
        arguments: [
            (1_772_414_100.0, 28_800, "2026-03-02T09:15:00+08:00"),
            (1_772_414_100.0, 0, "2026-03-02T01:15:00Z"),
            (1_772_414_100.25, 0, "2026-03-02T01:15:00.25Z"),
            (1_772_414_100.000_001, 0, "2026-03-02T01:15:00.000001Z"),
            (1_772_414_100.0, -19_800, "2026-03-01T19:45:00-05:30"),
            (1_767_225_599.0, 28_800, "2026-01-01T07:59:59+08:00"),
            (-1.0, 0, "1969-12-31T23:59:59Z"),
            (-0.5, 0, "1969-12-31T23:59:59.5Z"),
            (1_709_208_000.0, 0, "2024-02-29T12:00:00Z"),
        ]
    )
    func render(seconds: Double, offset: Int, text: String) throws {
        let timestamp = RFC3339Timestamp(date: Date(timeIntervalSince1970: seconds), utcOffsetSeconds: offset)
        #expect(timestamp.text == text)
        #expect(timestamp.utcOffsetSeconds == offset)
        #expect(try RFC3339Timestamp(parsing: text) == timestamp)
    }

    @Test("rendering then parsing gives back the same value across many instants")
    func renderRoundTrip() throws {
        var seconds = -86_400.0 * 400
        while seconds < 86_400.0 * 365 * 80 {
            for offset in [0, 28_800, -36_000, 20_700] {
                let rendered = RFC3339Timestamp(date: Date(timeIntervalSince1970: seconds), utcOffsetSeconds: offset)
                let parsed = try RFC3339Timestamp(parsing: rendered.text)
                #expect(parsed == rendered)
                #expect(abs(parsed.date.timeIntervalSince1970 - seconds) < 0.000_001)
            }
            seconds += 86_400 * 37.123_457
        }
    }
}

@Suite("PBX event parser: refusals")
struct PBXEventParserRefusalTests {
    private static let head = #"{"v":1,"id":"e9","at":"2026-03-02T01:15:00Z","#

    private func refused(fields: String) -> PBXLineError? {
        refusal(Self.head + fields + "}")
    }

    @Test(
        "malformed JSON",
        arguments: [
            ("not json", "malformed JSON: expected a JSON value at byte 0"),
            ("{\"v\":1,}", "malformed JSON: expected a key at byte 7"),
            ("{\"v\":1", "malformed JSON: expected ',' or '}' at byte 6"),
            ("{\"v\":1}x", "malformed JSON: unexpected text after the JSON value at byte 7"),
            ("{\"v\":1,\"v\":1}", "malformed JSON: duplicate key \"v\" at byte 7"),
            ("{\"v\":01}", "malformed JSON: leading zero in a number at byte 6"),
            ("{\"a\":\"\\x\"}", "malformed JSON: invalid escape '\\x' at byte 8"),
            ("{\"a\":\"\\ud800\"}", "malformed JSON: unpaired surrogate in \\u escape at byte 12"),
            ("{\"a\":\"tab\there\"}", "malformed JSON: unescaped control character in a string at byte 9"),
            ("{\"a\":[1,]}", "malformed JSON: expected a JSON value at byte 8"),
            ("{\"a\":tru}", "malformed JSON: expected a JSON value at byte 5"),
            ("   ", "malformed JSON: empty line"),
            ("[1,2]", "malformed JSON: the line must be one JSON object, got array"),
            ("\"pbx1\"", "malformed JSON: the line must be one JSON object, got string"),
            ("null", "malformed JSON: the line must be one JSON object, got null"),
            (
                "{\"a\":" + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "}",
                "malformed JSON: nested deeper than 32 levels at byte 36"
            ),
        ]
    )
    func malformed(line: String, message: String) {
        #expect(refusal(line) == PBXLineError(code: .malformedJSON, id: nil, message: message))
    }

    @Test("invalid UTF-8 is malformed JSON")
    func invalidUTF8() {
        var line = Array(
            #"{"v":1,"id":"e1","type":"agent.login","at":"2026-03-02T00:58:00Z","agent":"201","staff":""#.utf8
        )
        line += [0xE5, 0xBC, 0x22, 0x7D]  // a truncated 张, then "}
        #expect(
            PBXEventParser.parse(line: line)
                == .failure(PBXLineError(code: .malformedJSON, id: nil, message: "malformed JSON: not valid UTF-8"))
        )
        #expect(
            PBXEventParser.parse(line: [0xFF, 0x7B, 0x7D])
                == .failure(PBXLineError(code: .malformedJSON, id: nil, message: "malformed JSON: not valid UTF-8"))
        )
    }

    @Test(
        "unsupported versions",
        arguments: [
            (#"{"v":2,"id":"e1"}"#, "v: unsupported version 2, only 1 is supported"),
            (#"{"v":0,"id":"e1"}"#, "v: unsupported version 0, only 1 is supported"),
            (#"{"v":1.0,"id":"e1"}"#, "v: unsupported version 1.0, only 1 is supported"),
            (#"{"v":"1","id":"e1"}"#, #"v: unsupported version "1", only 1 is supported"#),
            (#"{"v":true,"id":"e1"}"#, "v: unsupported version boolean, only 1 is supported"),
            (#"{"v":null,"id":"e1"}"#, "v: unsupported version null, only 1 is supported"),
        ]
    )
    func versions(line: String, message: String) {
        #expect(
            refusal(line) == PBXLineError(code: .unsupportedVersion, id: "e1", message: message)
        )
    }

    @Test("missing v")
    func missingVersion() {
        #expect(
            refusal(#"{"id":"e1","type":"agent.login"}"#)
                == PBXLineError(code: .missingField, id: "e1", message: "missing field: v")
        )
    }

    @Test(
        "bad ids are refused and not echoed",
        arguments: [
            (#"{"v":1,"type":"agent.login"}"#, PBXLineError.Code.missingField, "missing field: id"),
            (#"{"v":1,"id":""}"#, .invalidField, "id: empty"),
            (#"{"v":1,"id":7}"#, .invalidField, "id: must be a string, got number"),
            (#"{"v":1,"id":null}"#, .invalidField, "id: must be a string, got null"),
            (#"{"v":1,"id":"a b"}"#, .invalidField, "id: contains whitespace (U+0020)"),
            (#"{"v":1,"id":"a\u0007"}"#, .invalidField, "id: contains a control character (U+0007)"),
            (#"{"v":1,"id":"a\u0000"}"#, .invalidField, "id: contains a control character (U+0000)"),
            (
                #"{"v":1,"id":""# + String(repeating: "x", count: 129) + #""}"#, .invalidField,
                "id: too long: 129 characters, at most 128"
            ),
        ]
    )
    func badIDs(line: String, code: PBXLineError.Code, message: String) {
        #expect(refusal(line) == PBXLineError(code: code, id: nil, message: message))
    }

    @Test("a bad id with a bad version reports the version")
    func versionBeforeID() {
        #expect(
            refusal(#"{"v":3,"id":""}"#)
                == PBXLineError(
                    code: .unsupportedVersion,
                    id: nil,
                    message: "v: unsupported version 3, only 1 is supported"
                )
        )
    }

    @Test("type: missing, not a string, unknown")
    func types() {
        #expect(
            refusal(#"{"v":1,"id":"e1","at":"2026-03-02T01:15:00Z"}"#)
                == PBXLineError(code: .missingField, id: "e1", message: "missing field: type")
        )
        #expect(
            refusal(#"{"v":1,"id":"e1","type":["call.ended"]}"#)
                == PBXLineError(code: .invalidField, id: "e1", message: "type: must be a string, got array")
        )
        #expect(
            refusal(#"{"v":1,"id":"e1","type":"call.parked","at":"2026-03-02T01:15:00Z"}"#)
                == PBXLineError(
                    code: .unknownType,
                    id: "e1",
                    message: #"unknown type "call.parked"; known types: call.offered, call.answered, "#
                        + "call.transferred, call.ended, agent.login, agent.logout"
                )
        )
    }

    @Test("missing at")
    func missingAt() {
        #expect(
            refusal(#"{"v":1,"id":"e1","type":"call.ended","call":"c1","cause":"normal"}"#)
                == PBXLineError(code: .missingField, id: "e1", message: "missing field: at")
        )
    }

    @Test(
        "missing fields are named",
        arguments: [
            (#""type":"call.offered","from":"110","to":"1""#, "call"),
            (#""type":"call.offered","call":"c1","to":"1""#, "from"),
            (#""type":"call.offered","call":"c1","from":"110""#, "to"),
            (#""type":"call.answered","agent":"201""#, "call"),
            (#""type":"call.answered","call":"c1""#, "agent (or agents)"),
            (#""type":"call.transferred","call":"c1","to_agent":"305""#, "agent"),
            (#""type":"call.transferred","call":"c1","agent":"202""#, "to_agent"),
            (#""type":"call.ended","call":"c1""#, "cause"),
            (#""type":"call.ended","cause":"normal""#, "call"),
            (#""type":"agent.login","staff":"zs""#, "agent"),
            (#""type":"agent.login","agent":"201""#, "staff"),
            (#""type":"agent.logout","agent":"201""#, "staff"),
        ]
    )
    func missingFields(fields: String, field: String) {
        #expect(
            refused(fields: fields) == PBXLineError(code: .missingField, id: "e9", message: "missing field: \(field)")
        )
    }

    @Test(
        "invalid fields are named with the problem",
        arguments: [
            (
                #""type":"call.offered","call":"c1","from":"138x1234","to":"1""#,
                "from: not a phone number: contains 'x'"
            ),
            (
                #""type":"call.offered","call":"c1","from":"1381234567890123456789012","to":"1""#,
                "from: too long: 25 digits, at most 20"
            ),
            (#""type":"call.offered","call":"c1","from":"12","to":"1""#, "from: too short: 2 digits, at least 3"),
            (#""type":"call.offered","call":"c1","from":13812345678,"to":"1""#, "from: must be a string, got number"),
            (#""type":"call.offered","call":"c1","from":"110","to":"""#, "to: empty"),
            (
                #""type":"call.offered","call":"c1","from":"110","to":"1","from_name":5"#,
                "from_name: must be a string, got number"
            ),
            (
                #""type":"call.offered","call":"c1","from":"110","to":"1","from_name":"张\n三""#,
                "from_name: contains a control character (U+000A)"
            ),
            (
                #""type":"call.offered","call":"c1","from":"110","to":"1","from_name":"a\u2028b""#,
                "from_name: contains a control character (U+2028)"
            ),
            (
                #""type":"call.offered","call":"c1","from":"110","to":"1","from_name":""#
                    + String(repeating: "张", count: 201) + "\"",
                "from_name: too long: 201 characters, at most 200"
            ),
            (
                #""type":"call.offered","call":"c1","from":"110","to":"1","queue":["a"]"#,
                "queue: must be a string, got array"
            ),
            (#""type":"call.answered","call":"","agent":"201""#, "call: empty"),
            (#""type":"call.answered","call":"c 1","agent":"201""#, "call: contains whitespace (U+0020)"),
            (
                #""type":"call.answered","call":""# + String(repeating: "c", count: 129) + #"","agent":"201""#,
                "call: too long: 129 characters, at most 128"
            ),
            (
                #""type":"call.answered","call":"c1","agent":"201","agents":["202"]"#,
                "agents: give either agent or agents, not both"
            ),
            (#""type":"call.answered","call":"c1","agents":[]"#, "agents: empty, at least 1 extension"),
            (#""type":"call.answered","call":"c1","agents":"201""#, "agents: must be an array, got string"),
            (#""type":"call.answered","call":"c1","agents":["201",202]"#, "agents[1]: must be a string, got number"),
            (
                #""type":"call.answered","call":"c1","agents":["201","202","201"]"#,
                #"agents[2]: duplicate extension "201""#
            ),
            (#""type":"call.answered","call":"c1","agents":["201",""]"#, "agents[1]: empty"),
            (
                #""type":"call.answered","call":"c1","agents":["# + (1...17).map { "\"\($0)\"" }.joined(separator: ",")
                    + "]",
                "agents: too many: 17 extensions, at most 16"
            ),
            (#""type":"call.answered","call":"c1","agent":201"#, "agent: must be a string, got number"),
            (
                #""type":"call.answered","call":"c1","agent":""# + String(repeating: "7", count: 33) + "\"",
                "agent: too long: 33 characters, at most 32"
            ),
            (
                #""type":"call.transferred","call":"c1","agent":"202","to_agent":" 305""#,
                "to_agent: contains whitespace (U+0020)"
            ),
            (
                #""type":"call.ended","call":"c1","cause":"hangup""#,
                #"cause: unknown cause "hangup", expected one of normal, abandoned, busy, no_answer, failed"#
            ),
            (#""type":"call.ended","call":"c1","cause":null"#, "cause: must be a string, got null"),
            (#""type":"agent.login","agent":"201","staff":"""#, "staff: empty"),
            (
                #""type":"agent.logout","agent":"201","staff":""# + String(repeating: "s", count: 65) + "\"",
                "staff: too long: 65 characters, at most 64"
            ),
        ]
    )
    func invalidFields(fields: String, message: String) {
        #expect(refused(fields: fields) == PBXLineError(code: .invalidField, id: "e9", message: message))
    }

    @Test("a long bad value is shortened in the message")
    func longValueShortened() {
        let cause = String(repeating: "x", count: 100)
        let error = refused(fields: #""type":"call.ended","call":"c1","cause":""# + cause + "\"")
        #expect(
            error?.message
                == "cause: unknown cause \"" + String(repeating: "x", count: 64)
                + "…\", expected one of normal, abandoned, busy, no_answer, failed"
        )
    }

    @Test("every error code has its wire name")
    func codeNames() {
        #expect(
            PBXLineError.Code.allCases.map(\.rawValue) == [
                "malformed_json", "unknown_type", "missing_field", "invalid_field", "line_too_long",
                "unsupported_version", "unavailable",
            ]
        )
        #expect(
            PBXLineError.lineTooLong(limit: 65_536)
                == PBXLineError(code: .lineTooLong, id: nil, message: "line too long: more than 65536 bytes")
        )
        #expect(
            PBXLineError.unavailable(id: "e1", reason: "database unreachable and spool full")
                == PBXLineError(
                    code: .unavailable,
                    id: "e1",
                    message: "event not stored, try again: database unreachable and spool full"
                )
        )
        #expect(
            PBXLineError(code: .invalidField, id: "e1", message: "to: empty").description
                == "invalid_field: to: empty (event e1)"
        )
    }
}

@Suite("PBX event encoder")
struct PBXEventEncoderTests {
    private static let at = RFC3339Timestamp(date: nineFifteen, utcOffsetSeconds: 28_800)

    static let samples: [PBXEvent] = [
        PBXEvent(
            id: "pbx1-000123",
            timestamp: at,
            kind: .callOffered(
                call: "c1",
                from: phone("+86 138 1234 5678"),
                fromName: #"张三 "老张" \ 😀"#,
                to: "12345",
                queue: "投诉"
            )
        ),
        PBXEvent(
            id: "e2",
            timestamp: at,
            kind: .callOffered(call: "c1", from: phone("110"), fromName: nil, to: "1", queue: nil)
        ),
        PBXEvent(id: "e3", timestamp: at, kind: .callAnswered(call: "c1", agents: ["201"])),
        PBXEvent(id: "e4", timestamp: at, kind: .callAnswered(call: "c1", agents: ["305", "201"])),
        PBXEvent(id: "e5", timestamp: at, kind: .callTransferred(call: "c1", agent: "201", toAgent: "305")),
        PBXEvent(id: "e6", timestamp: at, kind: .callEnded(call: "c1", cause: .noAnswer)),
        PBXEvent(id: "e7", timestamp: at, kind: .agentLogin(agent: "201", staff: "zhangsan")),
        PBXEvent(id: "e8", timestamp: at, kind: .agentLogout(agent: "201", staff: "zhangsan")),
        PBXEvent(
            id: "e9",
            at: Date(timeIntervalSince1970: 1_772_414_100.125),
            kind: .callEnded(call: "c1", cause: .abandoned)
        ),
    ]

    @Test("encoding then parsing gives an equal event", arguments: samples)
    func roundTrip(event: PBXEvent) throws {
        let line = event.encodedLine()
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.filter { $0 == UInt8(ascii: "\n") }.count == 1)
        #expect(PBXEventParser.parse(line: line.dropLast()) == .success(event))
    }

    @Test("exact encodings")
    func exact() {
        #expect(
            String(decoding: Self.samples[0].encodedLine(), as: UTF8.self)
                == #"{"v":1,"id":"pbx1-000123","type":"call.offered","at":"2026-03-02T09:15:00+08:00","call":"c1","#
                + #""from":"+8613812345678","from_name":"张三 \"老张\" \\ 😀","to":"12345","queue":"投诉"}"# + "\n"
        )
        #expect(
            String(decoding: Self.samples[2].encodedLine(), as: UTF8.self)
                == #"{"v":1,"id":"e3","type":"call.answered","at":"2026-03-02T09:15:00+08:00","call":"c1","#
                + #""agent":"201"}"#
                + "\n"
        )
        #expect(
            String(decoding: Self.samples[3].encodedLine(), as: UTF8.self)
                == #"{"v":1,"id":"e4","type":"call.answered","at":"2026-03-02T09:15:00+08:00","call":"c1","#
                + #""agents":["305","201"]}"# + "\n"
        )
        #expect(
            String(decoding: Self.samples[8].encodedLine(), as: UTF8.self)
                == #"{"v":1,"id":"e9","type":"call.ended","at":"2026-03-02T01:15:00.125Z","call":"c1","#
                + #""cause":"abandoned"}"#
                + "\n"
        )
    }

    @Test("a parsed line re-encodes byte for byte when written in the encoder's key order")
    func reencode() throws {
        let line =
            #"{"v":1,"id":"e1","type":"call.ended","at":"2026-03-02T09:15:00.500+08:00","call":"c1","cause":"busy"}"#
        let event = try event(line)
        #expect(String(decoding: event.encodedLine(), as: UTF8.self) == line + "\n")
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
