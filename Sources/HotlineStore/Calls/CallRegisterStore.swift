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
    /// One statement inserts the whole batch (`json_to_recordset`), so a batch costs a handful of round trips
    /// whatever its size: that is what makes group commit pay. When PostgreSQL refuses the batch for its data
    /// (SQLSTATE classes 22 and 23), it is retried event by event so that only the bad event is refused.
    public static func ingest(_ events: [ReceivedEvent], on connection: PGConnection) throws -> [IngestOutcome] {
        guard !events.isEmpty else { return [] }
        do {
            return try retryingConflicts(on: connection) {
                try connection.transaction { connection in try ingestBatch(events, on: connection) }
            }
        } catch let error as PostgresError where events.count > 1 && isDataError(error) {
            return try events.map { event in
                do {
                    return try retryingConflicts(on: connection) {
                        try connection.transaction { connection in try ingestBatch([event], on: connection)[0] }
                    }
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

    /// Creates the session's staging table; call once per new connection, before ``ingest(_:on:)``.
    ///
    /// Batches of events are COPYed into this temporary table (emptied at every commit) and moved on with one
    /// statement, so PostgreSQL parses rows in its cheapest format.
    public static func prepareSession(on connection: PGConnection) throws {
        try connection.runScript(
            """
            CREATE TEMP TABLE IF NOT EXISTS hotline_incoming_events (
                ord integer, event_id text, type text, call_id text, occurred_at timestamptz, agent text,
                staff text, payload text
            ) ON COMMIT DELETE ROWS;
            """
        )
    }

    private static func ingestBatch(_ received: [ReceivedEvent], on connection: PGConnection) throws
        -> [IngestOutcome]
    {
        var rows = CopyRowWriter(reservingCapacity: received.count * 300)
        for (index, item) in received.enumerated() {
            let event = item.event
            rows.field(String(index))
            rows.field(event.id)
            rows.field(event.typeName)
            rows.field(event.callID)
            rows.field(PostgresTimestamp.format(event.at))
            switch event.kind {
            case .agentLogin(let agent, let staff), .agentLogout(let agent, let staff):
                rows.field(agent)
                rows.field(staff)
            default:
                rows.field(nil)
                rows.field(nil)
            }
            rows.field(item.line)
            rows.endRow()
        }
        try connection.copyIn("COPY hotline_incoming_events FROM STDIN", data: rows.bytes)
        let inserted = try connection.query(
            """
            INSERT INTO hotline.pbx_events (event_id, type, call_id, occurred_at, agent, staff, payload)
            SELECT event_id, type, call_id, occurred_at, agent, staff, payload
            FROM hotline_incoming_events ORDER BY ord
            ON CONFLICT (event_id) DO NOTHING
            RETURNING event_id
            """
        )
        var fresh = Set(try inserted.map { try $0.decode("event_id", as: String.self) })
        var outcomes: [IngestOutcome] = []
        var newEvents: [PBXEvent] = []
        for event in received.map(\.event) {
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
        var records = try lockRecords(callIDs, on: connection)
        for event in callEvents {
            guard let fact = fact(of: event, staff: staff) else { continue }
            var record = records[fact.callID] ?? CallRecord(callID: fact.callID)
            record.apply(fact)
            records[fact.callID] = record
        }
        try writeRecords(callIDs.compactMap { records[$0] }, on: connection)
    }

    /// Reads (creating when missing) and row-locks the calls' records, so that daemons folding into the same call
    /// take turns.
    private static func lockRecords(_ callIDs: [String], on connection: PGConnection) throws -> [String: CallRecord] {
        try connection.command(
            "INSERT INTO hotline.calls (call_id) SELECT unnest($1::text[]) ON CONFLICT (call_id) DO NOTHING",
            [callIDs]
        )
        let rows = try connection.query(
            "SELECT call_id, record FROM hotline.calls WHERE call_id = ANY($1::text[]) ORDER BY call_id FOR UPDATE",
            [callIDs]
        )
        var records: [String: CallRecord] = [:]
        for row in rows {
            let callID: String = try row.decode("call_id")
            let text: String? = try row.decodeIfPresent("record")
            records[callID] =
                try text.map { try CallRecordCoding.decode($0, callID: callID) } ?? CallRecord(callID: callID)
        }
        return records
    }

    /// Writes the derived columns of every touched call in one UPDATE over parallel arrays.
    ///
    /// Arrays rather than a COPYed temporary table: the planner knows nothing of a fresh temporary table and
    /// chose a sequential scan of all calls for the join (4 ms for a single row, measured).
    private static func writeRecords(_ records: [CallRecord], on connection: PGConnection) throws {
        var columns = [[String?]](repeating: [], count: 13)
        for record in records {
            for (index, value) in registerColumns(record).enumerated() { columns[index].append(value) }
        }
        try connection.command(
            """
            UPDATE hotline.calls AS c SET
                caller_number = r.caller_number, caller_name = r.caller_name, dialled = r.dialled, queue = r.queue,
                offered_at = r.offered_at::timestamptz, answered_at = r.answered_at::timestamptz,
                ended_at = r.ended_at::timestamptz, end_cause = r.end_cause, answered_by = r.answered_by::text[],
                first_responder = r.first_responder, outcome = r.outcome, record = r.record, updated_at = now()
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                        $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
                AS r(call_id, caller_number, caller_name, dialled, queue, offered_at, answered_at, ended_at,
                     end_cause, answered_by, first_responder, outcome, record)
            WHERE c.call_id = r.call_id
            """,
            columns.map { PostgresTextArray($0) }
        )
    }

    /// The columns of `hotline.calls` derived from a record, in the order of `hotline_incoming_calls`.
    private static func registerColumns(_ record: CallRecord) -> [String?] {
        var offered: String?
        if let at = record.offeredAt { offered = PostgresTimestamp.format(at) }
        var answered: String?
        if let at = record.answeredAt { answered = PostgresTimestamp.format(at) }
        var ended: String?
        if let at = record.endedAt { ended = PostgresTimestamp.format(at) }
        var from: String?
        if let number = record.from { from = number.normalized }
        let agents = record.answeringAgents
        return [
            record.callID, from, record.fromName, record.to, record.queue, offered, answered, ended,
            record.endCause?.rawValue, agents.isEmpty ? nil : agents.postgresText, record.firstResponder,
            record.outcome.rawValue, CallRecordCoding.encode(record),
        ]
    }

    /// The register fact of a call event, its answering extensions resolved to staff.
    private static func fact(of event: PBXEvent, staff: [AgentAtTime: StaffCandidate]) -> CallEventFact? {
        let at = PostgresTimestamp.format(event.at)
        return event.callEventFact { agent in staff[AgentAtTime(extension: agent, at: at)] }
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
            FROM json_to_recordset($1::json) AS q(extension text, at text)
            LEFT JOIN LATERAL (
                SELECT e.type, e.staff FROM hotline.pbx_events e
                WHERE e.agent = q.extension AND e.occurred_at <= q.at::timestamptz
                -- At one instant a login counts after a logout: a hand-over reported at the same microsecond
                -- leaves the extension with whoever logged in, whichever event was stored first.
                ORDER BY e.occurred_at DESC, e.type = 'agent.login' DESC, e.seq DESC LIMIT 1
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
