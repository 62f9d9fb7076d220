import Foundation
import HotlineCore

/// A call of the register as `hotlinectl calls` and `call show` print it (SPEC §6).
public struct CallSummary: Sendable, Equatable {
    public var call: String
    public var from: String?
    public var fromName: String?
    public var to: String?
    public var queue: String?
    public var offeredAt: Date?
    public var answeredAt: Date?
    public var endedAt: Date?
    public var outcome: String
    public var firstResponder: String?
    public var answeredBy: [String]

    public init(
        call: String,
        from: String?,
        fromName: String?,
        to: String?,
        queue: String?,
        offeredAt: Date?,
        answeredAt: Date?,
        endedAt: Date?,
        outcome: String,
        firstResponder: String?,
        answeredBy: [String]
    ) {
        self.call = call
        self.from = from
        self.fromName = fromName
        self.to = to
        self.queue = queue
        self.offeredAt = offeredAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.firstResponder = firstResponder
        self.answeredBy = answeredBy
    }

    public func json(timeZone: TimeZone) -> JSONValue {
        func time(_ date: Date?) -> JSONValue {
            date.map { .string(TimeFormatting.rfc3339($0, timeZone: timeZone)) } ?? .null
        }
        return .object([
            ("call", .string(call)),
            ("from", from.map(JSONValue.string) ?? .null),
            ("from_name", fromName.map(JSONValue.string) ?? .null),
            ("to", to.map(JSONValue.string) ?? .null),
            ("queue", queue.map(JSONValue.string) ?? .null),
            ("offered_at", time(offeredAt)),
            ("answered_at", time(answeredAt)),
            ("ended_at", time(endedAt)),
            ("outcome", .string(outcome)),
            ("first_responder", firstResponder.map(JSONValue.string) ?? .null),
            ("answered_by", .array(answeredBy.map(JSONValue.string))),
        ])
    }
}

/// One raw PBX event of a call, for `call show`.
public struct CallEventEntry: Sendable, Equatable {
    public var id: String
    public var type: String
    public var at: Date
    public var receivedAt: Date

    public init(id: String, type: String, at: Date, receivedAt: Date) {
        self.id = id
        self.type = type
        self.at = at
        self.receivedAt = receivedAt
    }

    public func json(timeZone: TimeZone) -> JSONValue {
        .object([
            ("id", .string(id)),
            ("type", .string(type)),
            ("at", .string(TimeFormatting.rfc3339(at, timeZone: timeZone))),
            ("received_at", .string(TimeFormatting.rfc3339(receivedAt, timeZone: timeZone))),
        ])
    }
}
