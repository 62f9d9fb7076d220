import Foundation
import HotlineProtocol
import HotlineSystem
import Testing

/// The bridge end to end: a real Asterisk 22.7.0 (queue `complaints`, Local-channel agents), the real
/// `hotline-pbx-bridge asterisk`, a real hotlined on PostgreSQL; checked through `hotlinectl`.
///
/// Run by `make pbx-test`, which builds and starts Asterisk and fails when this suite did not pass. The tests share
/// one Asterisk, so they run one after the other and each starts with an empty queue and no calls.
@Suite(
    "Asterisk live",
    .serialized,
    .enabled(if: LiveEnvironment.amiAddress != nil, "needs the Asterisk that `make pbx-test` starts")
)
struct AsteriskLiveTests {
    /// A daemon with staff, a bridge logged in to AMI, and the PBX with no members and no calls.
    private func start(bridgeOptions: [String] = []) throws -> (LiveDaemon, LiveBridge, AsteriskDriver) {
        // Asterisk may still be coming back from the restart test.
        var driver: AsteriskDriver?
        LiveEnvironment.waitUntil(timeout: 60) {
            driver = try? AsteriskDriver()
            return driver != nil
        }
        let pbx = try driver ?? AsteriskDriver()
        for ext in ["8001", "8002"] { try pbx.removeMember(ext) }
        var quiet = false
        try LiveEnvironment.waitUntil(timeout: 60) {
            quiet = try pbx.channelsUp() == 0
            return quiet
        }
        guard quiet else { throw LiveSetupError("calls of an earlier test are still up") }
        let daemon = try LiveDaemon()
        try daemon.addStaff()
        let bridge = try LiveBridge(daemon: daemon, extra: bridgeOptions)
        try bridge.waitForLogin()
        return (daemon, bridge, pbx)
    }

    private func isFinished(_ call: JSONValue) -> Bool {
        if case .string = call["ended_at"] { return true }
        return false
    }

    @Test("an answered queue call arrives with caller name and number and the answering agent as first responder")
    func answered() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.addMember("8001", login: "zhangsan")
        try pbx.call(callerID: "\"王女士\" <13812345678>", wait: 30, talk: 1)
        let calls = try daemon.calls { $0.count == 1 && self.isFinished($0[0]) }
        try pbx.removeMember("8001")
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["from"] == .string("13812345678"))
        #expect(call["from_name"] == .string("王女士"))
        #expect(call["to"] == .string("12345"))
        #expect(call["queue"] == .string("complaints"))
        #expect(call["outcome"] == .string("answered"))
        #expect(call["first_responder"] == .string("zhangsan"))
        #expect(call["answered_by"] == .array([.string("8001")]))
        #expect(call["call"]?.stringValue?.hasPrefix("pbx1-") == true)
    }

    @Test("a caller who gives up in an empty queue is a missed call with no first responder")
    func abandoned() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.call(callerID: "\"李先生\" <13900001111>", wait: 3, talk: 1)
        let calls = try daemon.calls { $0.count == 1 && self.isFinished($0[0]) }
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["outcome"] == .string("abandoned"))
        #expect(call["from"] == .string("13900001111"))
        #expect(call["from_name"] == .string("李先生"))
        #expect(call["first_responder"] == nil || call["first_responder"] == .null)
        let missed = try daemon.json(["calls", "--missed"]).arrayValue ?? []
        #expect(missed.map { $0["call"] } == [call["call"]])
    }

    @Test("ring-all with two agents: one answers, the first responder is the staff member on that extension")
    func ringAll() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.addMember("8001", login: "zhangsan")
        try pbx.addMember("8002", login: "lisi")
        try pbx.call(callerID: "\"赵女士\" <13700002222>", wait: 30, talk: 1)
        let calls = try daemon.calls { $0.count == 1 && self.isFinished($0[0]) }
        try pbx.removeMember("8001")
        try pbx.removeMember("8002")
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["outcome"] == .string("answered"))
        let answeredBy = call["answered_by"]?.arrayValue ?? []
        #expect(answeredBy.count == 1)
        let staffOf = ["8001": "zhangsan", "8002": "lisi"]
        let responder = answeredBy.first?.stringValue.flatMap { staffOf[$0] }
        #expect(responder != nil)
        #expect(call["first_responder"]?.stringValue == responder)
    }

    @Test("a withheld number is recorded as --withheld-number, without a caller name")
    func withheld() throws {
        // Also the plain login (the others use the MD5 challenge): the secret crosses the wire, never the log.
        let (daemon, bridge, pbx) = try start(bridgeOptions: ["--withheld-number", "10000", "--login", "plain"])
        try pbx.call(callerID: "\"Anonymous\" <anonymous>", wait: 3, talk: 1)
        let calls = try daemon.calls { $0.count == 1 && self.isFinished($0[0]) }
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["from"] == .string("10000"))
        #expect(call["from_name"] == nil || call["from_name"] == .null)
        #expect(call["outcome"] == .string("abandoned"))
        #expect(!bridge.log.contains(LiveEnvironment.amiSecret))
    }

    @Test("a wrong secret: the login is refused and retried, the bridge keeps running, the secret is never logged")
    func wrongSecret() throws {
        let daemon = try LiveDaemon()
        let secret = "wrong-\(UUID().uuidString.prefix(8))"
        let bridge = try LiveBridge(daemon: daemon, secret: secret)
        var refusals = 0
        LiveEnvironment.waitUntil(timeout: 30) {
            refusals = bridge.log.components(separatedBy: "login refused").count - 1
            return refusals >= 2
        }
        #expect(refusals >= 2, "\(bridge.log)")
        #expect(bridge.process.isRunning)
        #expect(!bridge.log.contains(secret))
    }

    @Test("kill -9 of the bridge in mid-call and a restart: the call is whole and counted once")
    func bridgeKilledMidCall() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.addMember("8001", login: "zhangsan")
        try pbx.call(callerID: "\"王女士\" <13812345678>", wait: 40, talk: 8)
        let answered = try daemon.calls { $0.count == 1 && $0[0]["answered_at"]?.stringValue != nil }
        #expect(answered.first.map(isFinished) == false, "the call ended before the bridge was killed")
        bridge.kill()
        try bridge.restart()
        try bridge.waitForLogin()
        let calls = try daemon.calls(timeout: 40) { $0.count == 1 && self.isFinished($0[0]) }
        try pbx.removeMember("8001")
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["outcome"] == .string("answered"))
        #expect(call["first_responder"] == .string("zhangsan"))
        let id = try #require(call["call"]?.stringValue)
        let shown = try daemon.json(["call", "show", id])
        let types = (shown["events"]?.arrayValue ?? []).compactMap { $0["type"]?.stringValue }
        #expect(types.sorted() == ["call.answered", "call.ended", "call.offered"], "\(shown)")
    }

    @Test("hotlined restarted under the bridge: events made while it was down arrive when it is back")
    func hotlinedRestarted() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.addMember("8001", login: "zhangsan")
        daemon.stop()
        try pbx.call(callerID: "\"孙女士\" <13600003333>", wait: 30, talk: 1)
        // The bridge has noticed: it could not deliver the call's first event.
        LiveEnvironment.waitUntil(timeout: 30) { bridge.log.contains("is unreachable") }
        #expect(bridge.log.contains("is unreachable"))
        try daemon.startAgain()
        let calls = try daemon.calls(timeout: 60) { $0.count == 1 && self.isFinished($0[0]) }
        try pbx.removeMember("8001")
        #expect(calls.count == 1, "\(bridge.log)")
        let call = try #require(calls.first)
        #expect(call["from"] == .string("13600003333"))
        #expect(call["outcome"] == .string("answered"))
        #expect(call["first_responder"] == .string("zhangsan"))
    }

    @Test(
        "an agent who joins with MemberName = a staff login on another person's extension is the first responder (R2)"
    )
    func loginBeatsStaticOwner() throws {
        let (daemon, bridge, pbx) = try start()
        // 8001 is zhangsan's static extension; wangwu logs in on it.
        try pbx.addMember("8001", login: "wangwu")
        try pbx.call(callerID: "\"周先生\" <13500004444>", wait: 30, talk: 1)
        let calls = try daemon.calls { $0.count == 1 && self.isFinished($0[0]) }
        try pbx.removeMember("8001")
        #expect(calls.count == 1, "\(bridge.log)")
        #expect(calls.first?["first_responder"] == .string("wangwu"))
        #expect(calls.first?["answered_by"] == .array([.string("8001")]))
    }

    @Test("a burst of calls on two agents: every call registered once, each answered by one of them")
    func burst() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.addMember("8001", login: "zhangsan")
        try pbx.addMember("8002", login: "lisi")
        let numbers = (0..<8).map { "1390000\(String(format: "%04d", $0))" }
        for (index, number) in numbers.enumerated() {
            try pbx.call(callerID: "\"来电\(index)\" <\(number)>", wait: 60, talk: 1)
        }
        let calls = try daemon.calls(timeout: 90) { calls in
            calls.count == numbers.count && calls.allSatisfy(self.isFinished)
        }
        try pbx.removeMember("8001")
        try pbx.removeMember("8002")
        #expect(calls.count == numbers.count, "\(bridge.log)")
        #expect(Set(calls.compactMap { $0["from"]?.stringValue }) == Set(numbers))
        #expect(calls.allSatisfy { $0["outcome"] == .string("answered") })
        let responders = Set(calls.compactMap { $0["first_responder"]?.stringValue })
        #expect(responders.isSubset(of: ["zhangsan", "lisi"]) && !responders.isEmpty)
    }

    @Test("Asterisk killed and restarted under the bridge in mid-call: the lost call ends failed, the next one arrives")
    func asteriskRestarted() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.addMember("8001", login: "zhangsan")
        try pbx.call(callerID: "\"吴女士\" <13300005555>", wait: 60, talk: 60)
        let answered = try daemon.calls { $0.count == 1 && $0[0]["answered_at"]?.stringValue != nil }
        #expect(answered.count == 1, "\(bridge.log)")
        // A crash: no Hangup events; only the channel list after the new login tells the bridge the call is gone.
        try LiveEnvironment.killAsterisk()
        var relogged = false
        try LiveEnvironment.waitUntil(timeout: 90) {
            guard bridge.process.isRunning else { throw LiveSetupError("the bridge exited: \(bridge.log)") }
            relogged = bridge.connections >= 2
            return relogged
        }
        #expect(relogged, "\(bridge.log)")
        let lost = try daemon.calls { $0.count == 1 && self.isFinished($0[0]) }
        #expect(lost.first.map(isFinished) == true, "\(bridge.log)")
        #expect(lost.first?["first_responder"] == .string("zhangsan"))
        let id = try #require(lost.first?["call"]?.stringValue)
        // hotlinectl shows no end cause; the bridge's log names the reconciliation that ended it.
        let events = try daemon.json(["call", "show", id])["events"]?.arrayValue ?? []
        let eventIDs = events.compactMap { $0["id"]?.stringValue }
        #expect(eventIDs.contains("\(id)-ended"), "\(events)")
        #expect(bridge.log.contains("call \(id) is gone from the PBX: ended failed"))

        let again = try AsteriskDriver()
        try again.addMember("8001", login: "zhangsan")
        try again.call(callerID: "\"郑先生\" <13300006666>", wait: 30, talk: 1)
        let calls = try daemon.calls { $0.count == 2 && $0.allSatisfy(self.isFinished) }
        try again.removeMember("8001")
        #expect(calls.count == 2, "\(bridge.log)")
        let next = calls.first { $0["from"] == .string("13300006666") }
        #expect(next?["first_responder"] == .string("zhangsan"))
        #expect(next?["outcome"] == .string("answered"))
    }

    @Test("an agent who left while the bridge was down is logged out when it is back (QueueStatus reconciliation)")
    func agentLeftWhileBridgeDown() throws {
        let (daemon, bridge, pbx) = try start()
        // wangwu logs in on zhangsan's extension and answers a call: the login reached hotlined.
        try pbx.addMember("8001", login: "wangwu")
        try pbx.call(callerID: "\"冯女士\" <13200007777>", wait: 30, talk: 1)
        let first = try daemon.calls { $0.count == 1 && self.isFinished($0[0]) }
        #expect(first.first?["first_responder"] == .string("wangwu"), "\(bridge.log)")
        // While the bridge is dead wangwu leaves; 8001 comes back as a member without a staff name.
        bridge.kill()
        try pbx.removeMember("8001")
        try bridge.restart()
        try bridge.waitForLogin()
        try pbx.addMember("8001", login: nil)
        try pbx.call(callerID: "\"陈先生\" <13200008888>", wait: 30, talk: 1)
        let calls = try daemon.calls { $0.count == 2 && $0.allSatisfy(self.isFinished) }
        try pbx.removeMember("8001")
        let second = calls.first { $0["from"] == .string("13200008888") }
        // Without the logout wangwu would still be on 8001; now its static owner answers for it.
        #expect(second?["first_responder"] == .string("zhangsan"), "\(bridge.log)")
        #expect(second?["answered_by"] == .array([.string("8001")]))
    }

    @Test("under systemd: READY=1, then watchdog pings with STATUS= naming the PBX connection and the counts")
    func systemdNotify() throws {
        let daemon = try LiveDaemon()
        let notifyPath = daemon.directory + "/notify.sock"
        let notify = try UnixDatagramSocket(bindingTo: notifyPath)
        let bridge = try LiveBridge(
            daemon: daemon,
            environment: ["NOTIFY_SOCKET": notifyPath, "WATCHDOG_USEC": "2000000"]
        )
        var messages: [String] = []
        LiveEnvironment.waitUntil(timeout: 30) {
            if let message = notify.receive(timeout: 1) { messages.append(message) }
            return messages.contains { $0.contains("WATCHDOG=1") && $0.contains("STATUS=PBX connected") }
        }
        #expect(messages.first?.hasPrefix("READY=1\nSTATUS=") == true, "\(messages)")
        let status = messages.last { $0.contains("STATUS=PBX connected") }
        #expect(status?.contains("0 calls in progress") == true, "\(messages) \(bridge.log)")
        #expect(status?.contains("0 unacknowledged") == true)
        #expect(status?.contains("hotlined unreachable") == false)
    }

    @Test("kill -9 while hotlined is down: the events the bridge kept in its state directory reach hotlined later")
    func unacknowledgedEventsSurviveKill() throws {
        let (daemon, bridge, pbx) = try start()
        try pbx.addMember("8001", login: "zhangsan")
        daemon.stop()
        try pbx.call(callerID: "\"卫女士\" <13100009999>", wait: 30, talk: 1)
        // The whole call happens while hotlined is down: its three events wait in the bridge's outbox. No channels
        // up is no proof (the asynchronous Originate may not have made one yet): the call's end in the outbox is.
        var over = false
        LiveEnvironment.waitUntil(timeout: 30) {
            let outbox = (try? String(contentsOfFile: bridge.directory + "/state/outbox.ndjson", encoding: .utf8)) ?? ""
            over = outbox.contains(#""type":"call.ended""#) && bridge.log.contains("is unreachable")
            return over
        }
        #expect(over, "\(bridge.log)")
        bridge.kill()
        try daemon.startAgain()
        try bridge.restart()
        let calls = try daemon.calls { $0.count == 1 && self.isFinished($0[0]) }
        try pbx.removeMember("8001")
        #expect(calls.count == 1, "\(bridge.log)")
        #expect(calls.first?["from"] == .string("13100009999"))
        #expect(calls.first?["first_responder"] == .string("zhangsan"))
        #expect(bridge.log.contains("3 events to send") || bridge.log.contains("4 events to send"), "\(bridge.log)")
    }
}
