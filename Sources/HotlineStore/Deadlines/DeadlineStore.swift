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
    public var deadlineKind: DeadlineKind
    public var complaint: String
    public var department: String
    public var dueAt: Date
    public var firedAt: Date
    /// Fired more than a minute after its due time (the daemon was not running, say).
    public var late: Bool
    /// The escalation the breach caused, if any (`qa`, `vp`, `gm`).
    public var escalation: String?
    public var firstResponder: String
    /// The person responsible for the complaint when it fired (told of a transfer deadline).
    public var responsible: String
    /// What it means, in both languages; `notice` is its English form, as the journal and `watch` show it.
    public var text: LocalizedText
    public var notice: String { text.en }

    /// The event as `watch`, NOTIFY and the notification command carry it.
    public func announcement(timeZone: TimeZone) -> DeadlineAnnouncement {
        DeadlineAnnouncement(
            event: kind.rawValue,
            deadline: deadline,
            kind: deadlineKind.rawValue,
            complaint: complaint,
            department: department,
            dueAt: TimeFormatting.rfc3339(dueAt, timeZone: timeZone),
            firedAt: TimeFormatting.rfc3339(firedAt, timeZone: timeZone),
            late: late,
            escalation: escalation,
            firstResponder: firstResponder,
            notice: notice
        )
    }

    public func json(timeZone: TimeZone) -> JSONValue { announcement(timeZone: timeZone).json }
}

/// Firing deadlines (SPEC §3): due rows are claimed with `FOR UPDATE SKIP LOCKED` and moved out of `pending` in the
/// same transaction that records their effects, so each fires exactly once however many daemons share the database.
public enum DeadlineStore {
    /// Deadlines still pending, for `status`.
    public static func pendingCount(on connection: PGConnection) throws -> Int {
        let rows = try connection.query("SELECT count(*) AS pending FROM hotline.deadlines WHERE state = 'pending'")
        return try rows.first?.decode("pending", as: Int.self) ?? 0
    }

    /// Seconds after its due time past which a firing counts as late.
    static let lateAfter: TimeInterval = 60

    /// Breaches every pending deadline due at `now` (at most `limit`), with their escalations, ladder rungs and
    /// notifications, and returns what was fired.
    ///
    /// Set-based: a handful of statements per batch whatever its size, so ten thousand deadlines due in the same
    /// second are all recorded within it (one statement per deadline took seconds, measured).
    public static func fireDue(
        at now: Date,
        limit: Int,
        policy: DeadlinePolicy,
        calendar: WorkCalendar,
        qaDepartment: String,
        timeZone: TimeZone,
        on connection: PGConnection
    ) throws -> [DeadlineEvent] {
        try connection.transaction { connection in
            let fired = try connection.query(
                """
                WITH due AS (
                    SELECT id FROM hotline.deadlines
                    WHERE state = 'pending' AND due_at <= $1
                    ORDER BY due_at
                    LIMIT $2
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE hotline.deadlines AS d
                SET state = 'breached', breached_at = $1, fired_late = $1 - d.due_at > make_interval(secs => $3)
                FROM due, hotline.complaints c
                WHERE d.id = due.id AND c.id = d.complaint_id
                RETURNING d.id, d.complaint_id, d.kind, d.department, d.due_at, d.fired_late,
                    c.first_responder, c.responsible
                """,
                [now, limit, lateAfter]
            )
            var events: [DeadlineEvent] = []
            /// A ladder deadline the breach starts.
            struct Rung {
                var complaint: String
                var kind: DeadlineKind
                var department: String
                var start: Date
                var computed: DeadlineComputation
            }
            var rungs: [Rung] = []
            for row in fired {
                let complaint = String(try row.decode("complaint_id", as: Int64.self))
                let kind: DeadlineKind = try row.decode("kind")
                let department: String = try row.decode("department")
                let dueAt: Date = try row.decode("due_at")
                for (rung, allowance) in DeadlineRules.ladder(afterBreachOf: kind, policy: policy) {
                    rungs.append(
                        Rung(
                            complaint: complaint,
                            kind: rung,
                            department: department,
                            start: dueAt,
                            computed: try calendar.due(after: dueAt, allowance: allowance)
                        )
                    )
                }
                events.append(
                    DeadlineEvent(
                        kind: .breach,
                        deadline: try row.decode("id"),
                        deadlineKind: kind,
                        complaint: complaint,
                        department: department,
                        dueAt: dueAt,
                        firedAt: now,
                        late: try row.decode("fired_late"),
                        escalation: DeadlineRules.escalation(ofBreach: kind)?.rawValue,
                        firstResponder: try row.decode("first_responder"),
                        responsible: try row.decode("responsible"),
                        text: DeadlineRules.breachText(of: kind, complaint: complaint, department: department)
                    )
                )
            }
            guard !events.isEmpty else { return [] }
            if !rungs.isEmpty {
                try connection.command(
                    """
                    INSERT INTO hotline.deadlines (complaint_id, kind, department, started_at, due_at, explanation)
                    SELECT complaint::bigint, kind, department, started::timestamptz, due::timestamptz, explanation
                    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
                        AS r(complaint, kind, department, started, due, explanation)
                    ON CONFLICT DO NOTHING
                    """,
                    [
                        rungs.map(\.complaint), rungs.map(\.kind.rawValue), rungs.map(\.department),
                        rungs.map { $0.start.postgresText }, rungs.map { $0.computed.dueAt.postgresText },
                        try rungs.map { try DeadlineExplanations.encode([$0.computed.explanation]) },
                    ]
                )
            }
            try notify(events, timeZone: timeZone, on: connection)
            try NoticeStore.write(deadlineEvents: events, qaDepartment: qaDepartment, at: now, on: connection)
            // The escalations go last: their insert adds to the QA counters (sql/004), whose rows are shared by
            // every writer of the hour, and a row it updates stays locked until the commit right after it.
            let escalating = events.filter { $0.escalation != nil }
            if !escalating.isEmpty {
                try connection.command(
                    """
                    INSERT INTO hotline.escalations (complaint_id, kind, level, department, at, reason, deadline_id)
                    SELECT complaint::bigint, kind, level, department, $1, reason, deadline::bigint
                    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                        AS e(complaint, kind, level, department, reason, deadline)
                    """,
                    [
                        now, escalating.map(\.complaint),
                        escalating.map { DeadlineRules.escalationKind(ofBreach: $0.deadlineKind)?.rawValue ?? "" },
                        escalating.map { $0.escalation ?? "" }, escalating.map(\.department), escalating.map(\.notice),
                        escalating.map { String($0.deadline) },
                    ]
                )
                // The complaint's escalation level is not written here: it is the highest of its own and of its
                // escalations (``ComplaintQueries/effectiveLevelSQL``), which spares an update of every breached
                // complaint's row and indexes.
            }
            return events
        }
    }

    /// Marks and returns the warnings due at `now` (a share of the allowance has passed, SPEC §3).
    public static func warnDue(
        at now: Date,
        limit: Int,
        qaDepartment: String,
        timeZone: TimeZone,
        on connection: PGConnection
    ) throws -> [DeadlineEvent] {
        try connection.transaction { connection in
            let warned = try connection.query(
                """
                WITH due AS (
                    SELECT id FROM hotline.deadlines
                    WHERE state = 'pending' AND warned_at IS NULL AND warn_at <= $1 AND due_at > $1
                    ORDER BY warn_at
                    LIMIT $2
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE hotline.deadlines AS d SET warned_at = $1
                FROM due, hotline.complaints c
                WHERE d.id = due.id AND c.id = d.complaint_id
                RETURNING d.id, d.complaint_id, d.kind, d.department, d.due_at, c.first_responder, c.responsible
                """,
                [now, limit]
            )
            let events = try warned.map { row -> DeadlineEvent in
                let complaint = String(try row.decode("complaint_id", as: Int64.self))
                let kind: DeadlineKind = try row.decode("kind")
                let dueAt: Date = try row.decode("due_at")
                return DeadlineEvent(
                    kind: .warning,
                    deadline: try row.decode("id"),
                    deadlineKind: kind,
                    complaint: complaint,
                    department: try row.decode("department"),
                    dueAt: dueAt,
                    firedAt: now,
                    late: false,
                    escalation: nil,
                    firstResponder: try row.decode("first_responder"),
                    responsible: try row.decode("responsible"),
                    text: DeadlineRules.warningText(
                        of: kind,
                        complaint: complaint,
                        due: TimeFormatting.rfc3339(dueAt, timeZone: timeZone)
                    )
                )
            }
            if !events.isEmpty {
                try notify(events, timeZone: timeZone, on: connection)
                try NoticeStore.write(deadlineEvents: events, qaDepartment: qaDepartment, at: now, on: connection)
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
    ///
    /// Each payload is a JSON array of events, as many as fit in PostgreSQL's 8000-byte payload limit: one
    /// notification per event cost more than all the rest of firing ten thousand deadlines (measured).
    private static func notify(_ events: [DeadlineEvent], timeZone: TimeZone, on connection: PGConnection) throws {
        var payloads: [String] = []
        var current: [String] = []
        var size = 2
        for event in events {
            let text = event.json(timeZone: timeZone).serialized()
            if !current.isEmpty && size + text.utf8.count + 1 > 7900 {
                payloads.append("[" + current.joined(separator: ",") + "]")
                current = []
                size = 2
            }
            current.append(text)
            size += text.utf8.count + 1
        }
        if !current.isEmpty { payloads.append("[" + current.joined(separator: ",") + "]") }
        try connection.query(
            "SELECT pg_notify('hotline_events', payload) FROM unnest($1::text[]) AS payload",
            [payloads]
        )
    }
}

/// A stored deadline kind that is not one of the core's is a decoding error, never a guess.
extension DeadlineKind: PostgresDecodable {
    public init?(postgresText: String) { self.init(rawValue: postgresText) }
}
