import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Testing

/// The bridge end to end: a real FreeSWITCH 1.10.12 (mod_callcenter queue `complaints`, loopback agents 8001 and
/// 8002 whose phones answer and talk 3 s), the real `hotline-pbx-bridge freeswitch`, a real hotlined on
/// PostgreSQL; checked through `hotlinectl`.
///
/// Run by `make pbx-test`, which builds and starts FreeSWITCH and fails when this suite did not pass. The tests
/// share one FreeSWITCH, so they run one after the other and each starts with no calls and both agents on a break
/// (logged in, offered no calls) unless it says otherwise.
@Suite(
    "FreeSWITCH live",
    .serialized,
    .enabled(if: LiveEnvironment.eslAddress != nil, "needs the FreeSWITCH that `make pbx-test` starts")
)
struct FreeSWITCHLiveTests {
    /// The agents are mod_callcenter's names for the extensions; the agent map names the staff on them.
    private static let agentMap = "# agent  staff login\n8001 zhangsan\n8002 = lisi\n"

    /// A daemon with staff, a bridge subscribed to the event socket, and the PBX with no calls and both agents on a
    /// break.
    private func start(
        bridgeOptions: [String] = [],
        useConfigFile: Bool = false,
        statuses: [(agent: String, status: String)] = [("8001", "On Break"), ("8002", "On Break")]
    ) throws -> (
        LiveDaemon, LiveBridge, FreeSWITCHDriver
    ) {
        // FreeSWITCH may still be coming back from the restart test.
        var driver: FreeSWITCHDriver?
        LiveEnvironment.waitUntil(timeout: 60) {
            driver = try? FreeSWITCHDriver()
            return driver != nil
        }
        let pbx = try driver ?? FreeSWITCHDriver()
        var quiet = false
        try LiveEnvironment.waitUntil(timeout: 60) {
            quiet = try pbx.channelsUp() == 0
            return quiet
        }
        guard quiet else { throw LiveSetupError("calls of an earlier test are still up") }
        for (agent, status) in statuses { try pbx.setStatus(agent, status) }
        let daemon = try LiveDaemon()
        try daemon.addStaff()
        let mapFile = daemon.directory + "/agents.map"
        try Self.agentMap.write(toFile: mapFile, atomically: true, encoding: .utf8)
        guard let esl = LiveEnvironment.eslAddress else { throw LiveSetupError("no FreeSWITCH") }
        let bridge = try LiveBridge(
            daemon: daemon,
            secret: LiveEnvironment.eslPassword,
            connectedMarker: "subscribed to FreeSWITCH events"
        ) { passwordFile in
            guard useConfigFile else {
                return [
                    "freeswitch", "--esl", esl, "--password-file", passwordFile, "--queue", "complaints",
                    "--agent-map", mapFile,
                ] + bridgeOptions
            }
            // The keys of deploy/pbx-bridge-freeswitch.toml.
            let config = daemon.directory + "/pbx-bridge-freeswitch.toml"
            let text = """
                esl = "\(esl)"
                password_file = "\(passwordFile)"
                queue = ["complaints"]
                agent_map = "\(mapFile)"
                system_name = "fs1"

                """
            try? text.write(toFile: config, atomically: true, encoding: .utf8)
            return ["freeswitch", "--config", config] + bridgeOptions
        }
        try bridge.waitForLogin()
        return (daemon, bridge, pbx)
    }

    @Test("an answered queue call arrives with caller name and number and the answering agent as first responder")
    func answered() throws {
        let (daemon, bridge, pbx) = try start(useConfigFile: true)
        try pbx.setStatus("8001", "Available")
        try pbx.call(number: "13812345678", name: "王女士")
        let calls = try daemon.finishedCalls(1)
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["from"] == .string("13812345678"))
        #expect(call["from_name"] == .string("王女士"))
        #expect(call["to"] == .string("12345"))
        #expect(call["queue"] == .string("complaints"))
        #expect(call["outcome"] == .string("answered"))
        #expect(call["first_responder"] == .string("zhangsan"))
        #expect(call["answered_by"] == .array([.string("8001")]))
        #expect(try daemon.eventTypes(of: call) == ["call.answered", "call.ended", "call.offered"])
        let events = try daemon.json(["call", "show", try #require(call["call"]?.stringValue)])["events"]
        #expect(events?.arrayValue?.allSatisfy { $0["id"]?.stringValue?.hasPrefix("fs1-") == true } == true)
        #expect(!bridge.log.contains(LiveEnvironment.eslPassword), "the password is never logged")
    }

    @Test("a caller who gives up while every agent is on a break is a missed call with no first responder")
    func abandoned() throws {
        let (daemon, bridge, pbx) = try start()
        let caller = try pbx.call(number: "13900001111", name: "李先生")
        _ = try daemon.calls { $0.count == 1 }
        try pbx.hangUp(caller)
        let calls = try daemon.finishedCalls(1)
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["outcome"] == .string("abandoned"))
        #expect(call["from"] == .string("13900001111"))
        #expect(call["from_name"] == .string("李先生"))
        #expect(call["first_responder"] == nil || call["first_responder"] == .null)
        let missed = try daemon.json(["calls", "--missed"]).arrayValue ?? []
        #expect(missed.map { $0["call"] } == [call["call"]])
    }

    @Test("a withheld number is recorded as --withheld-number, without a caller name")
    func withheld() throws {
        let (daemon, bridge, pbx) = try start(bridgeOptions: ["--withheld-number", "10000"])
        let caller = try pbx.call(number: "anonymous", name: "Anonymous")
        _ = try daemon.calls { $0.count == 1 }
        try pbx.hangUp(caller)
        let calls = try daemon.finishedCalls(1)
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["from"] == .string("10000"))
        #expect(call["from_name"] == nil || call["from_name"] == .null)
        #expect(call["outcome"] == .string("abandoned"))
    }

    @Test("a wrong password: refused and retried, the bridge keeps running, the password is never logged")
    func wrongPassword() throws {
        let daemon = try LiveDaemon()
        let password = "wrong-\(UUID().uuidString.prefix(8))"
        guard let esl = LiveEnvironment.eslAddress else { throw LiveSetupError("no FreeSWITCH") }
        let bridge = try LiveBridge(
            daemon: daemon,
            secret: password,
            connectedMarker: "subscribed to FreeSWITCH events"
        ) { ["freeswitch", "--esl", esl, "--password-file", $0] }
        var refusals = 0
        LiveEnvironment.waitUntil(timeout: 30) {
            refusals = bridge.log.components(separatedBy: "refused the event-socket password").count - 1
            return refusals >= 2
        }
        #expect(refusals >= 2, "\(bridge.log)")
        #expect(bridge.process.isRunning)
        #expect(!bridge.log.contains(password))
        #expect(bridge.connections == 0)
    }

    @Test("kill -9 of the bridge in mid-call and a restart: the call is whole and counted once")
    func bridgeKilledMidCall() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.call(number: "13812345678", name: "王女士")
        // The caller waits in the queue: offered has reached hotlined, nothing else can have happened yet.
        let offered = try daemon.calls { $0.count == 1 }
        #expect(offered.first?.isFinishedCall == false, "\(bridge.log)")
        // Killed at once: `show channels`, which the restarted bridge reconciles against, reads FreeSWITCH's core
        // database, which lags a new channel by up to about a second, so the call may be missing from it; the
        // bridge then asks `uuid_exists` and keeps the call (docs/DECISIONS.md; FakeESLServerTests forces that
        // case, which here depends on timing).
        bridge.kill()
        try bridge.restart()
        try bridge.waitForLogin()
        try pbx.setStatus("8001", "Available")
        let calls = try daemon.finishedCalls(1, timeout: 40)
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["outcome"] == .string("answered"), "\(bridge.log)")
        #expect(call["from_name"] == .string("王女士"))
        #expect(call["first_responder"] == .string("zhangsan"))
        #expect(try daemon.eventTypes(of: call) == ["call.answered", "call.ended", "call.offered"])
        #expect(!bridge.log.contains("is gone from the PBX"), "\(bridge.log)")
    }

    @Test("hotlined restarted under the bridge: events made while it was down arrive when it is back")
    func hotlinedRestarted() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.setStatus("8001", "Available")
        daemon.stop()
        try pbx.call(number: "13600003333", name: "孙女士")
        // The bridge has noticed: it could not deliver the call's first event.
        LiveEnvironment.waitUntil(timeout: 30) { bridge.log.contains("is unreachable") }
        #expect(bridge.log.contains("is unreachable"))
        try daemon.startAgain()
        let calls = try daemon.finishedCalls(1, timeout: 60)
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["from"] == .string("13600003333"))
        #expect(call["outcome"] == .string("answered"))
        #expect(call["first_responder"] == .string("zhangsan"))
    }

    @Test(
        "FreeSWITCH killed and restarted under the bridge in mid-call: the lost call ends failed, the next one arrives"
    )
    func freeSWITCHRestarted() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.call(number: "13300005555", name: "吴女士")
        _ = try daemon.calls { $0.count == 1 }
        // A crash: no hang-ups; only `show channels` after the new subscription tells the bridge the call is gone.
        try LiveEnvironment.killFreeSWITCH()
        var reconnected = false
        try LiveEnvironment.waitUntil(timeout: 90) {
            guard bridge.process.isRunning else { throw LiveSetupError("the bridge exited: \(bridge.log)") }
            reconnected = bridge.connections >= 2
            return reconnected
        }
        #expect(reconnected, "\(bridge.log)")
        let lost = try daemon.finishedCalls(1)
        let id = try #require(lost.first?["call"]?.stringValue, "\(bridge.log)")
        #expect(lost.first?.isFinishedCall == true, "\(bridge.log)")
        let events = try daemon.json(["call", "show", id])["events"]?.arrayValue ?? []
        let eventIDs = events.compactMap { $0["id"]?.stringValue }
        #expect(eventIDs.contains("freeswitch-\(id)-ended"), "\(events)")
        #expect(bridge.log.contains("call \(id) is gone from the PBX: ended failed"))

        var again: FreeSWITCHDriver?
        LiveEnvironment.waitUntil(timeout: 30) {
            again = try? FreeSWITCHDriver()
            return again != nil
        }
        let next = try again ?? FreeSWITCHDriver()
        try next.setStatus("8001", "Available")
        try next.setStatus("8002", "On Break")
        try next.call(number: "13300006666", name: "郑先生")
        let calls = try daemon.finishedCalls(2)
        #expect(calls.count == 2, "\(bridge.log)")
        let second = calls.first { $0["from"] == .string("13300006666") }
        #expect(second?["first_responder"] == .string("zhangsan"))
        #expect(second?["outcome"] == .string("answered"))
    }

    @Test("ring-all with two agents: one answers, the first responder is the staff member on that extension")
    func ringAll() throws {
        // Queue complaints-ringall (12346) rings 8001 and 8002 at once; the first phone up takes the call.
        let (daemon, bridge, pbx) = try start(bridgeOptions: ["--queue", "complaints-ringall"])
        try pbx.setStatus("8001", "Available")
        try pbx.setStatus("8002", "Available")
        try pbx.call(number: "13700002222", name: "赵女士", dialling: "12346")
        let calls = try daemon.finishedCalls(1)
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["queue"] == .string("complaints-ringall"))
        #expect(call["outcome"] == .string("answered"))
        #expect(call["from"] == .string("13700002222"))
        let answeredBy = call["answered_by"]?.arrayValue ?? []
        #expect(answeredBy.count == 1, "one agent answered: \(answeredBy)")
        let staffOf = ["8001": "zhangsan", "8002": "lisi"]
        let responder = answeredBy.first?.stringValue.flatMap { staffOf[$0] }
        #expect(responder != nil, "\(call)")
        #expect(call["first_responder"]?.stringValue == responder)
        #expect(try daemon.eventTypes(of: call) == ["call.answered", "call.ended", "call.offered"])
    }

    @Test(
        "an agent whose name is a staff login, on another person's extension, is the first responder (R2)"
    )
    func loginBeatsStaticOwner() throws {
        // 8001 is zhangsan's extension (and mod_callcenter agent 8001 his); agent wangwu, added here before the
        // bridge reads the agent list, has 8001's phone as contact. zhangsan is logged out before the bridge
        // starts; wangwu logs in once it is subscribed. (Logged out while the bridge listens, zhangsan's logout
        // and wangwu's login can carry the same microsecond and reach the bridge in either order: hotlined would
        // then take whichever it stored last as the latest on 8001.)
        var setup: FreeSWITCHDriver?
        LiveEnvironment.waitUntil(timeout: 60) {
            setup = try? FreeSWITCHDriver()
            return setup != nil
        }
        let driver = try setup ?? FreeSWITCHDriver()
        try? driver.removeAgent("wangwu")
        try driver.addAgent("wangwu", phone: "8001")
        defer { try? driver.removeAgent("wangwu") }
        let (daemon, bridge, pbx) = try start(statuses: [("8001", "Logged Out"), ("8002", "On Break")])
        try pbx.setStatus("wangwu", "Available")
        try pbx.call(number: "13500004444", name: "周先生")
        let calls = try daemon.finishedCalls(1)
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["outcome"] == .string("answered"))
        let agentEvents = try agentEvents(daemon)
        #expect(call["first_responder"] == .string("wangwu"), "\(agentEvents) \(bridge.log)")
        #expect(call["answered_by"] == .array([.string("8001")]))
    }

    /// The agent events hotlined stored, in the order it stored them: for a failure's message.
    private func agentEvents(_ daemon: LiveDaemon) throws -> [String] {
        let connection = try PGConnection(conninfo: daemon.database)
        defer { connection.close() }
        return try connection.query(
            "SELECT event_id FROM hotline.pbx_events WHERE type LIKE 'agent.%' ORDER BY seq"
        ).map { try $0.decode("event_id", as: String.self) }
    }

    @Test("a burst of calls on two agents: every call registered once, each answered by one of them")
    func burst() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.setStatus("8001", "Available")
        try pbx.setStatus("8002", "Available")
        let numbers = (0..<8).map { "1390000\(String(format: "%04d", $0))" }
        for (index, number) in numbers.enumerated() {
            try pbx.call(number: number, name: "来电\(index)")
        }
        let calls = try daemon.finishedCalls(numbers.count, timeout: 120)
        #expect(calls.count == numbers.count, "\(bridge.log)")
        #expect(Set(calls.compactMap { $0["from"]?.stringValue }) == Set(numbers))
        #expect(calls.allSatisfy { $0["outcome"] == .string("answered") })
        let responders = Set(calls.compactMap { $0["first_responder"]?.stringValue })
        #expect(responders == ["zhangsan", "lisi"], "both agents took calls")
    }
}
