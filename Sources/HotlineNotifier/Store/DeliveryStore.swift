import Foundation
import HotlineStore

/// Every statement hotline-notifier runs, all within what the `hotline_notifier` role may do (sql/009): read
/// notices, their recipients and the directory; insert and update `notice_deliveries`.
///
/// Values always travel as parameters; nothing is spliced into the SQL text.
public enum DeliveryStore {
    /// The ids above `floor` of notices still within `window` of their `at` (older ones can only be given up).
    /// The range on the primary key keeps the periodic scan cheap however long the table grows.
    static func noticeIDs(within window: Duration, above floor: Int64, on connection: PGConnection) throws -> [Int64] {
        let rows = try connection.query(
            """
            SELECT id FROM hotline.notices
            WHERE id > $2 AND at > now() - $1::double precision * interval '1 second'
            ORDER BY id
            """,
            [window.seconds, floor]
        )
        return try rows.map { try $0.decode("id") }
    }

    /// The highest notice id so far (0 when none).
    static func maxNoticeID(on connection: PGConnection) throws -> Int64 {
        try connection.query("SELECT coalesce(max(id), 0) AS id FROM hotline.notices")[0].decode("id")
    }

    /// Topic and recipients of the given notices: what routes match on.
    static func routingFacts(of ids: [Int64], on connection: PGConnection) throws -> [Int64: RoutingFacts] {
        let list = ids.map(String.init)
        var facts: [Int64: RoutingFacts] = [:]
        for row in try connection.query("SELECT id, topic FROM hotline.notices WHERE id = ANY($1::bigint[])", [list]) {
            let id: Int64 = try row.decode("id")
            facts[id] = RoutingFacts(topic: try row.decode("topic"), recipients: [])
        }
        let recipients = try connection.query(
            "SELECT notice_id, kind, name FROM hotline.notice_recipients WHERE notice_id = ANY($1::bigint[])",
            [list]
        )
        for row in recipients {
            let id: Int64 = try row.decode("notice_id")
            facts[id]?.recipients.append(NoticeRecipient(kind: try row.decode("kind"), name: try row.decode("name")))
        }
        return facts
    }

    struct RoutingFacts: Sendable {
        var topic: String
        var recipients: [NoticeRecipient]
    }

    /// Adds a pending delivery for each route; a row that exists (another notifier, an earlier scan) stays as it
    /// is. Returns how many were new.
    static func enqueue(notice: Int64, routes: [String], on connection: PGConnection) throws -> Int {
        try connection.command(
            """
            INSERT INTO hotline.notice_deliveries (notice_id, route)
            SELECT $1, route FROM unnest($2::text[]) AS route
            ON CONFLICT (notice_id, route) DO NOTHING
            """,
            [notice, routes]
        )
    }

    /// One due delivery of the given routes, locked for the caller's open transaction; SKIP LOCKED passes over
    /// rows another worker or notifier is delivering, so each is delivered by one at a time.
    static func claim(routes: [String], giveUpAfter: Duration, on connection: PGConnection) throws -> Claim? {
        let rows = try connection.query(
            """
            SELECT d.notice_id, d.route, d.attempts, d.last_error,
                   d.attempts > 0 AND coalesce(d.retried_at, n.at) + $2::double precision * interval '1 second' <= now() AS expired
            FROM hotline.notice_deliveries d
            JOIN hotline.notices n ON n.id = d.notice_id
            WHERE d.state = 'pending' AND d.next_attempt_at <= now() AND d.route = ANY($1::text[])
            ORDER BY d.next_attempt_at, d.notice_id
            LIMIT 1
            FOR UPDATE OF d SKIP LOCKED
            """,
            [routes, giveUpAfter.seconds]
        )
        guard let row = rows.first else { return nil }
        return Claim(
            notice: try row.decode("notice_id"),
            route: try row.decode("route"),
            attempts: try row.decode("attempts"),
            lastError: try row.decodeIfPresent("last_error"),
            expired: try row.decode("expired")
        )
    }

    public struct Claim: Sendable, Equatable {
        public var notice: Int64
        public var route: String
        public var attempts: Int
        public var lastError: String?
        /// Tried before and now past give_up_after (the notifier was down during the backoff): not attempted
        /// again. A row never tried gets one attempt however late — also one that `hotlinectl notices retry`
        /// reset to attempts 0 — and is given up after it fails.
        public var expired: Bool
    }

    /// The notice with its recipients and the people they stand for now.
    static func notice(_ id: Int64, on connection: PGConnection) throws -> Notice? {
        let rows = try connection.query(
            """
            SELECT id, at, topic, complaint_id, deadline_id, text_zh, text_en, urgent, follows
            FROM hotline.notices WHERE id = $1
            """,
            [id]
        )
        guard let row = rows.first else { return nil }
        var notice = Notice(
            id: try row.decode("id"),
            at: try row.decode("at"),
            topic: try row.decode("topic"),
            complaint: try row.decodeIfPresent("complaint_id"),
            deadline: try row.decodeIfPresent("deadline_id"),
            textZh: try row.decode("text_zh"),
            textEn: try row.decode("text_en"),
            urgent: try row.decode("urgent"),
            follows: try row.decodeIfPresent("follows")
        )
        notice.recipients = try connection.query(
            "SELECT kind, name FROM hotline.notice_recipients WHERE notice_id = $1 ORDER BY kind, name",
            [id]
        ).map { NoticeRecipient(kind: try $0.decode("kind"), name: try $0.decode("name")) }
        // Who the recipients are today: a department's active members, a role's active holders, a named person.
        notice.people = try connection.query(
            """
            SELECT DISTINCT s.login, s.name, s.department, s.extension
            FROM hotline.notice_recipients r
            JOIN hotline.staff s ON s.active AND (
                (r.kind = 'staff' AND s.login = r.name)
                OR (r.kind = 'department' AND s.department = r.name)
                OR (r.kind = 'role' AND r.name = ANY (s.roles)))
            WHERE r.notice_id = $1
            ORDER BY s.login
            """,
            [id]
        ).map {
            NoticePerson(
                login: try $0.decode("login"),
                name: try $0.decode("name"),
                department: try $0.decode("department"),
                extension_: try $0.decodeIfPresent("extension")
            )
        }
        return notice
    }

    /// Records a success, once: the row is locked by this transaction and must still be pending.
    static func recordDelivered(_ claim: Claim, on connection: PGConnection) throws -> Bool {
        try connection.command(
            """
            UPDATE hotline.notice_deliveries
            SET state = 'delivered', delivered_at = now(), attempts = attempts + 1
            WHERE notice_id = $1 AND route = $2 AND state = 'pending' AND attempts = $3
            """,
            [claim.notice, claim.route, claim.attempts]
        ) == 1
    }

    /// Records a failed attempt: retried after `retryIn`, or failed for good when that retry would come after
    /// give_up_after. Returns true when it was given up.
    static func recordFailure(
        _ claim: Claim,
        error: String,
        retryIn: Duration,
        giveUpAfter: Duration,
        on connection: PGConnection
    ) throws -> Bool {
        let rows = try connection.query(
            """
            UPDATE hotline.notice_deliveries d
            SET attempts = d.attempts + 1,
                last_error = $4,
                next_attempt_at = now() + $5::double precision * interval '1 second',
                state = CASE WHEN now() + $5::double precision * interval '1 second'
                                  > coalesce(d.retried_at, n.at) + $6::double precision * interval '1 second'
                             THEN 'failed' ELSE 'pending' END,
                failed_at = CASE WHEN now() + $5::double precision * interval '1 second'
                                      > coalesce(d.retried_at, n.at) + $6::double precision * interval '1 second'
                                 THEN now() END
            FROM hotline.notices n
            WHERE n.id = d.notice_id AND d.notice_id = $1 AND d.route = $2 AND d.state = 'pending'
                  AND d.attempts = $3
            RETURNING d.state
            """,
            [
                claim.notice, claim.route, claim.attempts, String(error.prefix(2000)), retryIn.seconds,
                giveUpAfter.seconds,
            ]
        )
        return try rows.first?.decode("state", as: String.self) == "failed"
    }

    /// Gives up a delivery that is already past give_up_after, without trying it.
    static func recordExpired(_ claim: Claim, giveUpAfter: Duration, on connection: PGConnection) throws {
        let reason = "given up: not delivered within give_up_after (\(DurationText.format(giveUpAfter)))"
        let message = claim.lastError.map { "\($0) — \(reason)" } ?? reason
        try connection.command(
            """
            UPDATE hotline.notice_deliveries
            SET state = 'failed', failed_at = now(), last_error = $3
            WHERE notice_id = $1 AND route = $2 AND state = 'pending'
            """,
            [claim.notice, claim.route, String(message.suffix(2000))]
        )
    }

    /// Seconds until the next pending delivery of these routes falls due (nil when none is waiting); rows due
    /// now are not counted, as they are being delivered by someone holding their lock.
    static func secondsToNextDue(routes: [String], on connection: PGConnection) throws -> Double? {
        let rows = try connection.query(
            """
            SELECT extract(epoch FROM min(next_attempt_at) - now())::double precision AS wait
            FROM hotline.notice_deliveries
            WHERE state = 'pending' AND route = ANY($1::text[]) AND next_attempt_at > now()
            """,
            [routes]
        )
        return try rows.first?.decodeIfPresent("wait")
    }

    /// Pending, delivered and failed counts of these routes, for STATUS=.
    static func counts(routes: [String], on connection: PGConnection) throws -> (pending: Int, failed: Int) {
        let rows = try connection.query(
            """
            SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
                   count(*) FILTER (WHERE state = 'failed') AS failed
            FROM hotline.notice_deliveries WHERE route = ANY($1::text[])
            """,
            [routes]
        )
        guard let row = rows.first else { return (0, 0) }
        return (try row.decode("pending"), try row.decode("failed"))
    }
}

extension Duration {
    /// As a number of seconds with the fraction, for `$n * interval '1 second'`.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
