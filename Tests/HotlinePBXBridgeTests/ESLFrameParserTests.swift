import Foundation
import HotlinePBXBridge
import Testing

/// An event frame around `inner` (the event's header lines, already URL-encoded, and any body).
private func eventFrame(_ inner: String) -> String {
    "Content-Length: \(inner.utf8.count)\nContent-Type: text/event-plain\n\n" + inner
}

/// One of each frame kind, an event with its own body, CRLF line ends, padding and garbage.
private let mixedStream =
    "Content-Type: auth/request\n\n"
    + "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"
    + "\n\n"  // padding between frames
    + "Content-Type: api/response\nContent-Length: 21\n\n+OK 269464c9-2355-49\n"
    + eventFrame("Event-Name: BACKGROUND_JOB\nJob-UUID: 7f4d\nContent-Length: 11\n\n+OK\nline 2\n\n")
    + "this is not a header\n\n"
    + "Content-Type: command/reply\r\nReply-Text: -ERR invalid\r\n\r\n"
    + eventFrame("Event-Name: CUSTOM\nEvent-Subclass: callcenter%3A%3Ainfo\nCC-Member-CID-Name: %E7%8E%8B%20Wang\n\n")
    + "Content-Type: text/disconnect-notice\nContent-Length: 9\n\nGoodbye.\n"

private func results(_ text: String, limits: ESLFrameParser.Limits = .init()) -> [Result<ESLMessage, ESLFrameError>] {
    ESLFixtures.parse(text, limits: limits)
}

private func event(_ result: Result<ESLMessage, ESLFrameError>?) -> ESLEvent? {
    if case .success(.event(let event)) = result { return event }
    return nil
}

@Suite("ESL frame parser")
struct ESLFrameParserTests {
    @Test("each frame kind, in order; garbage reported and skipped")
    func mixed() throws {
        let parsed = results(mixedStream)
        #expect(parsed.count == 8)
        #expect(parsed[0] == .success(.authRequest))
        guard case .success(.commandReply(let accepted)) = parsed[1] else {
            Issue.record("not a reply: \(parsed[1])")
            return
        }
        #expect(accepted.text == "+OK accepted" && accepted.isOK)
        #expect(parsed[2] == .success(.apiResponse("+OK 269464c9-2355-49\n")))
        let job = try #require(event(parsed[3]))
        #expect(job.name == "BACKGROUND_JOB")
        #expect(job["Job-UUID"] == "7f4d")
        #expect(job.body == Array("+OK\nline 2\n".utf8))
        #expect(parsed[4] == .failure(.malformedHeaderLine("this is not a header")))
        guard case .success(.commandReply(let refused)) = parsed[5] else {
            Issue.record("not a reply: \(parsed[5])")
            return
        }
        #expect(refused.text == "-ERR invalid" && !refused.isOK)
        let custom = try #require(event(parsed[6]))
        #expect(custom.subclass == "callcenter::info")
        #expect(custom["CC-Member-CID-Name"] == "王 Wang")
        #expect(parsed[7] == .success(.disconnectNotice("Goodbye.\n")))
    }

    @Test("the same results at every split point, and byte by byte")
    func everySplitPoint() {
        let bytes = Array(mixedStream.utf8)
        let whole = ESLFixtures.parse(bytes)
        for split in 0...bytes.count {
            var parser = ESLFrameParser()
            var parsed: [Result<ESLMessage, ESLFrameError>] = []
            parser.append(bytes[..<split])
            while let result = parser.next() { parsed.append(result) }
            parser.append(bytes[split...])
            while let result = parser.next() { parsed.append(result) }
            #expect(parsed == whole, "split at \(split)")
        }
        #expect(ESLFixtures.parse(bytes, chunkSize: 1) == whole)
    }

    @Test("an event's own Content-Length body, and a wrong one refused without losing the next frame")
    func nestedBodies() throws {
        let inner = "Event-Name: API\nContent-Length: 5\n\nab\ncd"
        let wrong = "Event-Name: API\nContent-Length: 50\n\nshort"
        let bad = "Event-Name: API\nContent-Length: -3\n\n"
        let parsed = results(
            eventFrame(inner) + eventFrame(wrong) + eventFrame(bad) + "Content-Type: auth/request\n\n"
        )
        #expect(parsed.count == 4)
        #expect(event(parsed[0])?.body == Array("ab\ncd".utf8))
        #expect(parsed[1] == .failure(.malformedEvent("inner Content-Length 50 but 5 bytes follow")))
        guard case .failure(.malformedEvent) = parsed[2] else {
            Issue.record("a negative inner Content-Length was taken: \(parsed[2])")
            return
        }
        #expect(parsed[3] == .success(.authRequest))
    }

    @Test("an event body without Event-Name, or with a header line without a colon, is refused")
    func malformedEvents() {
        let parsed = results(eventFrame("Unique-ID: x\n\n") + eventFrame("Event-Name: X\nno colon here\n\n"))
        #expect(parsed.count == 2)
        #expect(parsed[0] == .failure(.malformedEvent("no Event-Name")))
        guard case .failure(.malformedEvent(let reason)) = parsed[1] else {
            Issue.record("accepted: \(parsed[1])")
            return
        }
        #expect(reason.contains("no colon here"))
    }

    @Test(
        "URL-decoding edge cases",
        arguments: [
            ("Alice%20Example", "Alice Example"),
            ("callcenter%3a%3Ainfo", "callcenter::info"),
            ("%E7%8E%8B%E5%A5%B3%E5%A3%AB", "王女士"),
            ("100%", "100%"),
            ("%4", "%4"),
            ("%ZZtop", "%ZZtop"),
            ("a%2", "a%2"),
            ("+OK%2B1", "+OK+1"),
            ("%FF%FE", "\u{FFFD}\u{FFFD}"),
            ("%E7%8E", "\u{FFFD}"),
            ("nul%00byte", "nul\u{0}byte"),
            ("%25%32%30", "%20"),
            ("", ""),
        ]
    )
    func urlDecoding(encoded: String, decoded: String) {
        #expect(ESLURLDecoding.decode(Array(encoded.utf8)) == decoded)
        let parsed = results(eventFrame("Event-Name: X\nValue: \(encoded)\n\n"))
        #expect(event(parsed.first)?["Value"] == decoded)
    }

    @Test("garbage between frames is reported and parsing resumes")
    func garbage() {
        let stream =
            "\u{0}\u{1}\u{FF}binary junk\n\n" + "Foo: bar\n\n" + "Content-Type: api/response\nContent-Length: 2x\n\nok"
            + "\n\n" + ":no name\n\n" + "Content-Type: auth/request\n\n"
        let parsed = results(stream)
        #expect(
            parsed == [
                .failure(.malformedHeaderLine("\u{0}\u{1}\u{FF}binary junk")),
                .failure(.missingContentType(headerCount: 1)),
                .failure(.invalidContentLength("2x")),
                .failure(.malformedHeaderLine("ok")),
                .failure(.malformedHeaderLine(":no name")),
                .success(.authRequest),
            ]
        )
    }

    @Test("a header block over the limit is reported once and skipped to its empty line, in bounded memory")
    func oversizeHeaderBlock() {
        let limits = ESLFrameParser.Limits(maxHeaderBlockBytes: 64, maxBodyBytes: 1024)
        var parser = ESLFrameParser(limits: limits)
        var parsed: [Result<ESLMessage, ESLFrameError>] = []
        let line = Array("X-Junk: \(String(repeating: "y", count: 40))\n".utf8)
        for _ in 0..<20_000 {
            parser.append(line)
            while let result = parser.next() { parsed.append(result) }
            #expect(parser.bufferedByteCount <= 64 + line.count)
        }
        parser.append(Array("\nContent-Type: auth/request\n\n".utf8))
        while let result = parser.next() { parsed.append(result) }
        #expect(parsed == [.failure(.headerBlockTooLong(limit: 64)), .success(.authRequest)])
    }

    @Test("the header limit is exact, and the verdict does not depend on the reads", arguments: [1, 3, 1000])
    func headerLimitBoundary(chunkSize: Int) {
        // 64 bytes with its empty line: accepted; one more byte: refused.
        let fits = "Content-Type: command/reply\nReply-Text: " + String(repeating: "z", count: 22) + "\n\n"
        let over = "Content-Type: command/reply\nReply-Text: " + String(repeating: "z", count: 23) + "\n\n"
        #expect(fits.utf8.count == 64)
        let limits = ESLFrameParser.Limits(maxHeaderBlockBytes: 64)
        let next = "Content-Type: auth/request\n\n"
        let accepted = ESLFixtures.parse(Array((fits + next).utf8), chunkSize: chunkSize, limits: limits)
        #expect(accepted.count == 2)
        #expect(accepted.last == .success(.authRequest))
        if case .success(.commandReply) = accepted.first {} else { Issue.record("refused: \(accepted)") }
        let refused = ESLFixtures.parse(Array((over + next).utf8), chunkSize: chunkSize, limits: limits)
        #expect(refused == [.failure(.headerBlockTooLong(limit: 64)), .success(.authRequest)])
    }

    @Test("a body over the limit is reported before it arrives and skipped without buffering")
    func oversizeBody() {
        var parser = ESLFrameParser(limits: .init(maxHeaderBlockBytes: 1024, maxBodyBytes: 1000))
        parser.append(Array("Content-Type: api/response\nContent-Length: 5000000\n\n".utf8))
        #expect(parser.next() == .failure(.bodyTooLarge(declared: 5_000_000, limit: 1000)))
        let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 50_000)
        for _ in 0..<100 {
            parser.append(chunk)
            #expect(parser.next() == nil)
            #expect(parser.bufferedByteCount == 0)
        }
        parser.append(Array("Content-Type: auth/request\n\n".utf8))
        #expect(parser.next() == .success(.authRequest))
        #expect(parser.next() == nil)
    }

    @Test("a Content-Length of more than nine digits is not a byte count")
    func hugeContentLength() {
        #expect(
            results("Content-Type: api/response\nContent-Length: 99999999999999999999\n\n")
                == [.failure(.invalidContentLength("99999999999999999999"))]
        )
    }

    @Test("other content types are passed on as frames")
    func otherContentTypes() {
        let parsed = results("Content-Type: log/data\nContent-Length: 3\nLog-Level: 7\n\nabc")
        #expect(
            parsed == [
                .success(
                    .other(
                        ESLFrame(
                            headers: ESLHeaders([
                                "Content-Type": "log/data", "Content-Length": "3", "Log-Level": "7",
                            ]),
                            body: Array("abc".utf8)
                        )
                    )
                )
            ]
        )
    }

    @Test("error descriptions name the problem and escape what they quote")
    func errorDescriptions() {
        #expect(
            ESLFrameError.malformedHeaderLine("a\nfake log line").description
                == #"ESL header line without a colon: "a\u{a}fake log line"; header block skipped"#
        )
        #expect(
            ESLFrameError.malformedHeaderLine("x\u{2028}y\u{85}z").description
                == #"ESL header line without a colon: "x\u{2028}y\u{85}z"; header block skipped"#
        )
        #expect(
            ESLFrameError.bodyTooLarge(declared: 9, limit: 8).description
                == "ESL frame body of 9 bytes is over the limit of 8 bytes; skipped"
        )
    }

    @Test("commands end with the empty line; a line break in an argument is refused")
    func commands() throws {
        #expect(try ESLCommand.auth(password: "ClueCon") == Array("auth ClueCon\n\n".utf8))
        #expect(
            try ESLCommand.subscribe()
                == Array(
                    "event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info\n\n"
                        .utf8
                )
        )
        #expect(try ESLCommand.api("show channels") == Array("api show channels\n\n".utf8))
        #expect(throws: ESLCommand.CommandError.lineBreak(command: "auth")) {
            try ESLCommand.auth(password: "x\n\napi hupall")
        }
        #expect(throws: ESLCommand.CommandError.empty) { try ESLCommand.api("") }
    }
}
