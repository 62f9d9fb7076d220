import Foundation
import HotlineCore
import HotlinePBXBridge
import HotlineProtocol
import Testing

/// Shared helpers of the ESL tests: fixtures, parsing, and the model's output as wire lines.
enum ESLFixtures {
    /// `Tests/HotlinePBXBridgeTests/Fixtures/freeswitch/<name>`, verbatim.
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/freeswitch/\(name)")
        return Array(try Data(contentsOf: url))
    }

    /// Every result of parsing `bytes` fed in chunks of `chunkSize`.
    static func parse(
        _ bytes: [UInt8],
        chunkSize: Int = .max,
        limits: ESLFrameParser.Limits = .init()
    ) -> [Result<ESLMessage, ESLFrameError>] {
        var parser = ESLFrameParser(limits: limits)
        var results: [Result<ESLMessage, ESLFrameError>] = []
        var start = 0
        while start < bytes.count {
            let end = start + min(chunkSize, bytes.count - start)
            parser.append(bytes[start..<end])
            while let result = parser.next() { results.append(result) }
            start = end
        }
        return results
    }

    static func parse(_ text: String, limits: ESLFrameParser.Limits = .init()) -> [Result<ESLMessage, ESLFrameError>] {
        parse(Array(text.utf8), limits: limits)
    }

    /// The events among parse results.
    static func events(_ results: [Result<ESLMessage, ESLFrameError>]) -> [ESLEvent] {
        results.compactMap {
            if case .success(.event(let event)) = $0 { return event }
            return nil
        }
    }

    /// The model the transcript tests use: system `fs1`, China's offset, withheld number 10000.
    static func configuration(
        queues: Set<String> = [],
        inboundNumbers: Set<String> = [],
        agentMap: [String: String] = [:]
    ) throws -> FreeSWITCHCallModel.Configuration {
        try FreeSWITCHCallModel.Configuration(
            systemName: "fs1",
            queues: queues,
            inboundNumbers: inboundNumbers,
            agentMap: agentMap,
            withheldNumber: try PhoneNumber(validating: "10000"),
            utcOffsetSeconds: 8 * 3600
        )
    }

    /// Feeds events to a model and returns its output as wire lines (without newlines), which show every field.
    static func lines(
        _ events: [ESLEvent],
        model: inout FreeSWITCHCallModel,
        receivedAt: Date = Date(timeIntervalSince1970: 0)
    ) -> [String] {
        events.flatMap { model.handle($0, receivedAt: receivedAt) }.map(line)
    }

    static func line(_ event: PBXEvent) -> String {
        String(decoding: event.encodedLine().dropLast(), as: UTF8.self)
    }

    /// The model's lines for a whole fixture file.
    static func transcriptLines(
        _ name: String,
        configuration: FreeSWITCHCallModel.Configuration
    ) throws -> [String] {
        var model = FreeSWITCHCallModel(configuration: configuration)
        return lines(events(parse(try bytes(name))), model: &model)
    }
}

@Suite("ESL fixtures: the recorded transcripts as frames")
struct ESLFixturesTests {
    /// What a transcript is made of, by message kind.
    private func census(_ results: [Result<ESLMessage, ESLFrameError>]) -> [String: Int] {
        var counts: [String: Int] = [:]
        for result in results {
            let key: String
            switch result {
            case .failure: key = "error"
            case .success(.authRequest): key = "auth"
            case .success(.commandReply): key = "reply"
            case .success(.apiResponse): key = "api"
            case .success(.disconnectNotice): key = "disconnect"
            case .success(.other): key = "other"
            case .success(.event(let event)): key = event.name ?? "?"
            }
            counts[key, default: 0] += 1
        }
        return counts
    }

    @Test("answered.esl: every frame parses, six channels created and hung up")
    func answeredFrames() throws {
        let results = ESLFixtures.parse(try ESLFixtures.bytes("answered.esl"))
        #expect(
            census(results) == [
                "auth": 1, "reply": 3, "api": 5, "disconnect": 1, "CUSTOM": 14, "CHANNEL_CREATE": 6,
                "CHANNEL_ANSWER": 6, "CHANNEL_BRIDGE": 2, "CHANNEL_HANGUP_COMPLETE": 6,
            ]
        )
        guard case .success(.apiResponse(let originate)) = results[11] else {
            Issue.record("frame 11 is not the originate reply: \(results[11])")
            return
        }
        #expect(originate == "+OK 269464c9-2355-4914-9e9e-eb1a69583ab3\n")
        let replies = results.compactMap { result -> String? in
            if case .success(.commandReply(let reply)) = result { return reply.text }
            return nil
        }
        #expect(replies == ["+OK accepted", "+OK event listener enabled plain", "+OK bye"])
    }

    @Test("abandoned.esl: every frame parses")
    func abandonedFrames() throws {
        let results = ESLFixtures.parse(try ESLFixtures.bytes("abandoned.esl"))
        #expect(
            census(results) == [
                "auth": 1, "reply": 3, "api": 6, "disconnect": 1, "CUSTOM": 8, "CHANNEL_CREATE": 2,
                "CHANNEL_ANSWER": 2, "CHANNEL_HANGUP_COMPLETE": 2,
            ]
        )
    }

    @Test("event headers are URL-decoded, duplicates kept in order")
    func decodedHeaders() throws {
        let events = ESLFixtures.events(ESLFixtures.parse(try ESLFixtures.bytes("answered.esl")))
        let queueStart = try #require(events.first { $0["CC-Action"] == "member-queue-start" })
        #expect(queueStart.subclass == "callcenter::info")
        #expect(queueStart["CC-Member-CID-Name"] == "Alice Example")
        #expect(queueStart["Event-Date-GMT"] == "Mon, 30 Nov 2026 06:36:33 GMT")
        #expect(queueStart["FreeSWITCH-IPv6"] == "fd00::2")
        let hangup = try #require(events.first { $0.name == "CHANNEL_HANGUP_COMPLETE" })
        #expect(hangup.headers.fields.filter { $0.name == "Hangup-Cause" }.count == 2)
        #expect(hangup["variable_caller_id"] == nil || hangup["variable_caller_id"]?.contains("%") == false)
    }

    @Test("the transcripts parse the same whatever the read sizes", arguments: [1, 2, 3, 7, 100, 1460, 4096])
    func chunked(size: Int) throws {
        for name in ["answered.esl", "abandoned.esl"] {
            let bytes = try ESLFixtures.bytes(name)
            #expect(ESLFixtures.parse(bytes, chunkSize: size) == ESLFixtures.parse(bytes), "\(name) in \(size)s")
        }
    }
}
