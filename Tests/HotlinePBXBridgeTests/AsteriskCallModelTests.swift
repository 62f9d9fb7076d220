import Foundation
import HotlineCore
import HotlinePBXBridge
import HotlineProtocol
import Testing

/// The Asterisk call model on the transcripts recorded from the real Asterisk 22.7.0 and on hand-written ones:
/// every event the bridge would send is checked, in order.
@Suite("Asterisk call model")
struct AsteriskCallModelTests {
    @Test("answered.ami: login, an offered call with name and number, answered by 8001, ended normally, logout")
    func answered() throws {
        let transcript = try AMITranscript(fixture: "answered.ami")
        #expect(transcript.banner == "Asterisk Call Manager/11.0.0")
        #expect(transcript.malformed.isEmpty)
        let call = "pbx1-1796018840.0"
        #expect(
            transcript.eventLines() == [
                Expect.login("8001", staff: "zhangsan", session: "1796018839"),
                Expect.offered(call, from: "13812345678", name: "王女士"),
                Expect.answered(call, agent: "8001"),
                Expect.ended(call, cause: "normal"),
                Expect.logout("8001", staff: "zhangsan", session: "1796018839"),
            ]
        )
    }

    @Test("abandoned.ami: the caller gives up in an empty queue; the call is offered and ended abandoned, once")
    func abandoned() throws {
        let transcript = try AMITranscript(fixture: "abandoned.ami")
        let call = "pbx1-1796018867.7"
        #expect(
            transcript.eventLines() == [
                Expect.offered(call, from: "13900001111", name: "李先生"),
                Expect.ended(call, cause: "abandoned"),
            ]
        )
    }

    @Test("ringall.ami: two agents ring, 8001 answers, the cancelled leg of 8002 is not an answer")
    func ringAll() throws {
        let transcript = try AMITranscript(fixture: "ringall.ami")
        let call = "pbx1-1796018876.11"
        #expect(
            transcript.eventLines() == [
                Expect.login("8001", staff: "zhangsan", session: "1796018875"),
                Expect.login("8002", staff: "lisi", session: "1796018875"),
                Expect.offered(call, from: "13700002222", name: "赵女士"),
                Expect.answered(call, agent: "8001"),
                Expect.ended(call, cause: "normal"),
                Expect.logout("8001", staff: "zhangsan", session: "1796018875"),
                Expect.logout("8002", staff: "lisi", session: "1796018875"),
            ]
        )
    }

    @Test("pause.ami: pausing is not a logout; one login and one logout")
    func pause() throws {
        let transcript = try AMITranscript(fixture: "pause.ami")
        #expect(
            transcript.eventLines() == [
                Expect.login("8004", staff: "wangwu", session: "1796018897"),
                Expect.logout("8004", staff: "wangwu", session: "1796018897"),
            ]
        )
    }

    @Test("the agent map turns the PBX's member name into the staff login")
    func agentMap() throws {
        let map = try AgentMap(parsing: "# member → login\nzhangsan = zhang.san\n8002 lisi2\n")
        let transcript = try AMITranscript(fixture: "ringall.ami")
        let lines = transcript.eventLines(policy: AMITranscript.policy(agentMap: map))
        #expect(lines.first == Expect.login("8001", staff: "zhang.san", session: "1796018875"))
        #expect(lines[1] == Expect.login("8002", staff: "lisi2", session: "1796018875"))
        #expect(lines.last == Expect.logout("8002", staff: "lisi2", session: "1796018875"))
    }

    @Test("a queue not in --queue is not the hotline: no call events, no agent sessions")
    func otherQueue() throws {
        let transcript = try AMITranscript(fixture: "answered.ami")
        #expect(transcript.eventLines(policy: AMITranscript.policy(queues: ["sales"])).isEmpty)
        #expect(transcript.eventLines(policy: AMITranscript.policy(queues: ["sales", "complaints"])).count == 5)
    }

    @Test("transfers.ami: a blind transfer 8001→8002 and an attended one 8002→8003 after the answer")
    func transfers() throws {
        let transcript = try AMITranscript(fixture: "transfers.ami")
        #expect(transcript.malformed.isEmpty)
        let call = "pbx1-1796020000.20"
        #expect(
            transcript.eventLines() == [
                Expect.login("8001", staff: "zhangsan", session: "1796020000"),
                Expect.offered(call, from: "13812345678", name: "王女士"),
                Expect.answered(call, agent: "8001"),
                Expect.transferred(call, number: 1, from: "8001", to: "8002"),
                Expect.transferred(call, number: 2, from: "8002", to: "8003"),
                Expect.ended(call, cause: "normal"),
            ]
        )
    }

    @Test("withheld.ami: a withheld number and a number never given become --withheld-number, without a name")
    func withheld() throws {
        let transcript = try AMITranscript(fixture: "withheld.ami")
        #expect(
            transcript.eventLines() == [
                Expect.offered("pbx1-1796020100.30", from: "000", name: nil),
                Expect.ended("pbx1-1796020100.30", cause: "abandoned"),
                Expect.offered("pbx1-1796020100.31", from: "000", name: nil),
                Expect.ended("pbx1-1796020100.31", cause: "busy"),
            ]
        )
    }

    @Test("garbage.ami: broken frames are reported and skipped; the good frames after them still make events")
    func garbage() throws {
        for chunkSize in [1, 7, 4096] {
            let transcript = try AMITranscript(fixture: "garbage.ami", chunkSize: chunkSize)
            #expect(transcript.malformed.count == 4, "chunk size \(chunkSize)")
            let call = "pbx1-1796020200.40"
            #expect(
                transcript.eventLines() == [
                    Expect.login("8005", staff: "zhaoliu", session: "1796020200"),
                    Expect.offered(call, from: "13900001111", name: "李先生"),
                    Expect.ended(call, cause: "failed"),
                ]
            )
        }
    }

    @Test("byte-at-a-time parsing gives the same frames as whole-file parsing, for every recorded transcript")
    func chunking() throws {
        for name in ["answered.ami", "abandoned.ami", "ringall.ami", "pause.ami"] {
            let whole = try AMITranscript(fixture: name)
            let bytewise = try AMITranscript(fixture: name, chunkSize: 1)
            #expect(whole.frames == bytewise.frames, "\(name)")
            #expect(whole.frames.count > 5)
        }
    }

    @Test(
        "the same transcript gives the same event ids every time (a restarted bridge resends duplicates), all distinct"
    )
    func derivedIDsAreStable() throws {
        let transcript = try AMITranscript(fixture: "answered.ami")
        let first = transcript.eventLines()
        let second = transcript.eventLines()
        #expect(first == second)
        #expect(Set(first.map { $0.split(separator: ",")[1] }).count == first.count)
    }

    @Test("an inbound number without a queue: the Local ;2 half is the caller, a direct dial to PJSIP/8003 answers")
    func inboundDirectDial() throws {
        let call = "pbx1-1.0"
        var model = AsteriskCallModel(policy: AMITranscript.policy(queues: ["none"], inbound: ["12345"]))
        func channel(_ event: String, _ name: String, _ uniqueID: String, _ extra: KeyValuePairs<String, String> = [:])
            -> AMIFrame
        {
            var frame = AMIFrame([
                "Event": event, "SystemName": "pbx1", "Channel": name, "CallerIDNum": "<unknown>",
                "CallerIDName": "<unknown>", "Exten": "12345", "Uniqueid": uniqueID, "Linkedid": call,
            ])
            for (key, value) in extra { frame.fields.append(.init(key: key, value: value)) }
            return frame
        }
        let frames = [
            channel("Newchannel", "Local/12345@hotline-in-00000000;1", "pbx1-1.0"),
            channel("Newchannel", "Local/12345@hotline-in-00000000;2", "pbx1-1.1"),
            channel("NewCallerid", "Local/12345@hotline-in-00000000;2", "pbx1-1.1").with(
                "CallerIDNum",
                "+86 138-1234-5678"
            ),
            AMIFrame([
                "Event": "DialEnd", "Channel": "Local/12345@hotline-in-00000000;2", "Uniqueid": "pbx1-1.1",
                "Linkedid": call, "DestChannel": "PJSIP/8003-0000000a", "DialStatus": "ANSWER",
            ]),
            channel("Hangup", "Local/12345@hotline-in-00000000;1", "pbx1-1.0", ["Cause": "16"]),
            channel("Hangup", "Local/12345@hotline-in-00000000;2", "pbx1-1.1", ["Cause": "16"]),
        ]
        let lines = frames.flatMap { model.handle($0, at: AMITranscript.at) }.map(AMITranscript.line)
        #expect(
            lines == [
                Expect.offered(call, from: "+8613812345678", name: nil, to: "12345", queue: nil),
                Expect.answered(call, agent: "8003"),
                Expect.ended(call, cause: "normal"),
            ]
        )
        #expect(model.callsInProgress == 0)
    }

    @Test("a queue that gives up (timeout) ends the call no_answer, not abandoned")
    func queueTimeout() throws {
        var model = AsteriskCallModel(policy: AMITranscript.policy())
        let ids: KeyValuePairs<String, String> = [:]
        _ = ids
        let base: [(String, String)] = [
            ("Channel", "PJSIP/trunk-1"), ("Uniqueid", "p-9.0"), ("Linkedid", "p-9.0"),
            ("CallerIDNum", "13800000000"), ("Exten", "12345"),
        ]
        func frame(_ event: String, _ extra: [(String, String)]) -> AMIFrame {
            AMIFrame(fields: ([("Event", event)] + base + extra).map { .init(key: $0.0, value: $0.1) })
        }
        let events = [
            frame("QueueCallerJoin", [("Queue", "complaints")]),
            frame("QueueCallerLeave", [("Queue", "complaints")]),
            frame("Hangup", [("Cause", "16")]),
        ].flatMap { model.handle($0, at: AMITranscript.at) }
        #expect(
            events.map(\.kind) == [
                .callOffered(
                    call: "p-9.0",
                    from: try PhoneNumber(validating: "13800000000"),
                    fromName: nil,
                    to: "12345",
                    queue: "complaints"
                ),
                .callEnded(call: "p-9.0", cause: .noAnswer),
            ]
        )
        #expect(events.map(\.id) == ["pbx-p-9.0-offered", "pbx-p-9.0-ended"])
    }

    @Test("reconciliation ends, with cause failed, the calls known before a reconnect that are no longer up")
    func reconciliation() throws {
        let transcript = try AMITranscript(fixture: "ringall.ami")
        var model = AsteriskCallModel(policy: AMITranscript.policy())
        // Stop in mid-call: after the answer, before any hang-up.
        let answerIndex = try #require(transcript.frames.firstIndex { $0.eventName == "AgentConnect" })
        for frame in transcript.frames[...answerIndex] { _ = model.handle(frame, at: AMITranscript.at) }
        #expect(model.callsInProgress == 1)

        // Saved and loaded again (a restart of the bridge), then reconnected: the call is still up.
        let saved = try JSONEncoder().encode(model.state)
        var restarted = AsteriskCallModel(
            policy: AMITranscript.policy(),
            state: try JSONDecoder().decode(AsteriskCallModel.State.self, from: saved)
        )
        restarted.beginReconciliation()
        #expect(restarted.finishReconciliation(activeCallIDs: ["pbx1-1796018876.11"], at: AMITranscript.at).isEmpty)
        #expect(restarted.callsInProgress == 1)

        // Reconnected again, and the call is gone: ended failed, once.
        restarted.beginReconciliation()
        // A call that starts while the list is being answered is not taken for a gone one.
        _ = restarted.handle(
            AMIFrame([
                "Event": "QueueCallerJoin", "Queue": "complaints", "Channel": "PJSIP/t-2", "Uniqueid": "n-1",
                "Linkedid": "n-1", "CallerIDNum": "13912345678",
            ]),
            at: AMITranscript.at
        )
        let ended = restarted.finishReconciliation(activeCallIDs: [], at: AMITranscript.at)
        #expect(ended.map(AMITranscript.line) == [Expect.ended("pbx1-1796018876.11", cause: "failed")])
        #expect(restarted.callsInProgress == 1)
        restarted.beginReconciliation()
        #expect(restarted.finishReconciliation(activeCallIDs: ["n-1"], at: AMITranscript.at).isEmpty)
    }

    @Test("a restarted bridge that replays the rest of a call from saved state sends the rest once")
    func resumeFromSavedState() throws {
        let transcript = try AMITranscript(fixture: "answered.ami")
        let all = transcript.eventLines()
        let cut = try #require(transcript.frames.firstIndex { $0.eventName == "BridgeEnter" })
        var model = AsteriskCallModel(policy: AMITranscript.policy())
        var lines = transcript.frames[..<cut].flatMap { model.handle($0, at: AMITranscript.at) }.map(AMITranscript.line)
        let saved = try JSONEncoder().encode(model.state)
        var restarted = AsteriskCallModel(
            policy: AMITranscript.policy(),
            state: try JSONDecoder().decode(AsteriskCallModel.State.self, from: saved)
        )
        lines += transcript.frames[cut...].flatMap { restarted.handle($0, at: AMITranscript.at) }.map(
            AMITranscript.line
        )
        #expect(lines == all)
    }

    @Test("agent sessions are reconciled with QueueStatus after a reconnect: gone members out, new ones in")
    func agentReconciliation() throws {
        let transcript = try AMITranscript(fixture: "ringall.ami")
        var model = AsteriskCallModel(policy: AMITranscript.policy(queues: ["complaints"]))
        // Both agents logged in (the two QueueMemberAdded), then the bridge lost the PBX.
        for frame in transcript.frames.prefix(while: { $0.eventName != "Newchannel" }) {
            _ = model.handle(frame, at: AMITranscript.at)
        }
        #expect(model.agentsLoggedIn == 2)
        func member(_ name: String, _ ext: String, queue: String = "complaints") -> AMIFrame {
            AMIFrame([
                "Event": "QueueMember", "Queue": queue, "Name": name, "Location": "Local/\(ext)@agents",
                "LoginTime": "1796019000",
            ])
        }
        // Still listed: nothing to send, however often it is asked.
        var unchanged = model
        #expect(
            unchanged.reconcileAgents(
                queueMembers: [member("zhangsan", "8001"), member("lisi", "8002")],
                at: AMITranscript.at
            )
            .isEmpty
        )
        // lisi left while the bridge was away; wangwu now sits on 8001 instead of zhangsan; 8003 joined; a member
        // of another queue is not the hotline's.
        let events = model.reconcileAgents(
            queueMembers: [member("wangwu", "8001"), member("zhaoliu", "8003"), member("x", "9000", queue: "sales")],
            at: AMITranscript.at
        ).map(AMITranscript.line)
        #expect(
            events == [
                Expect.logout("8001", staff: "zhangsan", session: "1796018875"),
                Expect.logout("8002", staff: "lisi", session: "1796018875"),
                Expect.login("8001", staff: "wangwu", session: "1796019000"),
                Expect.login("8003", staff: "zhaoliu", session: "1796019000"),
            ]
        )
        #expect(model.agentsLoggedIn == 2)
    }
}

extension AMIFrame {
    /// The frame with `key` set to `value` (the first field of that name replaced).
    fileprivate func with(_ key: String, _ value: String) -> AMIFrame {
        var copy = self
        if let index = copy.fields.firstIndex(where: { $0.key == key }) {
            copy.fields[index].value = value
        } else {
            copy.fields.append(.init(key: key, value: value))
        }
        return copy
    }
}
