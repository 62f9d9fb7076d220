import Foundation
import HotlineProtocol
import HotlineSystem

/// A PBX adapter for tests: writes event lines to the PBX socket and reads the acks back.
final class PBXTestClient {
    let socket: UnixSocket
    private var framer = LineFramer(maxLineLength: 1 << 20)

    init(path: String) throws {
        socket = try UnixSocket.connect(path: path)
    }

    deinit {
        socket.close()
    }

    func send(_ lines: [String]) throws {
        try socket.write(Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    func send(raw bytes: [UInt8]) throws {
        try socket.write(bytes)
    }

    /// Reads `count` ack lines (fewer when the daemon closes the connection).
    func acks(_ count: Int) throws -> [PBXAck] {
        var acks: [PBXAck] = []
        while acks.count < count {
            while acks.count < count, let frame = framer.nextLine() {
                guard case .line(let bytes) = frame else { continue }
                acks.append(try PBXAck.decode(line: bytes))
            }
            if acks.count == count { break }
            let chunk = try socket.read()
            if chunk.isEmpty { break }
            framer.append(chunk)
        }
        return acks
    }

    /// Sends lines and returns their acks.
    func exchange(_ lines: [String]) throws -> [PBXAck] {
        try send(lines)
        return try acks(lines.count)
    }
}

/// Event lines for tests.
enum Events {
    static func offered(
        _ id: String,
        call: String,
        at: String,
        from: String = "13812345678",
        name: String? = nil,
        queue: String = "complaints"
    ) -> String {
        let nameField = name.map { ",\"from_name\":\"\($0)\"" } ?? ""
        return
            #"{"v":1,"id":"\#(id)","type":"call.offered","at":"\#(at)","call":"\#(call)","from":"\#(from)"\#(nameField),"to":"12345","queue":"\#(queue)"}"#
    }

    static func answered(_ id: String, call: String, at: String, agents: [String]) -> String {
        let list = agents.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"v":1,"id":"\#(id)","type":"call.answered","at":"\#(at)","call":"\#(call)","agents":[\#(list)]}"#
    }

    static func transferred(_ id: String, call: String, at: String, from: String, to: String) -> String {
        #"{"v":1,"id":"\#(id)","type":"call.transferred","at":"\#(at)","call":"\#(call)","agent":"\#(from)","to_agent":"\#(to)"}"#
    }

    static func ended(_ id: String, call: String, at: String, cause: String = "normal") -> String {
        #"{"v":1,"id":"\#(id)","type":"call.ended","at":"\#(at)","call":"\#(call)","cause":"\#(cause)"}"#
    }

    static func login(_ id: String, agent: String, staff: String, at: String) -> String {
        #"{"v":1,"id":"\#(id)","type":"agent.login","at":"\#(at)","agent":"\#(agent)","staff":"\#(staff)"}"#
    }

    static func logout(_ id: String, agent: String, staff: String, at: String) -> String {
        #"{"v":1,"id":"\#(id)","type":"agent.logout","at":"\#(at)","agent":"\#(agent)","staff":"\#(staff)"}"#
    }
}

extension PBXAck {
    var isStored: Bool {
        if case .accepted(_, false) = self { return true }
        return false
    }

    var isDuplicate: Bool {
        if case .accepted(_, true) = self { return true }
        return false
    }

    var errorCode: PBXLineError.Code? {
        if case .refused(let error) = self { return error.code }
        return nil
    }
}
