import Foundation
import HotlineProtocol

/// Reading the call register for `hotlinectl calls` and `call show`.
public enum CallQueries {
    public enum Filter: String, Sendable {
        case all
        /// Calls still in progress.
        case active
        /// Calls nobody answered (missed or abandoned): the call-back list.
        case missed
    }

    public static func list(filter: Filter, since: Date?, limit: Int, on connection: PGConnection) throws
        -> [CallSummary]
    {
        try connection.query(
            """
            SELECT \(columns) FROM hotline.calls
            WHERE ($1 = 'all' OR ($1 = 'active' AND outcome = 'in_progress')
                   OR ($1 = 'missed' AND outcome IN ('missed', 'abandoned')))
              AND ($2::timestamptz IS NULL OR COALESCE(offered_at, answered_at, ended_at) >= $2)
            ORDER BY COALESCE(offered_at, answered_at, ended_at) DESC NULLS LAST, call_id
            LIMIT $3
            """,
            [filter.rawValue, since, limit]
        ).map(decode)
    }

    public static func show(call: String, on connection: PGConnection) throws -> (CallSummary, [CallEventEntry])? {
        guard let row = try connection.query("SELECT \(columns) FROM hotline.calls WHERE call_id = $1", [call]).first
        else { return nil }
        let events = try connection.query(
            """
            SELECT event_id, type, occurred_at, received_at FROM hotline.pbx_events
            WHERE call_id = $1 ORDER BY occurred_at, seq
            """,
            [call]
        ).map { row in
            CallEventEntry(
                id: try row.decode("event_id"),
                type: try row.decode("type"),
                at: try row.decode("occurred_at"),
                receivedAt: try row.decode("received_at")
            )
        }
        return (try decode(row), events)
    }

    static let columns = """
        call_id, caller_number, caller_name, dialled, queue, offered_at, answered_at, ended_at, outcome,
        first_responder, answered_by
        """

    static func decode(_ row: PostgresRow) throws -> CallSummary {
        CallSummary(
            call: try row.decode("call_id"),
            from: try row.decodeIfPresent("caller_number"),
            fromName: try row.decodeIfPresent("caller_name"),
            to: try row.decodeIfPresent("dialled"),
            queue: try row.decodeIfPresent("queue"),
            offeredAt: try row.decodeIfPresent("offered_at"),
            answeredAt: try row.decodeIfPresent("answered_at"),
            endedAt: try row.decodeIfPresent("ended_at"),
            outcome: try row.decode("outcome"),
            firstResponder: try row.decodeIfPresent("first_responder"),
            answeredBy: try row.decodeIfPresent("answered_by", as: [String].self) ?? []
        )
    }
}
