import HotlineProtocol

/// The events a bridge has made and hotlined has not acknowledged yet, in the order they were made.
///
/// Kept in the state directory, so that neither a broken connection nor a restart of the bridge loses one: after a
/// reconnect everything here is sent again, and hotlined answers what it already had `duplicate: true`.
public struct EventOutbox: Codable, Sendable, Equatable {
    /// One event as its wire line (without the newline).
    public struct Entry: Codable, Sendable, Equatable {
        public var id: String
        public var line: String
    }

    public private(set) var entries: [Entry] = []
    // The ids in `entries`, so that a long outage's thousands of waiting events are not searched one by one.
    private var waiting: Set<String> = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }
    public var count: Int { entries.count }

    /// Adds events to send; an event whose id is already waiting is not added twice.
    public mutating func append(_ events: [PBXEvent]) {
        for event in events where waiting.insert(event.id).inserted {
            entries.append(Entry(id: event.id, line: String(decoding: event.encodedLine().dropLast(), as: UTF8.self)))
        }
    }

    /// What an ack means for the event it answers.
    public enum Outcome: Sendable, Equatable {
        /// Stored (or stored before): done.
        case delivered(duplicate: Bool)
        /// Refused for good (`invalid_field`, …): sending it again would be refused again; it is dropped and logged.
        case rejected(PBXLineError)
        /// hotlined could not store it now (`unavailable`): it stays and is sent again later.
        case retryLater
    }

    /// Applies the acks of a delivery: `acks[i]` answers the i-th of `ids`. Returns each event's outcome.
    public mutating func settle(ids: [String], acks: [PBXAck]) -> [(id: String, outcome: Outcome)] {
        var outcomes: [(id: String, outcome: Outcome)] = []
        var done = Set<String>()
        for (id, ack) in zip(ids, acks) {
            switch ack {
            case .accepted(_, let duplicate):
                outcomes.append((id, .delivered(duplicate: duplicate)))
                done.insert(id)
            case .refused(let error) where error.code == .unavailable:
                outcomes.append((id, .retryLater))
            case .refused(let error):
                outcomes.append((id, .rejected(error)))
                done.insert(id)
            }
        }
        entries.removeAll { done.contains($0.id) }
        waiting.subtract(done)
        return outcomes
    }
}
