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

    @Test("after a reconnect the conversation starts over and show channels ends the calls gone meanwhile")
    func reconnect() throws {
        var session = FreeSWITCHSession(
            password: "ClueCon",
            model: FreeSWITCHCallModel(configuration: try ESLFixtures.configuration())
        )
        // The first connection: answered.esl up to the caller's bridge (event 26), then the connection drops.
        let events = ESLFixtures.events(ESLFixtures.parse(try ESLFixtures.bytes("answered.esl")))
        for event in events[..<27] {
            _ = session.receive(.success(.event(event)), now: Date())
        }
        #expect(session.model.callIDs == ["136863aa-2309-4212-8a65-ab35a98bb499"])
        session.reconnected()
        let handshake =
            "Content-Type: auth/request\n\n" + "Content-Type: command/reply\nReply-Text: +OK accepted\n\n"
            + "Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n"
            + "Content-Type: api/response\nContent-Length: 8\n\n-ERR no\n"
            + "Content-Type: api/response\nContent-Length: 10\n\n\n0 total.\n"
        let all = actions(Array(handshake.utf8), session: &session).map(text)
        #expect(all.count == 7)
        #expect(all[4].hasPrefix("log agent list not read: callcenter_config agent list refused"))
        #expect(
            all[5]
                == #"emit {"v":1,"id":"fs1-136863aa-2309-4212-8a65-ab35a98bb499-ended","type":"call.ended","at":"2026-11-30T15:59:40+08:00","call":"136863aa-2309-4212-8a65-ab35a98bb499","cause":"failed"}"#
        )
        // The log says why the call ended: the register shows only that it did.
        #expect(all[6] == "log call 136863aa-2309-4212-8a65-ab35a98bb499 is gone from the PBX: ended failed")
        #expect(session.model.callsInProgress == 0)
        #expect(session.state == .ready)
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
