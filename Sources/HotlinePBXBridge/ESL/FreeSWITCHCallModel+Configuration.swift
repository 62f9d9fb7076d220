import HotlineCore

extension FreeSWITCHCallModel {
    /// What the bridge was told about this PBX (SPEC section 11's options), validated once at start-up.
    public struct Configuration: Sendable, Equatable {
        /// The first part of every derived event id (`<system>-<call id>-<type>…`): names this PBX, so that two
        /// PBXs feeding one hotlined cannot collide. 1 to 32 of `A-Z a-z 0-9 . _`.
        public var systemName: String
        /// `--queue`: the mod_callcenter queues whose calls are hotline calls; empty means every queue. A
        /// configured `complaints` also matches FreeSWITCH's `complaints@default`.
        public var queues: Set<String>
        /// `--inbound`: dialled numbers whose inbound calls are hotline calls from their first event, queue or
        /// not.
        public var inboundNumbers: Set<String>
        /// `--agent-map`: mod_callcenter agent name → staff login; an agent not in it logs in under its name.
        public var agentMap: [String: String]
        /// `--withheld-number`: the caller number sent for a withheld, anonymous or unusable caller id.
        public var withheldNumber: PhoneNumber
        /// The UTC offset the events' `at` is written in (the centre's, e.g. +08:00 = 28800 s).
        public var utcOffsetSeconds: Int

        public init(
            systemName: String,
            queues: Set<String> = [],
            inboundNumbers: Set<String> = [],
            agentMap: [String: String] = [:],
            withheldNumber: PhoneNumber,
            utcOffsetSeconds: Int = 0
        ) throws(ConfigurationError) {
            guard !systemName.isEmpty, systemName.utf8.count <= 32,
                systemName.utf8.allSatisfy({ Self.isSystemNameByte($0) })
            else { throw .invalidSystemName(systemName) }
            for number in inboundNumbers where !FreeSWITCHText.isIdentifier(number, maximumLength: 64) {
                throw .invalidInboundNumber(number)
            }
            for queue in queues where queue.isEmpty {
                throw .invalidQueue(queue)
            }
            for (agent, login) in agentMap.sorted(by: { $0.key < $1.key })
            where !FreeSWITCHText.isIdentifier(login, maximumLength: 64) {
                throw .invalidStaffLogin(agent: agent, login: login)
            }
            guard utcOffsetSeconds % 60 == 0, abs(utcOffsetSeconds) < 24 * 3600 else {
                throw .invalidUTCOffset(utcOffsetSeconds)
            }
            self.systemName = systemName
            self.queues = queues
            self.inboundNumbers = inboundNumbers
            self.agentMap = agentMap
            self.withheldNumber = withheldNumber
            self.utcOffsetSeconds = utcOffsetSeconds
        }

        private static func isSystemNameByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"):
                return true
            default:
                return false
            }
        }

        /// Whether a call joining `queue` is a hotline call.
        func accepts(queue: String) -> Bool {
            if queues.isEmpty || queues.contains(queue) { return true }
            // mod_callcenter names queues `name@domain` in some configurations; `--queue name` means them too.
            guard let at = queue.firstIndex(of: "@") else { return false }
            return queues.contains(String(queue[..<at]))
        }
    }

    /// A configuration the model refuses, with what to fix.
    public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
        case invalidSystemName(String)
        case invalidInboundNumber(String)
        case invalidQueue(String)
        case invalidStaffLogin(agent: String, login: String)
        case invalidUTCOffset(Int)

        public var description: String {
            switch self {
            case .invalidSystemName(let name):
                return "PBX system name \(ESLFrameError.shown(name)) must be 1 to 32 letters, digits, '.' or '_' "
                    + "(it starts every event id; '-' separates the id's parts)"
            case .invalidInboundNumber(let number):
                return "inbound number \(ESLFrameError.shown(number)) must be 1 to 64 characters without spaces"
            case .invalidQueue(let queue):
                return "queue name \(ESLFrameError.shown(queue)) must not be empty"
            case .invalidStaffLogin(let agent, let login):
                return "agent map: staff login \(ESLFrameError.shown(login)) for agent \(ESLFrameError.shown(agent)) "
                    + "must be 1 to 64 characters without spaces"
            case .invalidUTCOffset(let seconds):
                return "UTC offset of \(seconds) s must be whole minutes and less than a day"
            }
        }
    }
}
