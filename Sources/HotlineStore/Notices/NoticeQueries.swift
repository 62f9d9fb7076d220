import Foundation
import HotlineCore

/// A notice as one person's inbox shows it: through the recipient that makes it theirs (themselves before their
/// department before a role), with their own read receipt.
public struct InboxNotice: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var topic: String
    public var complaint: String?
    public var recipientKind: String
    public var recipientName: String
    public var text: LocalizedText
    public var readAt: Date?
}

/// A delivery hotline-notifier gave up on.
public struct FailedDelivery: Sendable, Equatable {
    public var notice: Int64
    public var route: String
    public var attempts: Int
    public var lastError: String?
    public var failedAt: Date
    public var topic: String
    public var complaint: String?
}

/// Who a person is, for the notices addressed to them: their login, their department, the roles they hold.
public struct NoticeReader: Sendable, Equatable {
    public var login: String
    public var department: String
    public var roles: [String]

    public init(_ member: StaffMember) {
        login = member.login
        department = member.department
        roles = member.roles.map(\.rawValue).sorted()
    }
}

/// Reading the outbox: inboxes, read receipts, and the deliveries the notifier gave up on.
public enum NoticeQueries {
    /// The recipients that make a notice the reader's ($1 login, $2 department, $3 roles), best first.
    private static let mine = """
        SELECT DISTINCT ON (notice_id) notice_id, kind, name
        FROM hotline.notice_recipients
        WHERE (kind = 'staff' AND name = $1) OR (kind = 'department' AND name = $2)
            OR (kind = 'role' AND name = ANY($3::text[]))
        ORDER BY notice_id, CASE kind WHEN 'staff' THEN 0 WHEN 'department' THEN 1 ELSE 2 END
        """

    /// The reader's notices, unread first, newest first within each; read ones only with `includeRead`.
    /// `ids` restricts to those notices (for `watch --mine`).
    public static func inbox(
        for reader: NoticeReader,
        includeRead: Bool,
        ids: [Int64]? = nil,
        limit: Int,
        on connection: PGConnection
    ) throws -> [InboxNotice] {
        try connection.query(
            """
            WITH mine AS (\(mine))
            SELECT n.id, n.at, n.topic, n.complaint_id::text AS complaint, m.kind, m.name, n.text_zh, n.text_en,
                r.read_at
            FROM mine m
            JOIN hotline.notices n ON n.id = m.notice_id
            LEFT JOIN hotline.notice_reads r ON r.notice_id = n.id AND r.login = $1
            WHERE ($4 OR r.read_at IS NULL) AND ($6::bigint[] IS NULL OR n.id = ANY($6::bigint[]))
            ORDER BY (r.read_at IS NULL) DESC, n.id DESC
            LIMIT $5
            """,
            [
                reader.login, reader.department, reader.roles, includeRead, limit,
                ids.map { $0.map(String.init) },
            ]
        ).map { row in
            InboxNotice(
                id: try row.decode("id"),
                at: try row.decode("at"),
                topic: try row.decode("topic"),
                complaint: try row.decodeIfPresent("complaint"),
                recipientKind: try row.decode("kind"),
                recipientName: try row.decode("name"),
                text: LocalizedText(zh: try row.decode("text_zh"), en: try row.decode("text_en")),
                readAt: try row.decodeIfPresent("read_at")
            )
        }
    }

    /// Records the reader's read receipt on the given notices (all of theirs when nil). Returns the ids that are
    /// not the reader's, in which case nothing is recorded; else the number newly marked.
    public static func markRead(
        _ ids: [Int64]?,
        by reader: NoticeReader,
        at now: Date,
        on connection: PGConnection
    ) throws -> (marked: Int, notMine: [Int64]) {
        try connection.transaction { connection in
            if let ids {
                let visible = Set(
                    try connection.query(
                        "WITH mine AS (\(mine)) SELECT notice_id FROM mine WHERE notice_id = ANY($4::bigint[])",
                        [reader.login, reader.department, reader.roles, ids.map(String.init)]
                    ).map { try $0.decode("notice_id", as: Int64.self) }
                )
                let notMine = ids.filter { !visible.contains($0) }
                if !notMine.isEmpty { return (0, notMine) }
            }
            let marked = try connection.command(
                """
                WITH mine AS (\(mine))
                INSERT INTO hotline.notice_reads (notice_id, login, read_at)
                SELECT notice_id, $1, $5 FROM mine WHERE $4::bigint[] IS NULL OR notice_id = ANY($4::bigint[])
                ON CONFLICT DO NOTHING
                """,
                [reader.login, reader.department, reader.roles, ids.map { $0.map(String.init) }, now]
            )
            return (marked, [])
        }
    }

    /// Deliveries given up, most recent first.
    public static func failedDeliveries(limit: Int, on connection: PGConnection) throws -> [FailedDelivery] {
        try connection.query(
            """
            SELECT d.notice_id, d.route, d.attempts, d.last_error, d.failed_at, n.topic,
                n.complaint_id::text AS complaint
            FROM hotline.notice_deliveries d JOIN hotline.notices n ON n.id = d.notice_id
            WHERE d.state = 'failed'
            ORDER BY d.failed_at DESC, d.notice_id DESC, d.route
            LIMIT $1
            """,
            [limit]
        ).map { row in
            FailedDelivery(
                notice: try row.decode("notice_id"),
                route: try row.decode("route"),
                attempts: try row.decode("attempts"),
                lastError: try row.decodeIfPresent("last_error"),
                failedAt: try row.decode("failed_at"),
                topic: try row.decode("topic"),
                complaint: try row.decodeIfPresent("complaint")
            )
        }
    }

    /// Puts a notice's given-up deliveries back in the notifier's queue, due now, with their attempts counted
    /// afresh; returns how many.
    public static func retryDeliveries(of notice: Int64, at now: Date, on connection: PGConnection) throws -> Int {
        try connection.command(
            """
            UPDATE hotline.notice_deliveries
            SET state = 'pending', failed_at = NULL, attempts = 0, next_attempt_at = $2, retried_at = $2
            WHERE notice_id = $1 AND state = 'failed'
            """,
            [String(notice), now]
        )
    }
}
