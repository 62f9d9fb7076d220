import Foundation
import HotlinePBXBridge
import HotlineSystem

/// Drives the live Asterisk over its own manager connection, as `transcripts/record.py` does: queue members come
/// and go with `QueueAdd`/`QueueRemove`, callers are `Originate`s of `Local/12345@hotline-in` whose caller id the
/// action sets. Each action waits for its response, so a test's next step sees the PBX in the state it asked for.
final class AsteriskDriver {
    private let connection: UnixSocket
    private var parser = AMIFrameParser()
    private var counter = 0

    init() throws {
        guard let address = LiveEnvironment.amiAddress, let colon = address.lastIndex(of: ":"),
            let port = UInt16(address[address.index(after: colon)...])
        else { throw LiveSetupError("no Asterisk: run `make pbx-test`") }
        connection = try TCPSocket.connect(host: String(address[..<colon]), port: port)
        try connection.setReceiveTimeout(seconds: 15)
        _ = try action([
            ("Action", "Login"), ("Username", LiveEnvironment.amiUser), ("Secret", LiveEnvironment.amiSecret),
            ("Events", "off"),
        ])
    }

    /// Sends an action and returns its response (events are off on this connection).
    @discardableResult
    func action(_ fields: [(String, String)]) throws -> AMIFrame {
        counter += 1
        let id = "driver-\(counter)"
        let frame = AMIFrame(fields: (fields + [("ActionID", id)]).map { .init(key: $0.0, value: $0.1) })
        try connection.write(frame.encoded())
        while true {
            while let item = parser.next() {
                if case .frame(let response) = item, response["ActionID"] == id { return response }
            }
            let bytes = try connection.read()
            guard !bytes.isEmpty else { throw LiveSetupError("Asterisk closed the manager connection") }
            parser.append(bytes)
        }
    }

    /// A staff member's agent joins the queue on `Local/<ext>@agents`, named `login` (MemberName); without a login
    /// Asterisk names the member after its interface.
    func addMember(_ ext: String, login: String?) throws {
        var fields = [("Action", "QueueAdd"), ("Queue", "complaints"), ("Interface", "Local/\(ext)@agents")]
        if let login { fields.append(("MemberName", login)) }
        let response = try action(fields)
        guard response["Response"] == "Success" else { throw LiveSetupError("QueueAdd \(ext): \(response)") }
    }

    func removeMember(_ ext: String) throws {
        try action([("Action", "QueueRemove"), ("Queue", "complaints"), ("Interface", "Local/\(ext)@agents")])
    }

    /// A caller dials the hotline (12345): they wait `wait` seconds before hanging up unless an agent ends the call
    /// first; an agent who answers talks `talk` seconds. `callerID` is what the trunk would present.
    func call(callerID: String, wait: Int, talk: Int) throws {
        // `__` makes AGENT_TALK reach the agents' Local channels, which the queue creates from the caller's.
        let response = try action([
            ("Action", "Originate"), ("Channel", "Local/12345@hotline-in"), ("Context", "caller"), ("Exten", "talk"),
            ("Priority", "1"), ("CallerID", callerID), ("Variable", "CALLER_WAIT=\(wait),__AGENT_TALK=\(talk)"),
            ("Async", "true"),
        ])
        guard response["Response"] == "Success" else { throw LiveSetupError("Originate: \(response)") }
    }

    /// Whether any channel is up (a call of an earlier test still going).
    func channelsUp() throws -> Int {
        counter += 1
        let id = "driver-\(counter)"
        try connection.write(AMIFrame(["Action": "CoreShowChannels", "ActionID": id]).encoded())
        var count = 0
        while true {
            while let item = parser.next() {
                guard case .frame(let frame) = item, frame["ActionID"] == id else { continue }
                if frame.eventName == "CoreShowChannel" { count += 1 }
                if frame.eventName == "CoreShowChannelsComplete" { return count }
            }
            let bytes = try connection.read()
            guard !bytes.isEmpty else { throw LiveSetupError("Asterisk closed the manager connection") }
            parser.append(bytes)
        }
    }

    deinit {
        connection.close()
    }
}
