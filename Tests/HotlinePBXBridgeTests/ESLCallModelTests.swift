import Foundation
import HotlineCore
import HotlinePBXBridge
import HotlineProtocol
import Testing

/// A synthetic event: `Event-Name`, a timestamp in seconds after 2026-11-30T06:00:00Z, and the given headers.
private func event(_ name: String, second: Int, _ headers: [(String, String)]) -> ESLEvent {
    var fields = [
        ESLHeaders.Field(name: "Event-Name", value: name),
        ESLHeaders.Field(name: "Event-Date-Timestamp", value: String((1_796_018_400 + second) * 1_000_000)),
    ]
    if name == "CUSTOM" { fields.append(.init(name: "Event-Subclass", value: "callcenter::info")) }
    fields += headers.map { ESLHeaders.Field(name: $0.0, value: $0.1) }
    return ESLEvent(headers: ESLHeaders(fields))
}

/// `2026-11-30T14:00:SS+08:00`
private func at(_ second: Int) -> String {
    "2026-11-30T14:00:\(second < 10 ? "0" : "")\(second)+08:00"
}

/// An inbound SIP caller dialling `dialled`.
private func callerCreated(_ uuid: String, number: String, name: String, dialled: String, second: Int) -> ESLEvent {
    event(
        "CHANNEL_CREATE",
        second: second,
        [
            ("Unique-ID", uuid), ("Channel-Name", "sofia/external/\(number)@198.51.100.7"),
            ("Call-Direction", "inbound"), ("Caller-Caller-ID-Number", number), ("Caller-Caller-ID-Name", name),
            ("Caller-Destination-Number", dialled), ("Caller-Privacy-Hide-Number", "false"),
        ]
    )
}

/// A B-leg originated by `originator` towards `channelName`.
private func bLegCreated(_ uuid: String, originator: String, channelName: String, second: Int) -> ESLEvent {
    event(
        "CHANNEL_CREATE",
        second: second,
        [
            ("Unique-ID", uuid), ("Channel-Name", channelName), ("Call-Direction", "outbound"),
            ("Other-Leg-Unique-ID", originator), ("variable_originator", originator),
        ]
    )
}

private func answered(_ uuid: String, second: Int) -> ESLEvent {
    event("CHANNEL_ANSWER", second: second, [("Unique-ID", uuid)])
}

private func bridged(_ uuid: String, to other: String, otherName: String, second: Int) -> ESLEvent {
    event(
        "CHANNEL_BRIDGE",
        second: second,
        [("Unique-ID", uuid), ("Other-Leg-Unique-ID", other), ("Other-Leg-Channel-Name", otherName)]
    )
}

private func hungUp(_ uuid: String, cause: String, second: Int, _ extra: [(String, String)] = []) -> ESLEvent {
    event("CHANNEL_HANGUP_COMPLETE", second: second, [("Unique-ID", uuid), ("Hangup-Cause", cause)] + extra)
}

private func queueStart(_ uuid: String, queue: String, number: String, name: String, second: Int) -> ESLEvent {
    event(
        "CUSTOM",
        second: second,
        [
            ("CC-Action", "member-queue-start"), ("Unique-ID", uuid), ("CC-Member-Session-UUID", uuid),
            ("CC-Queue", queue), ("CC-Member-CID-Number", number), ("CC-Member-CID-Name", name),
            ("Caller-Destination-Number", "12345"),
        ]
    )
}

private func agentBridged(_ member: String, agent: String, agentLeg: String, second: Int) -> ESLEvent {
    event(
        "CUSTOM",
        second: second,
        [
            ("CC-Action", "bridge-agent-start"), ("Unique-ID", agentLeg), ("CC-Agent", agent),
            ("CC-Agent-UUID", agentLeg), ("CC-Member-Session-UUID", member), ("CC-Queue", "complaints"),
        ]
    )
}

private func agentStatus(_ agent: String, _ status: String, second: Int) -> ESLEvent {
    event(
        "CUSTOM",
        second: second,
        [("CC-Action", "agent-status-change"), ("CC-Agent", agent), ("CC-Agent-Status", status)]
    )
}

private func makeModel(
    queues: Set<String> = [],
    inbound: Set<String> = [],
    agentMap: [String: String] = [:]
) throws -> FreeSWITCHCallModel {
    FreeSWITCHCallModel(
        configuration: try ESLFixtures.configuration(queues: queues, inboundNumbers: inbound, agentMap: agentMap)
    )
}

@Suite("FreeSWITCH call model")
struct ESLCallModelTests {
    @Test(
        "a withheld or unusable caller id becomes the withheld number",
        arguments: ["anonymous", "", "Restricted", "abc"]
    )
    func withheld(number: String) throws {
        var model = try makeModel()
        let lines = ESLFixtures.lines(
            [queueStart("c-1", queue: "complaints", number: number, name: "Anonymous", second: 1)],
            model: &model
        )
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-c-1-offered","type":"call.offered","at":"\#(at(1))","call":"c-1","from":"10000","to":"12345","queue":"complaints"}"#
            ]
        )
        #expect(model.takeWarnings().count == (number == "abc" ? 1 : 0))
    }

    @Test("a caller who asked for privacy is sent as withheld")
    func privacy() throws {
        var model = try makeModel(inbound: ["12345"])
        var create = callerCreated("c-2", number: "13812345678", name: "王女士", dialled: "12345", second: 1)
        create.headers = ESLHeaders(
            create.headers.fields.map {
                $0.name == "Caller-Privacy-Hide-Number" ? .init(name: $0.name, value: "true") : $0
            }
        )
        let lines = ESLFixtures.lines([create], model: &model)
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-c-2-offered","type":"call.offered","at":"\#(at(1))","call":"c-2","from":"10000","from_name":"王女士","to":"12345"}"#
            ]
        )
    }

    @Test("--queue: only calls joining a configured queue; name@domain matches name")
    func queueFilter() throws {
        var model = try makeModel(queues: ["complaints"])
        let lines = ESLFixtures.lines(
            [
                queueStart("c-sales", queue: "sales", number: "5550001", name: "S", second: 1),
                queueStart("c-dom", queue: "complaints@default", number: "5550002", name: "D", second: 2),
                hungUp("c-sales", cause: "NORMAL_CLEARING", second: 3),
            ],
            model: &model
        )
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-c-dom-offered","type":"call.offered","at":"\#(at(2))","call":"c-dom","from":"5550002","from_name":"D","to":"12345","queue":"complaints@default"}"#
            ]
        )
        let transcript = try ESLFixtures.transcriptLines(
            "answered.esl",
            configuration: try ESLFixtures.configuration(queues: ["sales"])
        )
        #expect(transcript.allSatisfy { $0.contains(#""type":"agent.login""#) } && transcript.count == 2)
    }

    @Test("--inbound: a direct call answered by a B-leg, one of two ringing (ring group)")
    func inboundDirectCall() throws {
        var model = try makeModel(inbound: ["12345"])
        let lines = ESLFixtures.lines(
            [
                callerCreated("c-3", number: "13812345678", name: "王女士", dialled: "12345", second: 1),
                answered("c-3", second: 1),
                bLegCreated("b-1", originator: "c-3", channelName: "sofia/internal/8001@192.0.2.10:5060", second: 2),
                bLegCreated("b-2", originator: "c-3", channelName: "sofia/internal/8002@192.0.2.11", second: 2),
                answered("b-2", second: 5),
                bridged("c-3", to: "b-2", otherName: "sofia/internal/8002@192.0.2.11", second: 5),
                hungUp("b-1", cause: "LOSE_RACE", second: 5),
                answered("b-1", second: 6),
                hungUp("b-2", cause: "NORMAL_CLEARING", second: 40),
                hungUp("c-3", cause: "NORMAL_CLEARING", second: 40),
            ],
            model: &model
        )
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-c-3-offered","type":"call.offered","at":"\#(at(1))","call":"c-3","from":"13812345678","from_name":"王女士","to":"12345"}"#,
                #"{"v":1,"id":"fs1-c-3-answered","type":"call.answered","at":"\#(at(5))","call":"c-3","agent":"8002"}"#,
                #"{"v":1,"id":"fs1-c-3-ended","type":"call.ended","at":"\#(at(40))","call":"c-3","cause":"normal"}"#,
            ]
        )
        #expect(model.callsInProgress == 0)
    }

    @Test("--inbound on the loopback transcript: the loopback halves are one call, offered at its creation")
    func inboundTranscript() throws {
        let lines = try ESLFixtures.transcriptLines(
            "answered.esl",
            configuration: try ESLFixtures.configuration(inboundNumbers: ["12345"])
        )
        let caller = "136863aa-2309-4212-8a65-ab35a98bb499"
        #expect(lines.count == 5)
        #expect(
            lines[2]
                == #"{"v":1,"id":"fs1-\#(caller)-offered","type":"call.offered","at":"2026-11-30T14:36:33.734975+08:00","call":"\#(caller)","from":"5551234","from_name":"Alice Example","to":"12345"}"#
        )
        #expect(lines[3].contains(#""type":"call.answered""#) && lines[3].contains(#""agent":"8002""#))
        #expect(lines[4].hasSuffix(#""cause":"normal"}"#))
    }

    @Test("an unanswered direct call: busy, no answer, caller gave up, failure")
    func unansweredCauses() throws {
        let cases = [
            ("USER_BUSY", "busy"), ("NO_ANSWER", "no_answer"), ("ORIGINATOR_CANCEL", "abandoned"),
            ("NORMAL_CLEARING", "abandoned"), ("NORMAL_TEMPORARY_FAILURE", "failed"),
        ]
        for (hangupCause, cause) in cases {
            var model = try makeModel(inbound: ["12345"])
            let lines = ESLFixtures.lines(
                [
                    callerCreated("c-4", number: "5550004", name: "", dialled: "12345", second: 1),
                    hungUp("c-4", cause: hangupCause, second: 9),
                ],
                model: &model
            )
            #expect(lines.count == 2)
            #expect(
                lines.last
                    == #"{"v":1,"id":"fs1-c-4-ended","type":"call.ended","at":"\#(at(9))","call":"c-4","cause":"\#(cause)"}"#
            )
        }
    }

    @Test(
        "end causes",
        arguments: [
            (true, nil, "NORMAL_CLEARING", PBXEvent.EndCause.normal),
            (true, "Terminated", "ORIGINATOR_CANCEL", .normal),
            (true, nil, "MEDIA_TIMEOUT", .failed),
            (false, "Cancel", "NORMAL_CLEARING", .abandoned),
            (false, "cancel", "ORIGINATOR_CANCEL", .abandoned),
            (false, "Timeout", "NORMAL_CLEARING", .noAnswer),
            (false, nil, "USER_BUSY", .busy),
            (false, nil, "NO_USER_RESPONSE", .noAnswer),
            (false, "Break Out", "NORMAL_CLEARING", .abandoned),
            (false, nil, "RECOVERY_ON_TIMER_EXPIRE", .failed),
            (false, nil, "", .failed),
        ] as [(Bool, String?, String, PBXEvent.EndCause)]
    )
    func endCauses(answered: Bool, queueCause: String?, hangupCause: String, expected: PBXEvent.EndCause) {
        #expect(
            FreeSWITCHCallModel.endCause(answered: answered, queueCause: queueCause, hangupCause: hangupCause)
                == expected
        )
    }

    @Test("a transfer after the answer: the caller bridged to a new leg, then mod_callcenter to another agent")
    func transfers() throws {
        var model = try makeModel()
        let lines = ESLFixtures.lines(
            [
                queueStart("c-5", queue: "complaints", number: "5550005", name: "", second: 1),
                agentBridged("c-5", agent: "8002", agentLeg: "a-8002", second: 3),
                bridged("c-5", to: "a-8002", otherName: "sofia/internal/8002@192.0.2.11", second: 3),
                bLegCreated("t-8003", originator: "c-5", channelName: "sofia/internal/8003@192.0.2.12", second: 20),
                bridged("c-5", to: "t-8003", otherName: "sofia/internal/8003@192.0.2.12", second: 25),
                agentBridged("c-5", agent: "8001", agentLeg: "a-8001", second: 50),
                hungUp("c-5", cause: "NORMAL_CLEARING", second: 59),
            ],
            model: &model
        )
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-c-5-offered","type":"call.offered","at":"\#(at(1))","call":"c-5","from":"5550005","to":"12345","queue":"complaints"}"#,
                #"{"v":1,"id":"fs1-c-5-answered","type":"call.answered","at":"\#(at(3))","call":"c-5","agent":"8002"}"#,
                #"{"v":1,"id":"fs1-c-5-transferred-1796018425000000","type":"call.transferred","at":"\#(at(25))","call":"c-5","agent":"8002","to_agent":"8003"}"#,
                #"{"v":1,"id":"fs1-c-5-transferred-1796018450000000","type":"call.transferred","at":"\#(at(50))","call":"c-5","agent":"8003","to_agent":"8001"}"#,
                #"{"v":1,"id":"fs1-c-5-ended","type":"call.ended","at":"\#(at(59))","call":"c-5","cause":"normal"}"#,
            ]
        )
    }

    @Test("agent sessions: the agent map names the staff, On Break keeps the session, Logged Out ends it")
    func agentSessions() throws {
        var model = try makeModel(agentMap: ["8001": "zhang.wei"])
        let lines = ESLFixtures.lines(
            [
                agentStatus("8001", "Available", second: 1),
                agentStatus("8001", "On Break", second: 2),
                agentStatus("8001", "Available (On Demand)", second: 3),
                agentStatus("8001", "Logged Out", second: 4),
                agentStatus("8001", "Logged Out", second: 5),
                agentStatus("8001", "On Break", second: 6),
                agentStatus("8001", "Something New", second: 7),
            ],
            model: &model
        )
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-agent-8001-login-1796018401000000","type":"agent.login","at":"\#(at(1))","agent":"8001","staff":"zhang.wei"}"#,
                #"{"v":1,"id":"fs1-agent-8001-logout-1796018404000000","type":"agent.logout","at":"\#(at(4))","agent":"8001","staff":"zhang.wei"}"#,
                #"{"v":1,"id":"fs1-agent-8001-login-1796018406000000","type":"agent.login","at":"\#(at(6))","agent":"8001","staff":"zhang.wei"}"#,
            ]
        )
    }

    @Test("an agent named after its staff login: the extension from its contact in the agent list")
    func agentContacts() throws {
        var model = try makeModel()
        #expect(ESLFixtures.lines([agentStatus("li.na", "Available", second: 1)], model: &model).isEmpty)
        #expect(model.takeWarnings().count == 1)
        let list = try FreeSWITCHAgentList.parse(
            "name|instance_id|uuid|type|contact|status|state|last_status_change\n"
                + "li.na|single_box||callback|[call_timeout=10]user/9001@default|Available|Waiting|1796018401\n"
                + "wang.fang|single_box||callback|sofia/internal/9002%192.0.2.9|Logged Out|Waiting|1796018300\n+OK\n"
        )
        let learnt = model.learnAgents(list).map(ESLFixtures.line)
        let login =
            #"{"v":1,"id":"fs1-agent-li.na-login-1796018401","type":"agent.login","at":"2026-11-30T14:00:01+08:00","agent":"9001","staff":"li.na"}"#
        #expect(learnt == [login])
        // The event for the same status change, seen after the list: already in the session, nothing new.
        #expect(ESLFixtures.lines([agentStatus("li.na", "Available", second: 1)], model: &model).isEmpty)
        // A bridge that saw the event first has the session already: the list adds nothing.
        var other = try makeModel()
        _ = other.learnAgents(
            list.map { .init(name: $0.name, contact: $0.contact, status: "Logged Out", lastStatusChange: nil) }
        )
        let fromEvent = ESLFixtures.lines([agentStatus("li.na", "Available", second: 1)], model: &other)
        #expect(fromEvent == [login.replacingOccurrences(of: "login-1796018401", with: "login-1796018401000000")])
        #expect(other.learnAgents(list).isEmpty)
        // A queue call answered by li.na is answered on 9001.
        let answer = ESLFixtures.lines(
            [
                queueStart("c-6", queue: "complaints", number: "5550006", name: "", second: 2),
                agentBridged("c-6", agent: "li.na", agentLeg: "a-9001", second: 3),
            ],
            model: &model
        )
        #expect(
            answer.last
                == #"{"v":1,"id":"fs1-c-6-answered","type":"call.answered","at":"\#(at(3))","call":"c-6","agent":"9001"}"#
        )
    }

    @Test("reconciliation ends the calls that are gone, with cause failed, and keeps the others")
    func reconciliation() throws {
        var model = try makeModel()
        _ = ESLFixtures.lines(
            [
                queueStart("c-gone", queue: "complaints", number: "5550007", name: "", second: 1),
                queueStart("c-up", queue: "complaints", number: "5550008", name: "", second: 2),
                agentBridged("c-gone", agent: "8001", agentLeg: "a-8001", second: 3),
            ],
            model: &model
        )
        let listing = try FreeSWITCHChannelList.parse(
            "uuid,direction,created,created_epoch,name,state,cid_name,cid_num\n"
                + "c-up,inbound,2026-11-30 14:00:02,1796018402,sofia/external/5550008@198.51.100.7,CS_EXECUTE,A, B,5550008\n"
                + "a-8001,outbound,2026-11-30 14:00:03,1796018403,sofia/internal/8001@192.0.2.10,CS_EXCHANGE_MEDIA,,,\n"
                + "\n2 total.\n"
        )
        let lines = model.reconcile(upChannels: listing.uuids, at: Date(timeIntervalSince1970: 1_796_018_460))
            .map(ESLFixtures.line)
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-c-gone-ended","type":"call.ended","at":"2026-11-30T14:01:00+08:00","call":"c-gone","cause":"failed"}"#
            ]
        )
        #expect(model.callIDs == ["c-up"])
        // A late hang-up of the ended call changes nothing.
        #expect(ESLFixtures.lines([hungUp("c-gone", cause: "NORMAL_CLEARING", second: 70)], model: &model).isEmpty)
        #expect(model.reconcile(upChannels: ["c-up"], at: Date(timeIntervalSince1970: 1_796_018_470)).isEmpty)
    }

    @Test("a bridge restarted mid-call rebuilds the call from later events with the same ids", arguments: [21, 28])
    func restartMidCall(resumeAtEvent index: Int) throws {
        // Event 21 of answered.esl is bridge-agent-start; 28 is the caller's hang-up.
        let events = ESLFixtures.events(ESLFixtures.parse(try ESLFixtures.bytes("answered.esl")))
        #expect(events[21]["CC-Action"] == "bridge-agent-start")
        #expect(
            events[28].name == "CHANNEL_HANGUP_COMPLETE"
                && events[28].uniqueID == "136863aa-2309-4212-8a65-ab35a98bb499"
        )
        var full = try makeModel()
        let fullEvents = events.flatMap { full.handle($0, receivedAt: Date()) }
        var restarted = try makeModel()
        let resent = events[index...].flatMap { restarted.handle($0, receivedAt: Date()) }
        let callEvents = fullEvents.filter { $0.callID != nil }
        #expect(Set(resent.map(\.id)) == Set(callEvents.map(\.id)))
        for event in resent {
            let original = try #require(callEvents.first { $0.id == event.id })
            #expect(event.kind == original.kind, "\(event.id)")
        }
        #expect(restarted.callsInProgress == 0)
    }

    @Test("events are valid PBX socket lines even from hostile values")
    func hostileValues() throws {
        var model = try makeModel()
        let longID = String(repeating: "u", count: 128)
        let lines = ESLFixtures.lines(
            [
                queueStart(
                    longID,
                    queue: "complaints\nqueue",
                    number: "+86 138-1234-5678",
                    name: "\u{7}Evil\u{2028}Name  ",
                    second: 1
                ),
                agentBridged(longID, agent: "agent with spaces", agentLeg: "a-x", second: 2),
                hungUp(longID, cause: "NORMAL_CLEARING", second: 3),
            ],
            model: &model
        )
        #expect(lines.count == 2)
        for line in lines {
            guard case .success(let event) = PBXEventParser.parse(line: Array(line.utf8)) else {
                Issue.record("refused by hotlined: \(line)")
                continue
            }
            #expect(event.id.unicodeScalars.count <= 128)
        }
        #expect(lines.first?.contains(#""from":"+8613812345678","from_name":"EvilName""#) == true)
        #expect(model.takeWarnings().contains { $0.contains("no usable extension") })
    }

    @Test("configuration errors say what to fix")
    func configurationErrors() throws {
        let withheld = try PhoneNumber(validating: "10000")
        #expect(throws: FreeSWITCHCallModel.ConfigurationError.invalidSystemName("fs-1")) {
            try FreeSWITCHCallModel.Configuration(systemName: "fs-1", withheldNumber: withheld)
        }
        #expect(throws: FreeSWITCHCallModel.ConfigurationError.invalidStaffLogin(agent: "8001", login: "zhang wei")) {
            try FreeSWITCHCallModel.Configuration(
                systemName: "fs1",
                agentMap: ["8001": "zhang wei"],
                withheldNumber: withheld
            )
        }
        #expect(throws: FreeSWITCHCallModel.ConfigurationError.invalidUTCOffset(100)) {
            try FreeSWITCHCallModel.Configuration(systemName: "fs1", withheldNumber: withheld, utcOffsetSeconds: 100)
        }
    }
}
