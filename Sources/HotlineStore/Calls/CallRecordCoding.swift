import Foundation
import HotlineCore
import HotlineProtocol

/// The stored form of a ``CallRecord``: its kept facts as compact JSON arrays.
///
/// Written and read for every call the ingest path touches, so it avoids Foundation's JSONEncoder (a tenth of
/// the ingest thread's time when profiled). Times are kept as the bit pattern of the `Date`, so a record read back
/// compares exactly equal to the one written.
enum CallRecordCoding {
    static func encode(_ record: CallRecord) -> String {
        JSONValue.array(record.keptFacts.map(encode)).serialized()
    }

    static func decode(_ text: String, callID: String) throws -> CallRecord {
        guard case .array(let items) = try JSONValue.parse(Array(text.utf8)) else { throw CallRecordCodingError() }
        var record = CallRecord(callID: callID)
        for item in items { record.apply(try decodeFact(item, callID: callID)) }
        return record
    }

    private static func encode(_ fact: CallEventFact) -> JSONValue {
        let head: [JSONValue] = [
            .string(fact.eventID), .int(Int64(bitPattern: fact.at.timeIntervalSinceReferenceDate.bitPattern)),
        ]
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        switch fact.kind {
        case .offered(let from, let fromName, let to, let queue):
            return .array(
                [.string("o")] + head + [optional(from?.normalized), optional(fromName), .string(to), optional(queue)]
            )
        case .answered(let agents):
            let list = agents.map { agent -> JSONValue in
                .array([
                    .string(agent.agent), optional(agent.staff?.login),
                    agent.staff.map { .int(Int64($0.rank)) } ?? .null,
                ])
            }
            return .array([.string("a")] + head + [.array(list)])
        case .transferred(let fromAgent, let toAgent):
            return .array([.string("t")] + head + [.string(fromAgent), .string(toAgent)])
        case .ended(let cause):
            return .array([.string("e")] + head + [.string(cause.rawValue)])
        }
    }

    private static func decodeFact(_ value: JSONValue, callID: String) throws -> CallEventFact {
        guard case .array(let fields) = value, fields.count >= 3, let tag = fields[0].stringValue,
            let eventID = fields[1].stringValue, case .int(let bits) = fields[2]
        else { throw CallRecordCodingError() }
        let at = Date(timeIntervalSinceReferenceDate: Double(bitPattern: UInt64(bitPattern: bits)))
        let rest = Array(fields.dropFirst(3))
        let kind: CallEventFact.Kind
        switch (tag, rest.count) {
        case ("o", 4):
            guard let to = rest[2].stringValue else { throw CallRecordCodingError() }
            let from = try rest[0].stringValue.map { try PhoneNumber(validating: $0) }
            kind = .offered(from: from, fromName: rest[1].stringValue, to: to, queue: rest[3].stringValue)
        case ("a", 1):
            guard let list = rest[0].arrayValue else { throw CallRecordCodingError() }
            kind = .answered(
                agents: try list.map { item in
                    guard let parts = item.arrayValue, parts.count == 3, let agent = parts[0].stringValue else {
                        throw CallRecordCodingError()
                    }
                    let staff = parts[1].stringValue.map { StaffCandidate(login: $0, rank: parts[2].intValue ?? 0) }
                    return AnsweringAgent(agent: agent, staff: staff)
                }
            )
        case ("t", 2):
            guard let fromAgent = rest[0].stringValue, let toAgent = rest[1].stringValue else {
                throw CallRecordCodingError()
            }
            kind = .transferred(fromAgent: fromAgent, toAgent: toAgent)
        case ("e", 1):
            guard let cause = rest[0].stringValue.flatMap(CallEndCause.init(rawValue:)) else {
                throw CallRecordCodingError()
            }
            kind = .ended(cause: cause)
        default:
            throw CallRecordCodingError()
        }
        return CallEventFact(eventID: eventID, callID: callID, at: at, kind: kind)
    }
}

struct CallRecordCodingError: Error, CustomStringConvertible {
    var description: String { "a stored call record is not in the expected form" }
}
