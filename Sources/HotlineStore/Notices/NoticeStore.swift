import Foundation
import HotlineCore

/// The notices outbox (SPEC §10, `sql/009_notices.sql`): notices are written in the caller's transaction, so a
/// change that rolls back leaves none and a committed one always has its own; `NOTIFY hotline_notices` goes out
/// with the commit for `watch --mine` and hotline-notifier.
public enum NoticeStore {
    /// The channel that carries new notice ids (a comma-separated list per notification).
    public static let channel = "hotline_notices"

    /// One notice to write: a topic, its text, and everyone it is addressed to.
    struct Draft {
        var topic: String
        var text: LocalizedText
        var recipients: [Notice.Recipient]
        var complaint: String?
        var deadline: Int64?
        var urgent: Bool
        /// The urgent notice this one follows up (urgent_unread).
        var follows: Int64? = nil
    }

    /// Writes a transition's notices; those with the same topic and text become one notice to several recipients.
    static func write(_ notices: [Notice], complaint: String, at now: Date, on connection: PGConnection) throws {
        var drafts: [Draft] = []
        for notice in notices {
            if let index = drafts.firstIndex(where: { $0.topic == notice.topic.rawValue && $0.text == notice.message })
            {
                if !drafts[index].recipients.contains(notice.recipient) {
                    drafts[index].recipients.append(notice.recipient)
                }
            } else {
                drafts.append(
                    Draft(
                        topic: notice.topic.rawValue,
                        text: notice.message,
                        recipients: [notice.recipient],
                        complaint: complaint,
                        deadline: nil,
                        urgent: notice.topic == .urgentComplaint
                    )
                )
            }
        }
        try write(drafts, at: now, on: connection)
    }

    /// Writes notices of deadline warnings or breaches, one per event (SPEC §10: whoever must act).
    static func write(
        deadlineEvents events: [DeadlineEvent],
        qaDepartment: String,
        at now: Date,
        on connection: PGConnection
    )
        throws
    {
        let drafts = events.map { event -> Draft in
            let kind = event.deadlineKind
            let breach = event.kind == .breach
            return Draft(
                topic: breach ? Notice.Topic.deadlineBreach.rawValue : Notice.Topic.deadlineWarning.rawValue,
                text: event.text,
                recipients: DeadlineRules.recipients(
                    of: kind,
                    breach: breach,
                    department: event.department,
                    responsible: event.responsible,
                    firstResponder: event.firstResponder,
                    qaDepartment: qaDepartment
                ),
                complaint: event.complaint,
                deadline: event.deadline,
                urgent: false
            )
        }
        try write(drafts, at: now, on: connection)
    }

    /// Set-based: one statement for the notices and their recipients however many there are (a burst of ten
    /// thousand breaches fires in one transaction), then one NOTIFY.
    static func write(_ drafts: [Draft], at now: Date, on connection: PGConnection) throws {
        guard !drafts.isEmpty else { return }
        var leaders: [String]?
        func resolved(_ recipient: Notice.Recipient) throws -> [(kind: String, name: String)] {
            switch recipient {
            case .staff(let login): return [("staff", login)]
            case .department(let code): return [("department", code)]
            case .role(let role): return [("role", role.rawValue)]
            case .onDutyLeader:
                if leaders == nil { leaders = try DutyRoster.leaders(at: now, on: connection) }
                let onDuty = leaders ?? []
                return onDuty.isEmpty ? [("role", Role.vp.rawValue)] : onDuty.map { ("staff", $0) }
            }
        }
        var recipientOrdinal: [String] = []
        var recipientKind: [String] = []
        var recipientName: [String] = []
        for (index, draft) in drafts.enumerated() {
            // Each recipient once per notice here, so that the insert needs no ON CONFLICT (a speculative insertion
            // per row, a tenth of the notices' cost in a burst of breaches, measured).
            var seen: Set<String> = []
            for recipient in draft.recipients {
                for (kind, name) in try resolved(recipient) where seen.insert(kind + "\u{0}" + name).inserted {
                    recipientOrdinal.append(String(index + 1))
                    recipientKind.append(kind)
                    recipientName.append(name)
                }
            }
        }
        try connection.query(
            """
            WITH input AS (
                SELECT * FROM unnest(
                    $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $11::text[]
                ) WITH ORDINALITY AS i(topic, complaint, deadline, zh, en, urgent, follows, ordinal)
            ),
            written AS (
                INSERT INTO hotline.notices (at, topic, complaint_id, deadline_id, text_zh, text_en, urgent, follows)
                SELECT $1, topic, complaint::bigint, deadline::bigint, zh, en, urgent, follows::bigint
                FROM input ORDER BY ordinal
                RETURNING id
            ),
            numbered AS (
                SELECT id, row_number() OVER (ORDER BY id) AS ordinal FROM written
            ),
            addressed AS (
                INSERT INTO hotline.notice_recipients (notice_id, kind, name)
                SELECT n.id, r.kind, r.name
                FROM unnest($8::bigint[], $9::text[], $10::text[]) AS r(ordinal, kind, name)
                JOIN numbered n ON n.ordinal = r.ordinal
            )
            -- NOTIFY in the same statement, the ids in lists of at most 390: PostgreSQL refuses a payload of 8000
            -- bytes or more, which a burst of breaches (thousands of notices in one transaction) would exceed.
            SELECT pg_notify($12, ids)
            FROM (
                SELECT string_agg(id::text, ',' ORDER BY id) AS ids
                FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / 390 AS part FROM written) AS w
                GROUP BY part ORDER BY part
            ) AS parts
            """,
            [
                now, drafts.map(\.topic), PostgresTextArray(drafts.map(\.complaint)),
                PostgresTextArray(drafts.map { $0.deadline.map(String.init) }), drafts.map(\.text.zh),
                drafts.map(\.text.en),
                drafts.map { $0.urgent ? "true" : "false" }, recipientOrdinal, recipientKind, recipientName,
                PostgresTextArray(drafts.map { $0.follows.map(String.init) }), channel,
            ]
        )
    }

    /// R12: urgent notices nobody has read since `cutoff` are sent to the general managers as well, each once
    /// however many daemons run (claimed with SKIP LOCKED and marked in the same transaction). Returns the
    /// complaints concerned.
    public static func escalateUnreadUrgent(
        at now: Date,
        unreadSince cutoff: Date,
        limit: Int,
        on connection: PGConnection
    )
        throws -> [String]
    {
        let condition = """
            n.urgent AND n.escalated_at IS NULL AND n.at <= $1
                AND NOT EXISTS (SELECT 1 FROM hotline.notice_reads r WHERE r.notice_id = n.id)
            """
        // An index probe first, so that an idle pass opens no transaction.
        let probe = try connection.query(
            "SELECT EXISTS (SELECT 1 FROM hotline.notices n WHERE \(condition)) AS any",
            [cutoff]
        )
        guard try probe.first?.decode("any", as: Bool.self) == true else { return [] }
        return try connection.transaction { connection in
            let due = try connection.query(
                """
                WITH due AS (
                    SELECT n.id FROM hotline.notices n WHERE \(condition)
                    ORDER BY n.at LIMIT $2 FOR UPDATE SKIP LOCKED
                )
                UPDATE hotline.notices AS n SET escalated_at = $3 FROM due WHERE n.id = due.id
                RETURNING n.id, n.complaint_id::text AS complaint, n.text_zh, n.text_en
                """,
                [cutoff, limit, now]
            )
            var drafts: [Draft] = []
            for row in due {
                let zh: String = try row.decode("text_zh")
                let en: String = try row.decode("text_en")
                drafts.append(
                    Draft(
                        topic: Notice.Topic.urgentUnread.rawValue,
                        text: LocalizedText(
                            zh: "紧急投诉通知无人阅读，现报总经理：\(zh)",
                            en: "Nobody has read this urgent notice; now to the general manager: \(en)"
                        ),
                        recipients: [.role(.gm)],
                        complaint: try row.decodeIfPresent("complaint"),
                        deadline: nil,
                        urgent: false,
                        follows: try row.decode("id")
                    )
                )
            }
            try write(drafts, at: now, on: connection)
            return drafts.compactMap(\.complaint)
        }
    }
}
