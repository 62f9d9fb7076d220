import Foundation

/// One PBX call event reduced to what the call register needs, with the staff already resolved.
///
/// The daemon builds facts from `call.*` events after mapping extensions to staff (agent.login, else the
/// static extension); ``CallRecord`` folds them. Every fact carries its event id so that the fold can break
/// ties between events with the same timestamp without depending on arrival order.
public struct CallEventFact: Hashable, Sendable, Codable {
    /// What happened to the call.
    public enum Kind: Hashable, Sendable, Codable {
        /// `call.offered`: the call reached the hotline. `from` is `nil` when the caller withheld the number.
        case offered(from: PhoneNumber?, fromName: String?, to: String, queue: String?)
        /// `call.answered`: one or more agents answered together, in the order the PBX listed them.
        case answered(agents: [AnsweringAgent])
        /// `call.transferred`: an agent passed the call on to another extension.
        case transferred(fromAgent: String, toAgent: String)
        /// `call.ended`.
        case ended(cause: CallEndCause)
    }

    /// The PBX event id (unique per event, used for idempotency and as a tie-breaker).
    public var eventID: String
    /// The PBX call id.
    public var callID: String
    /// When the event happened, by the PBX's clock.
    public var at: Date
    public var kind: Kind

    public init(eventID: String, callID: String, at: Date, kind: Kind) {
        self.eventID = eventID
        self.callID = callID
        self.at = at
        self.kind = kind
    }

    /// Total order used by the fold: earlier time first, then event id, then content.
    ///
    /// The content comparison only matters for two different facts sharing time and event id, which a sane
    /// PBX never sends; it keeps the fold order-independent even then.
    func precedes(_ other: CallEventFact) -> Bool {
        if at != other.at { return at < other.at }
        if eventID != other.eventID { return eventID < other.eventID }
        return contentKey.lexicographicallyPrecedes(other.contentKey)
    }

    /// The fact's content as strings, only for the last-resort tie-break in ``precedes(_:)``.
    private var contentKey: [String] {
        switch kind {
        case .offered(let from, let fromName, let to, let queue):
            return ["offered", from?.normalized ?? "", fromName ?? "", to, queue ?? ""]
        case .answered(let agents):
            return ["answered"]
                + agents.flatMap { [$0.agent, $0.staff?.login ?? "", $0.staff.map { String($0.rank) } ?? ""] }
        case .transferred(let fromAgent, let toAgent):
            return ["transferred", fromAgent, toAgent]
        case .ended(let cause):
            return ["ended", cause.rawValue]
        }
    }
}

/// An extension that answered a call and the staff member it resolved to (`nil` when nobody is known).
public struct AnsweringAgent: Hashable, Sendable, Codable {
    /// The PBX extension.
    public var agent: String
    /// The staff member logged in on the extension, or whose static extension it is.
    public var staff: StaffCandidate?

    public init(agent: String, staff: StaffCandidate?) {
        self.agent = agent
        self.staff = staff
    }
}
