import Foundation

/// A call in the register (R1), folded from its events.
///
/// Events may arrive out of order or twice (after an adapter reconnects), so the fold is order-independent
/// and idempotent: applying the same set of facts in any order, any fact any number of times, gives an equal
/// record. Each single-valued part is taken from the *earliest* fact of its kind (by time, then event id),
/// never from the first or last one to arrive:
///
/// - caller, dialled number and queue come from the earliest `offered` fact;
/// - the answer time, the answering extensions and the first responder (R2) come from the earliest
///   `answered` fact; later answers and transfers never change the first responder;
/// - the end time and cause come from the earliest `ended` fact;
/// - transfers are a set, kept sorted by time.
public struct CallRecord: Hashable, Sendable, Codable {
    /// The PBX call id; facts for other calls are ignored.
    public let callID: String

    private var offered: CallEventFact?
    private var answered: CallEventFact?
    private var ended: CallEventFact?
    /// Every distinct transfer, sorted by ``CallTransfer/precedes(_:)``.
    public private(set) var transfers: [CallTransfer] = []

    /// An empty record; ``outcome`` is ``CallOutcome/inProgress`` until facts arrive.
    public init(callID: String) {
        self.callID = callID
    }

    /// A record folded from `facts`; facts for other calls are ignored.
    public init(callID: String, facts: some Sequence<CallEventFact>) {
        self.init(callID: callID)
        for fact in facts { apply(fact) }
    }

    /// Folds one fact into the record.
    ///
    /// - Returns: `false` when the fact belongs to another call and was ignored.
    @discardableResult
    public mutating func apply(_ fact: CallEventFact) -> Bool {
        guard fact.callID == callID else { return false }
        switch fact.kind {
        case .offered:
            Self.keepEarliest(fact, in: &offered)
        case .answered:
            Self.keepEarliest(fact, in: &answered)
        case .ended:
            Self.keepEarliest(fact, in: &ended)
        case .transferred(let fromAgent, let toAgent):
            let transfer = CallTransfer(eventID: fact.eventID, at: fact.at, fromAgent: fromAgent, toAgent: toAgent)
            guard !transfers.contains(transfer) else { break }
            let index = transfers.firstIndex { transfer.precedes($0) } ?? transfers.endIndex
            transfers.insert(transfer, at: index)
        }
        return true
    }

    /// The facts the record keeps — the earliest offer, answer and end, and every transfer. Folding them into an
    /// empty record gives this record again, so they are all a store needs to keep.
    public var keptFacts: [CallEventFact] {
        var facts = [offered, answered, ended].compactMap { $0 }
        for transfer in transfers {
            facts.append(
                CallEventFact(
                    eventID: transfer.eventID,
                    callID: callID,
                    at: transfer.at,
                    kind: .transferred(fromAgent: transfer.fromAgent, toAgent: transfer.toAgent)
                )
            )
        }
        return facts
    }

    private static func keepEarliest(_ fact: CallEventFact, in slot: inout CallEventFact?) {
        if let current = slot, !fact.precedes(current) { return }
        slot = fact
    }

    // MARK: - Offered

    /// The caller's number; `nil` until the offer is known or when the caller withheld it.
    public var from: PhoneNumber? {
        guard case .offered(let from, _, _, _) = offered?.kind else { return nil }
        return from
    }

    /// The caller's name from caller ID, if the PBX sent one.
    public var fromName: String? {
        guard case .offered(_, let fromName, _, _) = offered?.kind else { return nil }
        return fromName
    }

    /// The dialled hotline number.
    public var to: String? {
        guard case .offered(_, _, let to, _) = offered?.kind else { return nil }
        return to
    }

    /// The PBX queue the call entered, if any.
    public var queue: String? {
        guard case .offered(_, _, _, let queue) = offered?.kind else { return nil }
        return queue
    }

    public var offeredAt: Date? { offered?.at }

    // MARK: - Answered

    /// The earliest answer time.
    public var answeredAt: Date? { answered?.at }

    /// The extensions of the earliest answer, in the PBX's order.
    public var answeringAgents: [String] {
        guard case .answered(let agents) = answered?.kind else { return [] }
        return agents.map(\.agent)
    }

    /// The login of the first responder (R2), chosen among the resolved staff of the earliest answer;
    /// `nil` when nobody has answered or no answering extension maps to a staff member.
    public var firstResponder: String? {
        guard case .answered(let agents) = answered?.kind else { return nil }
        return FirstResponder.choose(agents.compactMap(\.staff))?.login
    }

    // MARK: - Ended

    public var endedAt: Date? { ended?.at }

    public var endCause: CallEndCause? {
        guard case .ended(let cause) = ended?.kind else { return nil }
        return cause
    }

    // MARK: - Outcome

    /// Answered when anyone answered; otherwise abandoned or missed once the call ended; else in progress.
    public var outcome: CallOutcome {
        if answered != nil { return .answered }
        switch endCause {
        case .abandoned: return .abandoned
        case .normal, .busy, .noAnswer, .failed: return .missed
        case nil: return .inProgress
        }
    }
}
