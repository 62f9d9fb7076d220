import Foundation
import HotlineCore

/// SPEC §2: a resolved or replied case closes after the configured quiet period unless feedback (R13) comes first.
extension ComplaintStore {
    /// Most cases closed in one transaction; the scheduler comes straight back when a batch was full.
    public static let quietCloseBatch = 200

    /// When a case in `state` closes by itself: `[policy] quiet_period` after `now` for a resolved or replied case,
    /// nil otherwise. Any hop on a waiting case (an escalation, a handover) starts the wait again, so a case is
    /// closed only after that long with nothing happening to it.
    static func quietUntil(_ state: ComplaintState, from now: Date, context: ComplaintContext) throws -> Date? {
        guard state == .resolved || state == .replied else { return nil }
        return try context.calendar.due(after: now, allowance: context.deadlines.quietPeriod).dueAt
    }

    /// Closes, as the daemon (``ActingStaff/daemon``), the resolved and replied cases whose quiet period ended by
    /// `now`, and returns their ids and the closing hops, committed, to be anchored.
    ///
    /// The cases are claimed with `FOR NO KEY UPDATE SKIP LOCKED` (see ``lockSnapshot``), so two daemons on one
    /// database never close the same case twice, and a case someone is acting on at this moment waits for the next
    /// pass, when its state is read again.
    /// The close itself goes through the workflow and the same writing as every other action: a signed, chained hop.
    public static func closeQuietCases(
        at now: Date,
        limit: Int = quietCloseBatch,
        context: ComplaintContext,
        on connection: PGConnection
    ) throws -> (closed: [String], hops: [AnchoredHop]) {
        // The scheduler asks every pass, and nearly always nothing is due: one index probe then, not a transaction.
        let work = try connection.query(
            """
            SELECT EXISTS (
                SELECT 1 FROM hotline.complaints
                WHERE state IN ('resolved', 'replied') AND (quiet_until IS NULL OR quiet_until <= $1)
            ) AS due
            """,
            [now]
        ).first
        guard try work?.decode("due", as: Bool.self) == true else { return ([], []) }
        return try connection.transaction { connection in
            try startWaiting(limit: limit, context: context, on: connection)
            let due = try connection.query(
                """
                SELECT id FROM hotline.complaints
                WHERE state IN ('resolved', 'replied') AND quiet_until <= $1
                ORDER BY quiet_until
                LIMIT $2
                FOR NO KEY UPDATE SKIP LOCKED
                """,
                [now, limit]
            )
            var closed: [String] = []
            var hops: [AnchoredHop] = []
            for row in due {
                let id = String(try row.decode("id", as: Int64.self))
                guard let (snapshot, receivedAt) = try lockSnapshot(id, on: connection) else { continue }
                let transition = try ComplaintWorkflow.decide(
                    .close(reason: .quietPeriod),
                    on: snapshot,
                    by: .daemon,
                    policy: context.workflow,
                    departmentExists: { _ in false }
                )
                hops += try write(
                    transition,
                    complaint: id,
                    receivedAt: receivedAt,
                    at: now,
                    context: context,
                    on: connection
                )
                closed.append(id)
            }
            return (closed, hops)
        }
    }

    /// Cases that were already resolved or replied when migration 005 added `quiet_until` have none: business time
    /// is computed here, not in SQL. Their wait counts from their last hop, as it would have (from receipt for a
    /// row without hops, which only a hand-made row can be).
    private static func startWaiting(limit: Int, context: ComplaintContext, on connection: PGConnection) throws {
        let waiting = try connection.query(
            """
            SELECT c.id, c.state,
                COALESCE((SELECT max(h.at) FROM hotline.hops h WHERE h.complaint_id = c.id), c.received_at) AS last_hop
            FROM hotline.complaints c
            WHERE c.state IN ('resolved', 'replied') AND c.quiet_until IS NULL
            LIMIT $1
            FOR NO KEY UPDATE OF c SKIP LOCKED
            """,
            [limit]
        )
        for row in waiting {
            guard let state = ComplaintState(rawValue: try row.decode("state")) else { continue }
            let lastHop: Date = try row.decode("last_hop")
            try connection.command(
                "UPDATE hotline.complaints SET quiet_until = $2 WHERE id = $1",
                [try row.decode("id", as: Int64.self), try quietUntil(state, from: lastHop, context: context)]
            )
        }
    }
}
