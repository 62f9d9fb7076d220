import Foundation
import HotlineCore
import HotlineProtocol

/// What became of one PBX event handed to ``CallRegisterStore/ingest(_:on:)``.
public enum IngestOutcome: Sendable, Equatable {
    /// Stored now.
    case stored
    /// Its id was stored before (a resend); nothing changed.
    case duplicate
    /// PostgreSQL refused it (a value the parser let through but the schema does not); nothing of it was stored.
    case rejected(String)
}

/// The call register in PostgreSQL (R1, R2): raw PBX events, agent sessions and the folded calls.
public enum CallRegisterStore {
    /// Stores a batch of events in one transaction and folds them into the register; the caller commits acks only
    /// after this returns.
    ///
    /// One statement inserts the whole batch (`jsonb_to_recordset`), so a batch costs a handful of round trips
    /// whatever its size: that is what makes group commit pay. When PostgreSQL refuses the batch for its data
    /// (SQLSTATE classes 22 and 23), it is retried event by event so that only the bad event is refused.
    public static func ingest(_ events: [PBXEvent], on connection: PGConnection) throws -> [IngestOutcome] {
        guard !events.isEmpty else { return [] }
        do {
            return try connection.transaction { connection in try ingestBatch(events, on: connection) }
        } catch let error as PostgresError where events.count > 1 && isDataError(error) {
            return try events.map { event in
                do {
                    return try connection.transaction { connection in try ingestBatch([event], on: connection)[0] }
                } catch let error as PostgresError where isDataError(error) {
                    return .rejected(error.message)
                }
            }
        } catch let error as PostgresError where isDataError(error) {
            return [.rejected(error.message)]
        }
    }

    private static func isDataError(_ error: PostgresError) -> Bool {
        guard let state = error.sqlState else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    private static func ingestBatch(_ events: [PBXEvent], on connection: PGConnection) throws -> [IngestOutcome] {
        var rows = "["
        for (index, event) in events.enumerated() {
            if index > 0 { rows += "," }
            rows += "{\"event_id\":"
            JSONValue.writeString(event.id, into: &rows)
            rows += ",\"type\":\"\(event.typeName)\",\"call_id\":"
            if let call = event.callID { JSONValue.writeString(call, into: &rows) } else { rows += "null" }
            rows += ",\"occurred_at\":\"\(PostgresTimestamp.format(event.at))\",\"payload\":"
            rows += String(decoding: event.encodedLine().dropLast(), as: UTF8.self)
            rows += "}"
        }
        rows += "]"
        let inserted = try connection.query(
            """
            INSERT INTO hotline.pbx_events (event_id, type, call_id, occurred_at, payload)
            SELECT event_id, type, call_id, occurred_at, payload
            FROM jsonb_to_recordset($1::jsonb)
                AS r(event_id text, type text, call_id text, occurred_at timestamptz, payload jsonb)
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id
            """,
            [rows]
        )
        var fresh = Set(try inserted.map { try $0.decode("event_id", as: String.self) })
        var outcomes: [IngestOutcome] = []
        var newEvents: [PBXEvent] = []
        for event in events {
            // The first occurrence of an id in the batch is the one stored; any later copy is a duplicate.
            if fresh.remove(event.id) != nil {
                outcomes.append(.stored)
                newEvents.append(event)
            } else {
                outcomes.append(.duplicate)
            }
        }
        try applyAgentSessions(newEvents, on: connection)
        try foldCalls(newEvents, on: connection)
        return outcomes
    }

    /// agent.login / agent.logout move the extension-to-staff map; a late event never undoes a newer one.
    private static func applyAgentSessions(_ events: [PBXEvent], on connection: PGConnection) throws {
        for event in events.sorted(by: { $0.at < $1.at }) {
            switch event.kind {
            case .agentLogin(let agent, let staff):
                try connection.command(
                    """
                    INSERT INTO hotline.agent_sessions (extension, staff_login, since, event_id)
                    SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM hotline.staff WHERE login = $2)
                    ON CONFLICT (extension) DO UPDATE
                        SET staff_login = excluded.staff_login, since = excluded.since, event_id = excluded.event_id
                        WHERE hotline.agent_sessions.since <= excluded.since
                    """,
                    [agent, staff, event.at, event.id]
                )
            case .agentLogout(let agent, let staff):
                try connection.command(
                    "DELETE FROM hotline.agent_sessions WHERE extension = $1 AND staff_login = $2 AND since <= $3",
                    [agent, staff, event.at]
                )
            default:
                break
            }
        }
    }

    /// Folds new call events into their calls' records (order-independent, so incremental folding equals folding
    /// everything again) and writes the derived columns.
    private static func foldCalls(_ events: [PBXEvent], on connection: PGConnection) throws {
        let callEvents = events.filter { $0.callID != nil }
        guard !callEvents.isEmpty else { return }
        let staff = try resolveExtensions(callEvents, on: connection)
        let callIDs = Array(Set(callEvents.compactMap(\.callID))).sorted()
        // Create missing rows first, so that FOR UPDATE below serialises daemons folding into the same call.
        try connection.command(
            "INSERT INTO hotline.calls (call_id) SELECT unnest($1::text[]) ON CONFLICT (call_id) DO NOTHING",
            [callIDs]
        )
        let existing = try connection.query(
            "SELECT call_id, record::text AS record FROM hotline.calls WHERE call_id = ANY($1::text[]) FOR UPDATE",
            [callIDs]
        )
        let decoder = JSONDecoder()
        var records: [String: CallRecord] = [:]
        for row in existing {
            let callID = try row.decode("call_id", as: String.self)
            if let text = try row.decodeIfPresent("record", as: String.self) {
                records[callID] = try decoder.decode(CallRecord.self, from: Data(text.utf8))
            } else {
                records[callID] = CallRecord(callID: callID)
            }
        }
        for event in callEvents {
            let at = PostgresTimestamp.format(event.at)
            guard let fact = event.callEventFact(resolvingStaff: { staff[AgentAtTime(extension: $0, at: at)] }),
                let callID = event.callID
            else {
                continue
            }
            records[callID, default: CallRecord(callID: callID)].apply(fact)
        }
        let encoder = JSONEncoder()
        var rows: [JSONValue] = []
        for callID in callIDs {
            guard let record = records[callID] else { continue }
            let recordText = String(decoding: try encoder.encode(record), as: UTF8.self)
            rows.append(
                .object([
                    ("call_id", .string(callID)),
                    ("caller_number", record.from.map { .string($0.normalized) } ?? .null),
                    ("caller_name", record.fromName.map(JSONValue.string) ?? .null),
                    ("dialled", record.to.map(JSONValue.string) ?? .null),
                    ("queue", record.queue.map(JSONValue.string) ?? .null),
                    ("offered_at", record.offeredAt.map { .string(PostgresTimestamp.format($0)) } ?? .null),
                    ("answered_at", record.answeredAt.map { .string(PostgresTimestamp.format($0)) } ?? .null),
                    ("ended_at", record.endedAt.map { .string(PostgresTimestamp.format($0)) } ?? .null),
                    ("end_cause", record.endCause.map { .string($0.rawValue) } ?? .null),
                    (
                        "answered_by",
                        record.answeringAgents.isEmpty ? .null : .array(record.answeringAgents.map(JSONValue.string))
                    ),
                    ("first_responder", record.firstResponder.map(JSONValue.string) ?? .null),
                    ("outcome", .string(record.outcome.rawValue)),
                    ("record", .string(recordText)),
                ])
            )
        }
        try connection.command(
            """
            UPDATE hotline.calls AS c SET
                caller_number = r.caller_number, caller_name = r.caller_name, dialled = r.dialled, queue = r.queue,
                offered_at = r.offered_at, answered_at = r.answered_at, ended_at = r.ended_at,
                end_cause = r.end_cause, answered_by = r.answered_by, first_responder = r.first_responder,
                outcome = r.outcome, record = r.record::jsonb, updated_at = now()
            FROM jsonb_to_recordset($1::jsonb) AS r(
                call_id text, caller_number text, caller_name text, dialled text, queue text,
                offered_at timestamptz, answered_at timestamptz, ended_at timestamptz, end_cause text,
                answered_by text[], first_responder text, outcome text, record text)
            WHERE c.call_id = r.call_id
            """,
            [JSONValue.array(rows).serialized()]
        )
    }

    /// Maps each answering extension to the staff member on it at the moment of the answer (SPEC §5): the one
    /// whose latest agent.login/agent.logout before that moment was a login, else the extension's static owner.
    ///
    /// Reading the login history rather than the current sessions keeps a batch order-independent: a login at
    /// 09:30 does not claim an answer at 09:00 that happens to arrive in the same batch.
    private static func resolveExtensions(_ events: [PBXEvent], on connection: PGConnection) throws
        -> [AgentAtTime: StaffCandidate]
    {
        var keys = Set<AgentAtTime>()
        for event in events {
            guard case .callAnswered(_, let agents) = event.kind else { continue }
            let at = PostgresTimestamp.format(event.at)
            for agent in agents { keys.insert(AgentAtTime(extension: agent, at: at)) }
        }
        guard !keys.isEmpty else { return [:] }
        let query = JSONValue.array(
            keys.map { .object([("extension", .string($0.extension)), ("at", .string($0.at))]) }
        )
        let rows = try connection.query(
            """
            SELECT q.extension, q.at, who.login, who.rank
            FROM jsonb_to_recordset($1::jsonb) AS q(extension text, at text)
            LEFT JOIN LATERAL (
                SELECT e.type, e.payload->>'staff' AS staff FROM hotline.pbx_events e
                WHERE e.type IN ('agent.login', 'agent.logout') AND e.payload->>'agent' = q.extension
                  AND e.occurred_at <= q.at::timestamptz
                ORDER BY e.occurred_at DESC, e.seq DESC LIMIT 1
            ) last ON true
            LEFT JOIN hotline.staff owner ON owner.extension = q.extension AND owner.active
            JOIN hotline.staff who
                ON who.login = CASE WHEN last.type = 'agent.login' THEN last.staff ELSE owner.login END
            """,
            [query.serialized()]
        )
        var staff: [AgentAtTime: StaffCandidate] = [:]
        for row in rows {
            let key = AgentAtTime(extension: try row.decode("extension"), at: try row.decode("at"))
            staff[key] = StaffCandidate(login: try row.decode("login"), rank: try row.decode("rank"))
        }
        return staff
    }
}

/// An extension at a moment (the moment as PostgreSQL text, so it matches exactly what the query returns).
private struct AgentAtTime: Hashable {
    var `extension`: String
    var at: String
}
