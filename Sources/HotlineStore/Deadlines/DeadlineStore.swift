import Foundation
import HotlineCore
import HotlineProtocol

/// A warning or a breach, as announced on `NOTIFY hotline_events`, in the journal, by `hotlinectl watch` and to the
/// notification command.
public struct DeadlineEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case warning
        case breach
    }

    public var kind: Kind
    public var deadline: Int64
    public var deadlineKind: String
    public var complaint: String
    public var department: String
    public var dueAt: Date
    public var firedAt: Date
    /// Fired more than a minute after its due time (the daemon was not running, say).
    public var late: Bool
    /// The escalation the breach caused, if any (`qa`, `vp`, `gm`).
    public var escalation: String?
    public var firstResponder: String
    public var notice: String

    public func json(timeZone: TimeZone) -> JSONValue {
        .object([
            ("event", .string(kind.rawValue)),
            ("deadline", .int(deadline)),
            ("kind", .string(deadlineKind)),
            ("complaint", .string(complaint)),
            ("department", .string(department)),
            ("due_at", .string(TimeFormatting.rfc3339(dueAt, timeZone: timeZone))),
            ("fired_at", .string(TimeFormatting.rfc3339(firedAt, timeZone: timeZone))),
            ("late", .bool(late)),
            ("escalation", escalation.map(JSONValue.string) ?? .null),
            ("first_responder", .string(firstResponder)),
            ("notice", .string(notice)),
        ])
    }
}

/// Firing deadlines (SPEC §3): due rows are claimed with `FOR UPDATE SKIP LOCKED` and moved out of `pending` in the
/// same transaction that records their effects, so each fires exactly once however many daemons share the database.
public enum DeadlineStore {
    /// Seconds after its due time past which a firing counts as late.
    static let lateAfter: TimeInterval = 60

    /// Breaches every pending deadline due at `now` (at most `limit`), with their escalations, ladder rungs and
    /// notifications, and returns what was fired.
    public static func fireDue(
        at now: Date,
        limit: Int,
        policy: DeadlinePolicy,
        calendar: WorkCalendar,
        timeZone: TimeZone,
        on connection: PGConnection
    ) throws -> [DeadlineEvent] {
        try connection.transaction { connection in
            let due = try connection.query(
                """
                SELECT d.id, d.complaint_id, d.kind, d.department, d.due_at, c.first_responder, c.escalation_level
                FROM hotline.deadlines d JOIN hotline.complaints c ON c.id = d.complaint_id
                WHERE d.state = 'pending' AND d.due_at <= $1
                ORDER BY d.due_at
                LIMIT $2
                FOR UPDATE OF d SKIP LOCKED
                """,
                [now, limit]
            )
            var events: [DeadlineEvent] = []
            for row in due {
                let id: Int64 = try row.decode("id")
                let complaint = String(try row.decode("complaint_id", as: Int64.self))
                let kind: String = try row.decode("kind")
                let department: String = try row.decode("department")
                let dueAt: Date = try row.decode("due_at")
                let late = now.timeIntervalSince(dueAt) > lateAfter
                try connection.command(
                    "UPDATE hotline.deadlines SET state = 'breached', breached_at = $2, fired_late = $3 WHERE id = $1",
                    [id, now, late]
                )
                var escalation: String?
                var notice: String
                switch kind {
                case "transfer":
                    escalation = "qa"
                    notice = "R4: complaint \(complaint) was not transferred or resolved within its allowance"
                case "accept":
                    notice = "R5: department \(department) has not named a handler for complaint \(complaint)"
                case "reply":
                    escalation = "qa"
                    notice =
                        "R6/R10: department \(department) has not replied to complaint \(complaint); "
                        + "the first responder is to urge it"
                    // The ladder: VP and then GM unless the reply comes first.
                    for (rung, allowance) in [("reply_vp", policy.ladderVP), ("reply_gm", policy.ladderGM)] {
                        let computed = try calendar.due(after: dueAt, allowance: allowance)
                        try connection.command(
                            """
                            INSERT INTO hotline.deadlines (complaint_id, kind, department, started_at, due_at, explanation)
                            VALUES ($1::bigint, $2, $3, $4, $5, $6)
                            ON CONFLICT DO NOTHING
                            """,
                            [
                                complaint, rung, department, dueAt, computed.dueAt,
                                try DeadlineExplanations.encode([computed.explanation]),
                            ]
                        )
                    }
                case "reply_vp":
                    escalation = "vp"
                    notice = "R8: complaint \(complaint) still has no reply; escalated to the deputy general manager"
                default:
                    escalation = "gm"
                    notice = "R8: complaint \(complaint) still has no reply; escalated to the general manager"
                }
                if let escalation {
                    try connection.command(
                        """
                        INSERT INTO hotline.escalations (complaint_id, kind, level, department, at, reason, deadline_id)
                        VALUES ($1::bigint, $2, $3, $4, $5, $6, $7)
                        """,
                        [
                            complaint, kind == "transfer" ? "transfer_overdue" : "reply_overdue", escalation,
                            department,
                            now, notice, id,
                        ]
                    )
                    // The complaint's level only goes up (R8).
                    try connection.command(
                        """
                        UPDATE hotline.complaints SET escalation_level = $2
                        WHERE id = $1::bigint AND array_position(ARRAY['none','qa','vp','gm'], escalation_level)
                            < array_position(ARRAY['none','qa','vp','gm'], $2)
                        """,
                        [complaint, escalation]
                    )
                }
                let event = DeadlineEvent(
                    kind: .breach,
                    deadline: id,
                    deadlineKind: kind,
                    complaint: complaint,
                    department: department,
                    dueAt: dueAt,
                    firedAt: now,
                    late: late,
                    escalation: escalation,
                    firstResponder: try row.decode("first_responder"),
                    notice: notice
                )
                try notify(event, timeZone: timeZone, on: connection)
                events.append(event)
            }
            return events
        }
    }

    /// Marks and returns the warnings due at `now` (a share of the allowance has passed, SPEC §3).
    public static func warnDue(at now: Date, limit: Int, timeZone: TimeZone, on connection: PGConnection) throws
        -> [DeadlineEvent]
    {
        try connection.transaction { connection in
            let due = try connection.query(
                """
                SELECT d.id, d.complaint_id, d.kind, d.department, d.due_at, c.first_responder
                FROM hotline.deadlines d JOIN hotline.complaints c ON c.id = d.complaint_id
                WHERE d.state = 'pending' AND d.warned_at IS NULL AND d.warn_at <= $1 AND d.due_at > $1
                ORDER BY d.warn_at
                LIMIT $2
                FOR UPDATE OF d SKIP LOCKED
                """,
                [now, limit]
            )
            var events: [DeadlineEvent] = []
            for row in due {
                let id: Int64 = try row.decode("id")
                try connection.command("UPDATE hotline.deadlines SET warned_at = $2 WHERE id = $1", [id, now])
                let complaint = String(try row.decode("complaint_id", as: Int64.self))
                let kind: String = try row.decode("kind")
                let dueAt: Date = try row.decode("due_at")
                let event = DeadlineEvent(
                    kind: .warning,
                    deadline: id,
                    deadlineKind: kind,
                    complaint: complaint,
                    department: try row.decode("department"),
                    dueAt: dueAt,
                    firedAt: now,
                    late: false,
                    escalation: nil,
                    firstResponder: try row.decode("first_responder"),
                    notice: "the \(kind) deadline of complaint \(complaint) is due at "
                        + TimeFormatting.rfc3339(dueAt, timeZone: timeZone)
                )
                try notify(event, timeZone: timeZone, on: connection)
                events.append(event)
            }
            return events
        }
    }

    /// The earliest moment something is due (a warning or a breach), nil when nothing is pending.
    public static func nextDue(on connection: PGConnection) throws -> Date? {
        let row = try connection.query(
            """
            SELECT least(
                (SELECT min(due_at) FROM hotline.deadlines WHERE state = 'pending'),
                (SELECT min(warn_at) FROM hotline.deadlines WHERE state = 'pending' AND warned_at IS NULL)
            ) AS next
            """
        ).first
        return try row?.decodeIfPresent("next", as: Date.self)
    }

    /// NOTIFY in the firing transaction: listeners hear of it exactly when (and only if) it commits.
    private static func notify(_ event: DeadlineEvent, timeZone: TimeZone, on connection: PGConnection) throws {
        try connection.command(
            "SELECT pg_notify('hotline_events', $1)",
            [event.json(timeZone: timeZone).serialized()]
        )
    }
}
