import Foundation
import HotlineCore

/// One event from a PBX adapter on the event socket (SPEC section 5), validated.
///
/// Built by ``PBXEventParser`` from a line, or by a simulator and written with ``encodedLine()``.
public struct PBXEvent: Sendable, Equatable {
    /// How a call ended; the same values as the register's.
    public typealias EndCause = CallEndCause

    /// The event type and its fields.
    public enum Kind: Sendable, Equatable {
        /// `call.offered`: a call reached the hotline.
        case callOffered(call: String, from: PhoneNumber, fromName: String?, to: String, queue: String?)
        /// `call.answered`: one or more extensions answered together, in the PBX's order (R2 tie-break);
        /// a single `agent` on the wire is a one-element list.
        case callAnswered(call: String, agents: [String])
        /// `call.transferred`: `agent` passed the call to `toAgent`.
        case callTransferred(call: String, agent: String, toAgent: String)
        /// `call.ended`.
        case callEnded(call: String, cause: EndCause)
        /// `agent.login`: `staff` logged in on extension `agent`.
        case agentLogin(agent: String, staff: String)
        /// `agent.logout`: `staff` logged out of extension `agent`.
        case agentLogout(agent: String, staff: String)
    }

    /// The adapter-chosen event id, unique per event; resending an event with the same id is a no-op.
    public var id: String
    /// When it happened, with the offset the adapter wrote.
    public var timestamp: RFC3339Timestamp
    public var kind: Kind

    public init(id: String, timestamp: RFC3339Timestamp, kind: Kind) {
        self.id = id
        self.timestamp = timestamp
        self.kind = kind
    }

    /// An event at `at`, rendered in the given UTC offset (seconds, whole minutes).
    public init(id: String, at: Date, utcOffsetSeconds: Int = 0, kind: Kind) {
        self.init(id: id, timestamp: RFC3339Timestamp(date: at, utcOffsetSeconds: utcOffsetSeconds), kind: kind)
    }

    /// When it happened.
    public var at: Date { timestamp.date }

    /// The PBX call id for `call.*` events, `nil` for agent events.
    public var callID: String? {
        switch kind {
        case .callOffered(let call, _, _, _, _), .callAnswered(let call, _), .callTransferred(let call, _, _),
            .callEnded(let call, _):
            return call
        case .agentLogin, .agentLogout:
            return nil
        }
    }

    /// The wire name of the type (`call.offered`, `agent.login`, …).
    public var typeName: String { kind.typeName }

    /// The call-register fact for a `call.*` event, with answering extensions resolved to staff by `resolve`
    /// (the staff logged in on the extension, else the one whose static extension it is); `nil` for agent
    /// events.
    public func callEventFact(resolvingStaff resolve: (String) -> StaffCandidate?) -> CallEventFact? {
        let factKind: CallEventFact.Kind
        switch kind {
        case .callOffered(_, let from, let fromName, let to, let queue):
            factKind = .offered(from: from, fromName: fromName, to: to, queue: queue)
        case .callAnswered(_, let agents):
            factKind = .answered(agents: agents.map { AnsweringAgent(agent: $0, staff: resolve($0)) })
        case .callTransferred(_, let agent, let toAgent):
            factKind = .transferred(fromAgent: agent, toAgent: toAgent)
        case .callEnded(_, let cause):
            factKind = .ended(cause: cause)
        case .agentLogin, .agentLogout:
            return nil
        }
        guard let callID else { return nil }
        return CallEventFact(eventID: id, callID: callID, at: at, kind: factKind)
    }
}

extension PBXEvent.Kind {
    /// Every type name the parser accepts.
    public static let typeNames = [
        "call.offered", "call.answered", "call.transferred", "call.ended", "agent.login", "agent.logout",
    ]

    /// The wire name of the type.
    public var typeName: String {
        switch self {
        case .callOffered: return "call.offered"
        case .callAnswered: return "call.answered"
        case .callTransferred: return "call.transferred"
        case .callEnded: return "call.ended"
        case .agentLogin: return "agent.login"
        case .agentLogout: return "agent.logout"
        }
    }
}
