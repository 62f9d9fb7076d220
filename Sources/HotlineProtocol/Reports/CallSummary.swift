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

    /// The register's call as `calls` and `call show` give it, times in `timeZone`.
    public func view(timeZone: TimeZone) -> CallView {
        func time(_ date: Date?) -> String? { date.map { TimeFormatting.rfc3339($0, timeZone: timeZone) } }
        return CallView(
            call: call,
            from: from,
            fromName: fromName,
            to: to,
            queue: queue,
            offeredAt: time(offeredAt),
            answeredAt: time(answeredAt),
            endedAt: time(endedAt),
            outcome: outcome,
            firstResponder: firstResponder,
            answeredBy: answeredBy
        )
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

    public func view(timeZone: TimeZone) -> CallDetailsView.Event {
        CallDetailsView.Event(
            id: id,
            type: type,
            at: TimeFormatting.rfc3339(at, timeZone: timeZone),
            receivedAt: TimeFormatting.rfc3339(receivedAt, timeZone: timeZone)
        )
    }
}
