import Foundation
import HotlineCore
import HotlinePBXBridge
import HotlineProtocol

/// Replays an AMI transcript (a fixture file) through the frame parser and the Asterisk call model, as the bridge
/// does with the bytes of its manager connection.
struct AMITranscript {
    /// The time every event is stamped with (AMI events carry no time; the bridge stamps them on arrival).
    static let at = Date(timeIntervalSince1970: 1_796_018_840)
    static let atText = "2026-11-30T14:07:20+08:00"

    var banner: String?
    var frames: [AMIFrame] = []
    var malformed: [AMIFrameError] = []

    /// Parses the fixture `name`, handing the parser `chunkSize` bytes at a time (1 exercises every split point).
    init(fixture name: String, chunkSize: Int = 4096) throws {
        try self.init(bytes: Array(Self.fixture(name)), chunkSize: chunkSize)
    }

    init(bytes: [UInt8], chunkSize: Int = 4096) {
        var parser = AMIFrameParser()
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + chunkSize)
            parser.append(bytes[offset..<end])
            offset = end
            while let item = parser.next() {
                switch item {
                case .banner(let text): banner = text
                case .frame(let frame): frames.append(frame)
                case .malformed(let error): malformed.append(error)
                }
            }
        }
    }

    static func fixture(_ name: String) throws -> Data {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        return try Data(contentsOf: folder.appendingPathComponent(name))
    }

    /// The hotline events of the transcript, as wire lines (without the newline), in order.
    func eventLines(policy: CallPolicy = AMITranscript.policy()) -> [String] {
        var model = AsteriskCallModel(policy: policy)
        return frames.flatMap { model.handle($0, at: Self.at) }.map(Self.line)
    }

    static func line(_ event: PBXEvent) -> String {
        String(decoding: event.encodedLine().dropLast(), as: UTF8.self)
    }

    static func policy(
        queues: Set<String> = [],
        inbound: Set<String> = [],
        agentMap: AgentMap = AgentMap()
    ) -> CallPolicy {
        CallPolicy(
            queues: queues,
            inbound: inbound,
            withheldNumber: try! PhoneNumber(validating: "000"),
            agentMap: agentMap,
            utcOffsetSeconds: 8 * 3600,
            systemName: "pbx"
        )
    }
}

/// Expected wire lines, written out once so that each test reads as the events it checks.
enum Expect {
    static let at = AMITranscript.atText

    static func offered(
        _ call: String,
        from: String,
        name: String?,
        to: String = "12345",
        queue: String? = "complaints"
    )
        -> String
    {
        var line =
            #"{"v":1,"id":"\#(call)-offered","type":"call.offered","at":"\#(at)","call":"\#(call)","from":"\#(from)""#
        if let name { line += #","from_name":"\#(name)""# }
        line += #","to":"\#(to)""#
        if let queue { line += #","queue":"\#(queue)""# }
        return line + "}"
    }

    static func answered(_ call: String, agent: String) -> String {
        #"{"v":1,"id":"\#(call)-answered","type":"call.answered","at":"\#(at)","call":"\#(call)","agent":"\#(agent)"}"#
    }

    static func transferred(_ call: String, number: Int, from: String, to: String) -> String {
        #"{"v":1,"id":"\#(call)-transferred-\#(number)","type":"call.transferred","at":"\#(at)","call":"\#(call)","agent":"\#(from)","to_agent":"\#(to)"}"#
    }

    static func ended(_ call: String, cause: String) -> String {
        #"{"v":1,"id":"\#(call)-ended","type":"call.ended","at":"\#(at)","call":"\#(call)","cause":"\#(cause)"}"#
    }

    static func login(_ agent: String, staff: String, session: String, system: String = "pbx1") -> String {
        #"{"v":1,"id":"\#(system)-agent-\#(agent)-login-\#(session)","type":"agent.login","at":"\#(at)","agent":"\#(agent)","staff":"\#(staff)"}"#
    }

    static func logout(_ agent: String, staff: String, session: String, system: String = "pbx1") -> String {
        #"{"v":1,"id":"\#(system)-agent-\#(agent)-logout-\#(session)","type":"agent.logout","at":"\#(at)","agent":"\#(agent)","staff":"\#(staff)"}"#
    }
}
