import Foundation

/// An internal transfer of a call, as recorded in ``CallRecord/transfers``. It never changes the first
/// responder (R2).
public struct CallTransfer: Hashable, Sendable, Codable {
    /// The PBX event id of the `call.transferred` event.
    public var eventID: String
    public var at: Date
    /// The extension that passed the call on.
    public var fromAgent: String
    /// The extension that received it.
    public var toAgent: String

    public init(eventID: String, at: Date, fromAgent: String, toAgent: String) {
        self.eventID = eventID
        self.at = at
        self.fromAgent = fromAgent
        self.toAgent = toAgent
    }

    /// Time order, with every field as a tie-breaker so that sorting is total and order-independent.
    func precedes(_ other: CallTransfer) -> Bool {
        if at != other.at { return at < other.at }
        return [eventID, fromAgent, toAgent].lexicographicallyPrecedes([other.eventID, other.fromAgent, other.toAgent])
    }
}
