import Foundation
import HotlineProtocol
import HotlineSystem
import Testing

@testable import HotlinePBXBridge

/// The real bridge against a fake FreeSWITCH event socket that accepts it properly (auth, subscription, agent list,
/// channel list) and then sends broken frames: the bridge must skip them, keep running, reconnect when the socket
/// is unusable, and deliver the good calls around them. Needs only hotlined and PostgreSQL (`make test` or
/// `make pbx-test`), no FreeSWITCH.
@Suite("Bridge against a fake event socket")
struct FakeESLServerTests {
    static let answeredCall = "136863aa-2309-4212-8a65-ab35a98bb499"
    static let abandonedCall = "8828e8bd-9a5c-49c1-b801-ee6a3aacfe79"

    @Test(
        "garbage, wrong and huge Content-Length, truncated bodies and binary never stop the bridge; good calls arrive"
    )
    func brokenFramesNeverStopTheBridge() throws {
        // First connection: broken frames, answered.esl's call, then a body cut short by the server hanging up.
        var first: [UInt8] = (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) } + Array("\n\n".utf8)
        first += Array("Content-Type: text/event-plain\nContent-Length: twelve\n\nEvent-Name: CHANNEL_CREATE\n\n".utf8)
        // A Content-Length shorter than the body: the rest is read as a header block of its own.
        first += Array(
            "Content-Length: 12\nContent-Type: text/event-plain\n\nEvent-Name: CHANNEL_CREATE\nUnique-ID: x\n\n".utf8
        )
        // A header block past the parser's 16 KiB limit.
        first += Array("X-Junk: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 200_000) + Array("\n\n".utf8)
        // An event whose body is binary, and one with a body that is not header lines.
        let binary: [UInt8] = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        first += Array("Content-Length: \(binary.count)\nContent-Type: text/event-plain\n\n".utf8) + binary
        first += Array("Content-Length: 14\nContent-Type: text/event-plain\n\nno colon here\n".utf8)
        first += try Self.events(of: "answered.esl")
        first += Array("Content-Length: 5000\nContent-Type: text/event-plain\n\nEvent-Name: CHANNEL_HANG".utf8)
        // Second connection: a length of a terabyte, skipped as it arrives; the server hangs up.
        let second = Array("Content-Length: 1099511627776\nContent-Type: text/event-plain\n\nEvent-Name: CUSTOM\n".utf8)
        // Third: abandoned.esl's call, and the connection stays open.
        let third = try Self.events(of: "abandoned.esl")
        let server = try FakeESLServer(password: "fake-password", scripts: [first, second, third])
        defer { server.stop() }

        let daemon = try LiveDaemon()
        let bridge = try LiveBridge(
            daemon: daemon,
            secret: server.password,
            connectedMarker: "subscribed to FreeSWITCH events"
        ) { passwordFile in
            [
                "freeswitch", "--esl", "127.0.0.1:\(server.port)", "--password-file", passwordFile, "--queue",
                "complaints",
            ]
        }
        let calls = try daemon.calls(timeout: 30) { calls in calls.count == 2 && calls.allSatisfy(\.isFinishedCall) }
        #expect(bridge.process.isRunning, "\(bridge.log)")
        #expect(server.connections >= 3, "\(bridge.log)")
        let byID = Dictionary(
            uniqueKeysWithValues: calls.compactMap { call in call["call"]?.stringValue.map { ($0, call) } }
        )
        let answered = byID["freeswitch-\(Self.answeredCall)"] ?? byID[Self.answeredCall]
        let abandoned = byID["freeswitch-\(Self.abandonedCall)"] ?? byID[Self.abandonedCall]
        #expect(answered?["outcome"] == .string("answered"), "\(calls) \(bridge.log)")
        #expect(answered?["from"] == .string("5551234"))
        #expect(answered?["from_name"] == .string("Alice Example"))
        #expect(abandoned?["outcome"] == .string("abandoned"), "\(calls)")
        #expect(bridge.log.contains("skipped a frame from FreeSWITCH"), "\(bridge.log)")
        #expect(bridge.log.components(separatedBy: "skipped a frame from FreeSWITCH").count - 1 >= 4)
    }

    @Test("a call show channels does not list yet is kept when uuid_exists says it is up, and ends as it really does")
    func youngCallKeptAfterReconnect() throws {
        // First connection: answered.esl up to the caller's bridge to the agent, then the server hangs up. Second:
        // show channels lists nothing (FreeSWITCH's core database lagging), uuid_exists says the call is up, and
        // the rest of the call follows.
        let frames = try Self.eventFrames(of: "answered.esl")
        let server = try FakeESLServer(
            password: "fake-password",
            scripts: [frames[..<27].flatMap { $0 }, frames[27...].flatMap { $0 }],
            channelsExist: true
        )
        defer { server.stop() }
        let daemon = try LiveDaemon()
        let bridge = try LiveBridge(
            daemon: daemon,
            secret: server.password,
            connectedMarker: "subscribed to FreeSWITCH events"
        ) { passwordFile in
            [
                "freeswitch", "--esl", "127.0.0.1:\(server.port)", "--password-file", passwordFile, "--queue",
                "complaints",
            ]
        }
        let calls = try daemon.calls(timeout: 30) { calls in calls.count == 1 && calls.allSatisfy(\.isFinishedCall) }
        #expect(server.connections == 2, "\(bridge.log)")
        let call = try #require(calls.first, "\(bridge.log)")
        #expect(call["outcome"] == .string("answered"), "\(bridge.log)")
        let events = try daemon.json(["call", "show", try #require(call["call"]?.stringValue)])["events"]
        let ended = events?.arrayValue?.first { $0["type"] == .string("call.ended") }
        // Ended by its own hang-up, 3 s after the answer as recorded, not by the reconciliation (which would stamp
        // the time of the reconnect).
        let endedAt = ended?["at"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) }
        #expect(endedAt == ISO8601DateFormatter().date(from: "2026-11-30T06:36:36Z"), "\(String(describing: events))")
        #expect(bridge.log.contains("is up though show channels does not list it yet; kept"), "\(bridge.log)")
        #expect(!bridge.log.contains("is gone from the PBX"))
    }

    /// The `text/event-plain` frames of a recorded transcript, verbatim: what a subscribed bridge is sent (the
    /// recording's own command replies and `api` answers left out).
    static func events(of fixture: String) throws -> [UInt8] {
        try eventFrames(of: fixture).flatMap { $0 }
    }

    /// Each `text/event-plain` frame of a recorded transcript, verbatim.
    static func eventFrames(of fixture: String) throws -> [[UInt8]] {
        let bytes = try ESLFixtures.bytes(fixture)
        var output: [[UInt8]] = []
        var position = 0
        let blankLine: [UInt8] = [10, 10]
        while position < bytes.count {
            guard
                let end = (position..<(bytes.count - 1)).first(where: {
                    bytes[$0] == blankLine[0] && bytes[$0 + 1] == blankLine[1]
                })
            else { break }
            let header = String(decoding: bytes[position..<end], as: UTF8.self)
            var next = end + 2
            if let line = header.split(separator: "\n").first(where: { $0.hasPrefix("Content-Length: ") }),
                let length = Int(line.dropFirst("Content-Length: ".count))
            {
                next = min(bytes.count, next + length)
            }
            if header.contains("Content-Type: text/event-plain") { output.append(Array(bytes[position..<next])) }
            position = next
        }
        return output
    }
}

/// An event socket on 127.0.0.1 that answers the bridge's conversation as FreeSWITCH does (auth, `event plain`,
/// `api callcenter_config agent list`, `api show channels` with no channel, `api uuid_exists` as `channelsExist`
/// says) and then sends the next script; every script but the last ends with the server hanging up.
final class FakeESLServer: @unchecked Sendable {
    let port: UInt16
    let password: String
    private let listener: UnixSocket
    private let lock = NSLock()
    private var accepted = 0
    private var open: [UnixSocket] = []

    private let channelsExist: Bool

    init(password: String, scripts: [[UInt8]], channelsExist: Bool = false) throws {
        self.password = password
        self.channelsExist = channelsExist
        (listener, port) = try TCPSocket.listenOnLoopback()
        let listener = listener
        Thread.detachNewThread { [self] in
            for (index, script) in scripts.enumerated() {
                guard let connection = try? listener.accept() else { return }
                lock.withLock {
                    accepted += 1
                    open.append(connection)
                }
                serve(connection, script: script, hangUp: index < scripts.count - 1)
            }
        }
    }

    var connections: Int { lock.withLock { accepted } }

    private func serve(_ connection: UnixSocket, script: [UInt8], hangUp: Bool) {
        func send(_ text: String) { try? connection.write(Array(text.utf8)) }
        func api(_ body: String) { send("Content-Type: api/response\nContent-Length: \(body.utf8.count)\n\n\(body)") }
        send("Content-Type: auth/request\n\n")
        var pending: [UInt8] = []
        while true {
            guard let bytes = try? connection.read(), !bytes.isEmpty else {
                // Forgotten before closed, so that stop() never touches a descriptor number reused since.
                lock.withLock {
                    open.removeAll { $0 == connection }
                    connection.close()
                }
                return
            }
            pending += bytes
            // Commands end with an empty line.
            while let end = (0..<max(0, pending.count - 1)).first(where: { pending[$0] == 10 && pending[$0 + 1] == 10 })
            {
                let command = String(decoding: pending[..<end], as: UTF8.self)
                pending.removeFirst(end + 2)
                if command.hasPrefix("auth ") {
                    let accepted = command == "auth \(password)"
                    send("Content-Type: command/reply\nReply-Text: \(accepted ? "+OK accepted" : "-ERR invalid")\n\n")
                } else if command.hasPrefix("event plain") {
                    send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
                } else if command == "api callcenter_config agent list" {
                    api(
                        "name|instance_id|uuid|type|contact|status|state|max_no_answer|wrap_up_time|reject_delay_time|"
                            + "busy_delay_time|no_answer_delay_time|last_bridge_start|last_bridge_end|"
                            + "last_offered_call|last_status_change|no_answer_count|calls_answered|talk_time|"
                            + "ready_time|external_calls_count\n+OK\n"
                    )
                } else if command == "api show channels" {
                    api("\n0 total.\n")
                    // Subscribed and listed: now the scripted bytes, as events would follow.
                    try? connection.write(script)
                    if hangUp { connection.shutdownWriting() }
                } else if command.hasPrefix("api uuid_exists ") {
                    api(channelsExist ? "true" : "false")
                } else if command.hasPrefix("api ") {
                    api("-ERR unknown command\n")
                } else {
                    send("Content-Type: command/reply\nReply-Text: +OK\n\n")
                }
            }
        }
    }

    func stop() {
        listener.shutdown()
        listener.close()
        // Ending the open connections lets their serving loops see the end and close them.
        lock.withLock { open.forEach { $0.shutdown() } }
    }
}
