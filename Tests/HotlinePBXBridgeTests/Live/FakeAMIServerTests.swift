import Foundation
import HotlineProtocol
import HotlineSystem
import Testing

@testable import HotlinePBXBridge

/// The real bridge against a fake manager that logs it in properly (MD5 challenge, channel list) and then sends
/// broken bytes: the bridge must skip them, keep running, and deliver the good frames around them. Needs only
/// hotlined and PostgreSQL (`make test` or `make pbx-test`), no Asterisk.
@Suite("Bridge against a fake AMI server")
struct FakeAMIServerTests {
    @Test("garbage frames, binary junk and a 200 KB line never stop the bridge; the calls around them arrive")
    func garbageNeverStopsTheBridge() throws {
        // First connection: junk, then garbage.ami's frames (broken blocks among good ones), then the server hangs
        // up. Second connection: the abandoned call of abandoned.ami, and it stays open.
        var junk = Array("\u{0}\u{1}\u{2}\r\n\r\n: \r\n\r\n".utf8)
        junk += [UInt8](repeating: UInt8(ascii: "x"), count: 200_000) + Array("\r\n\r\n".utf8)
        junk += (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }
        junk += Array("\r\n\r\n".utf8)
        let first = junk + (try Self.framesOf("garbage.ami"))
        let second = try Self.framesOf("abandoned.ami")
        let server = try FakeAMIServer(secret: "fake-secret", scripts: [first, second])
        defer { server.stop() }

        let daemon = try LiveDaemon()
        let bridge = try LiveBridge(daemon: daemon, ami: "127.0.0.1:\(server.port)", secret: server.secret)
        let calls = try daemon.calls(timeout: 30) { calls in
            calls.count == 2 && calls.allSatisfy { $0["ended_at"]?.stringValue != nil }
        }
        #expect(bridge.process.isRunning, "\(bridge.log)")
        #expect(server.connections >= 2)
        let byID = Dictionary(
            uniqueKeysWithValues: calls.compactMap { call in call["call"]?.stringValue.map { ($0, call) } }
        )
        #expect(byID["pbx1-1796020200.40"]?["from"] == .string("13900001111"), "\(bridge.log)")
        #expect(byID["pbx1-1796020200.40"]?["from_name"] == .string("李先生"))
        #expect(byID["pbx1-1796018867.7"]?["outcome"] == .string("abandoned"))
        #expect(bridge.log.contains("malformed AMI frame: a line longer than 65536 bytes"))
        #expect(bridge.log.components(separatedBy: "malformed AMI frame").count - 1 >= 6)
    }

    /// A transcript's bytes after its banner line and the login response: the frames a logged-in bridge gets.
    static func framesOf(_ fixture: String) throws -> [UInt8] {
        let bytes = Array(try AMITranscript.fixture(fixture))
        let banner = try #require(bytes.firstIndex(of: UInt8(ascii: "\n")))
        return Array(bytes[(banner + 1)...])
    }
}

/// A manager on 127.0.0.1 that answers the login conversation as Asterisk does and then sends the next script;
/// every script but the last ends with the server closing the connection.
final class FakeAMIServer: @unchecked Sendable {
    let port: UInt16
    let secret: String
    private let listener: UnixSocket
    private let lock = NSLock()
    private var accepted = 0
    private var open: [UnixSocket] = []

    init(secret: String, scripts: [[UInt8]]) throws {
        self.secret = secret
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
        var parser = AMIFrameParser(expectBanner: false)
        let challenge = "840415273"
        func reply(_ text: String) { try? connection.write(Array(text.utf8)) }
        reply("Asterisk Call Manager/11.0.0\r\n")
        while true {
            guard let bytes = try? connection.read(), !bytes.isEmpty else {
                // Forgotten before closed, so that stop() never touches a descriptor number reused since.
                lock.withLock {
                    open.removeAll { $0 == connection }
                    connection.close()
                }
                return
            }
            parser.append(bytes)
            while let item = parser.next() {
                guard case .frame(let action) = item else { continue }
                let id = action["ActionID"] ?? ""
                switch action["Action"] {
                case "Challenge":
                    reply("Response: Success\r\nActionID: \(id)\r\nChallenge: \(challenge)\r\n\r\n")
                case "Login":
                    if action["Key"] == MD5.hexDigest(challenge + secret) {
                        reply("Response: Success\r\nActionID: \(id)\r\nMessage: Authentication accepted\r\n\r\n")
                    } else {
                        reply("Response: Error\r\nActionID: \(id)\r\nMessage: Authentication failed\r\n\r\n")
                    }
                case "CoreShowChannels":
                    reply(
                        "Response: Success\r\nActionID: \(id)\r\nEventList: start\r\nMessage: Channels will follow\r\n\r\n"
                    )
                    reply(
                        "Event: CoreShowChannelsComplete\r\nActionID: \(id)\r\nEventList: Complete\r\nListItems: 0\r\n\r\n"
                    )
                    try? connection.write(script)
                    // Hanging up: a FIN after the script, then wait for the bridge to close its end.
                    if hangUp { connection.shutdownWriting() }
                case "QueueStatus":
                    reply("Response: Success\r\nActionID: \(id)\r\nEventList: start\r\n\r\n")
                    reply("Event: QueueStatusComplete\r\nActionID: \(id)\r\nEventList: Complete\r\n\r\n")
                    // Logged in and listed: now the scripted bytes, as events would follow.
                    try? connection.write(script)
                    // Hanging up: a FIN after the script, then wait for the bridge to close its end.
                    if hangUp { connection.shutdownWriting() }
                default:
                    reply("Response: Success\r\nActionID: \(id)\r\nPing: Pong\r\n\r\n")
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
