import Foundation
import HotlineCore
import HotlineProtocol

/// One attempt to ring a caller back.
public struct CallbackAttempt: Sendable, Equatable {
    public var outcome: CallbackOutcome
    public var note: String?
    public var by: String
    public var actingRoot: Bool
    public var at: Date
}

/// A call-back task: a missed or abandoned call and the attempts made on it.
public struct CallbackTask: Sendable, Equatable {
    public var call: CallSummary
    public var attempts: [CallbackAttempt]

    /// Open until an attempt reached the caller or found the number wrong.
    public var isOpen: Bool { !(attempts.last?.outcome.endsTask ?? false) }
}

/// Call-backs (漏接回拨, SPEC §12) in PostgreSQL.
public enum CallbackStore {
    /// Records an attempt if ``CallbackRule`` allows it; the call's row is locked, so two operators ringing the
    /// same caller back take turns and the second sees the first's attempt.
    public static func record(
        call callID: String,
        outcome: CallbackOutcome,
        note: String?,
        by actor: ActingStaff,
        at now: Date,
        on connection: PGConnection
    ) throws -> CallbackTask {
        try connection.transaction { connection in
            guard
                let row = try connection.query(
                    "SELECT outcome FROM hotline.calls WHERE call_id = $1 FOR UPDATE",
                    [callID]
                ).first
            else { throw ComplaintStoreError.callNotFound(callID) }
            let earlier = try attempts(of: [callID], on: connection)[callID] ?? []
            try CallbackRule.check(
                call: callID,
                callOutcome: try row.decode("outcome"),
                earlier: earlier.map(\.outcome)
            )
            try connection.command(
                """
                INSERT INTO hotline.callback_attempts (call_id, outcome, note, by_login, acting_root, at)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                [callID, outcome.rawValue, note, actor.login, actor.actingRoot, now]
            )
            guard let task = try tasks(openOnly: false, call: callID, limit: 1, on: connection).first else {
                throw ComplaintStoreError.callNotFound(callID)
            }
            return task
        }
    }

    /// Missed and abandoned calls with their attempts: open tasks first, then newest first.
    public static func tasks(openOnly: Bool, call: String? = nil, limit: Int, on connection: PGConnection) throws
        -> [CallbackTask]
    {
        let calls = try connection.query(
            """
            SELECT \(CallQueries.columns) FROM hotline.calls c
            WHERE outcome IN ('missed', 'abandoned') AND ($1::text IS NULL OR call_id = $1)
              AND (NOT $2 OR NOT EXISTS (
                    SELECT 1 FROM hotline.callback_attempts a WHERE a.call_id = c.call_id
                      AND a.id = (SELECT max(id) FROM hotline.callback_attempts l WHERE l.call_id = c.call_id)
                      AND a.outcome <> 'no_answer'))
            ORDER BY EXISTS (
                    SELECT 1 FROM hotline.callback_attempts a WHERE a.call_id = c.call_id
                      AND a.id = (SELECT max(id) FROM hotline.callback_attempts l WHERE l.call_id = c.call_id)
                      AND a.outcome <> 'no_answer'),
                COALESCE(offered_at, ended_at) DESC NULLS LAST, call_id
            LIMIT $3
            """,
            [call, openOnly, limit]
        ).map(CallQueries.decode)
        let attempts = try attempts(of: calls.map(\.call), on: connection)
        return calls.map { CallbackTask(call: $0, attempts: attempts[$0.call] ?? []) }
    }

    private static func attempts(of calls: [String], on connection: PGConnection) throws -> [String: [CallbackAttempt]]
    {
        guard !calls.isEmpty else { return [:] }
        var result: [String: [CallbackAttempt]] = [:]
        for row in try connection.query(
            """
            SELECT call_id, outcome, note, by_login, acting_root, at FROM hotline.callback_attempts
            WHERE call_id = ANY($1::text[]) ORDER BY id
            """,
            [calls]
        ) {
            result[try row.decode("call_id"), default: []].append(
                CallbackAttempt(
                    outcome: CallbackOutcome(rawValue: try row.decode("outcome")) ?? .noAnswer,
                    note: try row.decodeIfPresent("note"),
                    by: try row.decode("by_login"),
                    actingRoot: try row.decode("acting_root"),
                    at: try row.decode("at")
                )
            )
        }
        return result
    }
}
