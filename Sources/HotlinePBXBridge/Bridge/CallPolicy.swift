import HotlineCore

/// The PBX-independent choices of a bridge (SPEC section 11): which calls are hotline calls, what a withheld
/// number becomes, who an agent is, and how event times are written.
public struct CallPolicy: Sendable, Equatable {
    /// Queues whose callers are hotline calls; empty means every queue.
    public var queues: Set<String>
    /// Dialled numbers (extensions) whose callers are hotline calls, queue or not.
    public var inbound: Set<String>
    /// The number sent as `from` when the caller withheld theirs (hotlined needs a phone number there).
    public var withheldNumber: PhoneNumber
    public var agentMap: AgentMap
    /// The offset event times are written in (`at`), seconds east of UTC.
    public var utcOffsetSeconds: Int
    /// The system name used in event ids when the PBX does not give one.
    public var systemName: String

    /// The placeholder for withheld numbers when none is configured: not a number anyone can call back.
    public static let defaultWithheldNumber = "000"

    public init(
        queues: Set<String> = [],
        inbound: Set<String> = [],
        withheldNumber: PhoneNumber,
        agentMap: AgentMap = AgentMap(),
        utcOffsetSeconds: Int = 0,
        systemName: String = "pbx"
    ) {
        self.queues = queues
        self.inbound = inbound
        self.withheldNumber = withheldNumber
        self.agentMap = agentMap
        self.utcOffsetSeconds = utcOffsetSeconds
        self.systemName = systemName
    }

    /// Whether callers joining `queue` are hotline calls.
    public func isHotlineQueue(_ queue: String) -> Bool {
        queues.isEmpty || queues.contains(queue)
    }
}
