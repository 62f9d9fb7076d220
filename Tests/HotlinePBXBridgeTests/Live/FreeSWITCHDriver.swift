import Foundation
import HotlinePBXBridge
import HotlineSystem

/// Drives the live FreeSWITCH over an event socket of its own, as `transcripts/capture.py` does: agents change
/// status with `callcenter_config agent set status`, callers are `originate`s of `loopback/12345/hotline` whose
/// caller id the command sets. Nothing is subscribed on this connection, so every reply is the answer to the
/// command just sent.
final class FreeSWITCHDriver {
    private let connection: UnixSocket
    private var parser = ESLFrameParser()

    init() throws {
        guard let address = LiveEnvironment.eslAddress, let colon = address.lastIndex(of: ":"),
            let port = UInt16(address[address.index(after: colon)...])
        else { throw LiveSetupError("no FreeSWITCH: run `make pbx-test`") }
        connection = try TCPSocket.connect(host: String(address[..<colon]), port: port)
        try connection.setReceiveTimeout(seconds: 30)
        guard case .authRequest = try next() else { throw LiveSetupError("FreeSWITCH did not ask for auth") }
        try connection.write(try ESLCommand.auth(password: LiveEnvironment.eslPassword))
        guard case .commandReply(let reply) = try next(), reply.isOK else {
            throw LiveSetupError("FreeSWITCH refused the driver's auth")
        }
    }

    private func next() throws -> ESLMessage {
        while true {
            if let result = parser.next() { return try result.get() }
            let bytes = try connection.read()
            guard !bytes.isEmpty else { throw LiveSetupError("FreeSWITCH closed the event socket") }
            parser.append(bytes)
        }
    }

    /// `api <command>`; returns its output.
    @discardableResult
    func api(_ command: String) throws -> String {
        try connection.write(try ESLCommand.api(command))
        while true {
            if case .apiResponse(let body) = try next() { return body }
        }
    }

    /// Sets a mod_callcenter agent's status: `Available`, `On Break`, `Logged Out`.
    func setStatus(_ agent: String, _ status: String) throws {
        let reply = try api("callcenter_config agent set status \(agent) '\(status)'")
        guard reply.hasPrefix("+OK") else { throw LiveSetupError("agent \(agent) status \(status): \(reply)") }
    }

    /// Adds a mod_callcenter agent named `name` whose phone is extension `phone` (`loopback/<phone>/agents`, as
    /// the configured agents), `Logged Out`, with a tier in `queue`. Gone with ``removeAgent(_:queue:)``, or when
    /// FreeSWITCH restarts (its run directory, with mod_callcenter's database, is wiped at each start).
    func addAgent(_ name: String, phone: String, queue: String = "complaints") throws {
        for command in [
            "callcenter_config agent add \(name) callback",
            "callcenter_config agent set contact \(name) [call_timeout=10,loopback_bowout=false]loopback/\(phone)/agents",
            "callcenter_config agent set status \(name) 'Logged Out'",
            "callcenter_config tier add \(queue) \(name) 1 1",
        ] {
            let reply = try api(command)
            guard reply.hasPrefix("+OK") else { throw LiveSetupError("\(command): \(reply)") }
        }
    }

    /// Removes an agent added by ``addAgent(_:phone:queue:)``.
    func removeAgent(_ name: String, queue: String = "complaints") throws {
        try api("callcenter_config tier del \(queue) \(name)")
        try api("callcenter_config agent del \(name)")
    }

    /// A caller dials the hotline (12345, queue `complaints`; 12346 is `complaints-ringall`, which
    /// `scripts/pbx-test.sh` adds) and waits in the queue until an agent's phone (which talks 3 s) hangs up or
    /// ``hangUp(_:)``. Returns the originating channel's uuid.
    @discardableResult
    func call(number: String, name: String, dialling hotline: String = "12345") throws -> String {
        let reply = try api(
            "originate {origination_caller_id_name='\(name)',origination_caller_id_number=\(number),"
                + "loopback_bowout=false}loopback/\(hotline)/hotline &park()"
        )
        guard reply.hasPrefix("+OK "), let uuid = reply.split(separator: " ").last else {
            throw LiveSetupError("originate: \(reply)")
        }
        return uuid.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The caller hangs up.
    func hangUp(_ uuid: String) throws {
        try api("uuid_kill \(uuid) NORMAL_CLEARING")
    }

    /// How many channels are up (calls of an earlier test still going).
    func channelsUp() throws -> Int {
        let reply = try api("show channels count")
        guard let count = reply.split(whereSeparator: \.isWhitespace).first.flatMap({ Int($0) }) else {
            throw LiveSetupError("show channels count: \(reply)")
        }
        return count
    }

    deinit {
        connection.close()
    }
}
