import Foundation
import HotlinePBXBridge
import HotlineProtocol
import Testing

/// Every action of a session fed `bytes`.
private func actions(_ bytes: [UInt8], session: inout FreeSWITCHSession) -> [FreeSWITCHSession.Action] {
    ESLFixtures.parse(bytes).flatMap { session.receive($0, now: Date(timeIntervalSince1970: 1_796_025_580)) }
}

private func text(_ action: FreeSWITCHSession.Action) -> String {
    switch action {
    case .send(let bytes): return "send " + String(decoding: bytes, as: UTF8.self)
    case .emit(let event): return "emit " + ESLFixtures.line(event)
    case .log(let line): return "log " + line
    case .disconnect(let error): return "disconnect \(error)"
    }
}

@Suite("FreeSWITCH session: the event-socket conversation around the call model")
struct ESLSessionTests {
    @Test(
        "session.esl: a bridge connecting while a call waits; logins from the agent list; the call rebuilt at its end"
    )
    func recordedSession() throws {
        var session = FreeSWITCHSession(
            password: "ClueCon",
            model: FreeSWITCHCallModel(configuration: try ESLFixtures.configuration())
        )
        let all = actions(try ESLFixtures.bytes("session.esl"), session: &session).map(text)
        let call = "88506eb5-4151-48a4-bcd7-c869a51f979c"
        #expect(
            all == [
                "send auth ClueCon\n\n",
                "send event plain CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_BRIDGE CHANNEL_HANGUP_COMPLETE CUSTOM callcenter::info\n\n",
                "send api callcenter_config agent list\n\n",
                "send api show channels\n\n",
                #"emit {"v":1,"id":"fs1-agent-8001-login-1796025579","type":"agent.login","at":"2026-11-30T15:59:39+08:00","agent":"8001","staff":"8001"}"#,
                #"emit {"v":1,"id":"fs1-agent-8002-login-1796025579","type":"agent.login","at":"2026-11-30T15:59:39+08:00","agent":"8002","staff":"8002"}"#,
                #"emit {"v":1,"id":"fs1-\#(call)-offered","type":"call.offered","at":"2026-11-30T15:59:41.362902+08:00","call":"\#(call)","from":"13900001111","from_name":"Li Lei","to":"12345","queue":"complaints"}"#,
                #"emit {"v":1,"id":"fs1-\#(call)-ended","type":"call.ended","at":"2026-11-30T15:59:41.362902+08:00","call":"\#(call)","cause":"abandoned"}"#,
                #"disconnect FreeSWITCH closed the event socket: "Disconnected, goodbye.\u{a}See you at ClueCon! http://www.clueco…""#,
            ]
        )
        // What the session sent is what the recording script sent before its own bgapi commands.
        let sent = String(decoding: try ESLFixtures.bytes("session.sent"), as: UTF8.self)
        let sessionSent = all.filter { $0.hasPrefix("send ") }.map { String($0.dropFirst(5)) }.joined()
        #expect(sent.hasPrefix(sessionSent))
        #expect(session.state == .closed)
    }

    @Test("a refused password disconnects with a message naming the password file")
    func refusedPassword() {
        var session = FreeSWITCHSession(
            password: "wrong",
            model: FreeSWITCHCallModel(configuration: try! ESLFixtures.configuration())
        )
        let all = actions(
            Array("Content-Type: auth/request\n\nContent-Type: command/reply\nReply-Text: -ERR invalid\n\n".utf8),
            session: &session
        )
        #expect(
            all == [
                .send(Array("auth wrong\n\n".utf8)),
                .disconnect(.authenticationRefused("-ERR invalid")),
            ]
        )
        #expect(all.last.map(text)?.contains("check the password file") == true)
        #expect(session.state == .closed)
    }

    /// A session that followed answered.esl's call up to the caller's bridge (event 26), then lost the connection
    /// and logged in again: the handshake is answered up to `show channels`, which lists `listed`.
    private func reconnected(listing listed: String) throws -> (FreeSWITCHSession, [String]) {
        var session = FreeSWITCHSession(
            password: "ClueCon",
            model: FreeSWITCHCallModel(configuration: try ESLFixtures.configuration())
        )
        let events = ESLFixtures.events(ESLFixtures.parse(try ESLFixtures.bytes("answered.esl")))
        for event in events[..<27] {
            _ = session.receive(.success(.event(event)), now: Date())
        }
        #expect(session.model.callIDs == [Self.call])
        session.reconnected()
        let handshake =
            "Content-Type: auth/request\n\n" + "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"
            + "Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n"
            + "Content-Type: api/response\nContent-Length: 8\n\n-ERR no\n"
            + "Content-Type: api/response\nContent-Length: \(listed.utf8.count)\n\n\(listed)"
        let all = actions(Array(handshake.utf8), session: &session).map(text)
        #expect(all.count >= 5)
        #expect(
            all.dropFirst(4).first?.hasPrefix("log agent list not read: callcenter_config agent list refused") == true
        )
        return (session, Array(all.dropFirst(5)))
    }

    private static let call = "136863aa-2309-4212-8a65-ab35a98bb499"

    private static func reply(_ body: String) -> [UInt8] {
        Array("Content-Type: api/response\nContent-Length: \(body.utf8.count)\n\n\(body)".utf8)
    }

    @Test("after a reconnect a call show channels misses is asked uuid_exists, and ended when FreeSWITCH says false")
    func reconnect() throws {
        let (reconnectedSession, afterListing) = try reconnected(listing: "\n0 total.\n")
        var session = reconnectedSession
        #expect(afterListing == ["send api uuid_exists \(Self.call)\n\n"])
        #expect(session.model.callsInProgress == 1, "nothing ended before FreeSWITCH answered")
        let all = actions(Self.reply("false"), session: &session).map(text)
        #expect(
            all == [
                #"emit {"v":1,"id":"fs1-136863aa-2309-4212-8a65-ab35a98bb499-ended","type":"call.ended","at":"2026-11-30T15:59:40+08:00","call":"136863aa-2309-4212-8a65-ab35a98bb499","cause":"failed"}"#,
                // The log says why the call ended: the register shows only that it did.
                "log call 136863aa-2309-4212-8a65-ab35a98bb499 is gone from the PBX: ended failed",
            ]
        )
        #expect(session.model.callsInProgress == 0)
        #expect(session.state == .ready)
    }

    @Test("a young call that show channels does not list yet is kept when uuid_exists says true (core db lag)")
    func youngCallKept() throws {
        let (reconnectedSession, afterListing) = try reconnected(listing: "\n0 total.\n")
        var session = reconnectedSession
        #expect(afterListing == ["send api uuid_exists \(Self.call)\n\n"])
        #expect(
            actions(Self.reply("true"), session: &session).map(text) == [
                "log call \(Self.call) is up though show channels does not list it yet; kept"
            ]
        )
        #expect(session.model.callIDs == [Self.call])
        // Its events still come, and end it as usual.
        let events = ESLFixtures.events(ESLFixtures.parse(try ESLFixtures.bytes("answered.esl")))
        let lines = events[27...].flatMap { session.receive(.success(.event($0)), now: Date()) }.map(text)
        #expect(lines.contains { $0.contains(#""type":"call.ended""#) && $0.contains(#""cause":"normal""#) })
        #expect(session.model.callsInProgress == 0)
    }

    @Test("an unusable uuid_exists reply keeps the call and is logged; a listed call is not asked about")
    func unclearReplyKeepsTheCall() throws {
        var (session, _) = try reconnected(listing: "\n0 total.\n")
        #expect(
            actions(Self.reply("-ERR no such command\n"), session: &session).map(text) == [
                #"log uuid_exists 136863aa-2309-4212-8a65-ab35a98bb499 answered "-ERR no such command\u{a}"; the call is kept"#
            ]
        )
        #expect(session.model.callIDs == [Self.call])

        let listing =
            "uuid,direction,created,created_epoch,name,state,cid_name\n"
            + "\(Self.call),inbound,2026-11-30 07:59:39,1796025579,loopback/12345-b,CS_EXECUTE,Alice\n\n1 total.\n"
        let (listed, afterListing) = try reconnected(listing: listing)
        #expect(afterListing.isEmpty, "a listed call is up: nothing to ask")
        #expect(listed.model.callIDs == [Self.call])
    }

    @Test("the model's part: callsMissing lists what the listing lacks; endGone ends a followed call once")
    func modelDecision() throws {
        var model = FreeSWITCHCallModel(configuration: try ESLFixtures.configuration())
        let events = ESLFixtures.events(ESLFixtures.parse(try ESLFixtures.bytes("answered.esl")))
        for event in events[..<27] { _ = model.handle(event, receivedAt: Date()) }
        #expect(model.callsMissing(from: []) == [Self.call])
        #expect(model.callsMissing(from: [Self.call]).isEmpty)
        let at = Date(timeIntervalSince1970: 1_796_025_580)
        #expect(model.endGone("not-a-call", at: at).isEmpty)
        let ended = model.endGone(Self.call, at: at).map(ESLFixtures.line)
        #expect(ended.count == 1 && ended[0].contains(#""cause":"failed""#), "\(ended)")
        #expect(model.endGone(Self.call, at: at).isEmpty, "once")
        #expect(FreeSWITCHChannelList.exists(reply: "true") == true)
        #expect(FreeSWITCHChannelList.exists(reply: "false\n") == false)
        #expect(FreeSWITCHChannelList.exists(reply: "-ERR") == nil)
        #expect(FreeSWITCHChannelList.exists(reply: "") == nil)
    }

    @Test("broken frames and unknown replies are logged, not fatal")
    func garbage() throws {
        var session = FreeSWITCHSession(
            password: "ClueCon",
            model: FreeSWITCHCallModel(configuration: try ESLFixtures.configuration())
        )
        let all = actions(
            Array("junk\n\nContent-Type: api/response\nContent-Length: 3\n\nhi\nContent-Type: auth/request\n\n".utf8),
            session: &session
        ).map(text)
        #expect(
            all == [
                #"log skipped a frame from FreeSWITCH: ESL header line without a colon: "junk"; header block skipped"#,
                "log an api reply nobody asked for; ignored",
                "send auth ClueCon\n\n",
            ]
        )
    }
}
