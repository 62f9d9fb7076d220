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
    /// The transaction is two round trips whatever the batch's size (``PGConnection/pipeline(_:)``): the first
    /// stores the events, locks their calls' records and resolves the answering extensions; the second writes the
    /// folded records and commits. When PostgreSQL refuses the batch for its data (SQLSTATE classes 22 and 23), it
    /// is retried event by event so that only the bad event is refused.
    public static func ingest(_ events: [ReceivedEvent], on connection: PGConnection) throws -> [IngestOutcome] {
        var memory = IngestMemory()
        return try ingest(events, on: connection, memory: &memory)
    }

    /// ``ingest(_:on:)`` for a worker that keeps `memory` between batches: when the memory covers the batch, it is
    /// stored in one round trip (see ``IngestMemory``); otherwise, or when PostgreSQL finds the memory out of date,
    /// the long way, which also refreshes the memory.
    public static func ingest(_ events: [ReceivedEvent], on connection: PGConnection, memory: inout IngestMemory)
        throws -> [IngestOutcome]
    {
        guard !events.isEmpty else { return [] }
        if let outcomes = try ingestRemembered(events, on: connection, memory: &memory) { return outcomes }
        do {
            return try retryingConflicts(on: connection) { try ingestBatch(events, on: connection, memory: &memory) }
        } catch let error as PostgresError where events.count > 1 && isDataError(error) {
            return try events.map { event in
                do {
                    return try retryingConflicts(on: connection) {
                        try ingestBatch([event], on: connection, memory: &memory)[0]
                    }
                } catch let error as PostgresError where isDataError(error) {
                    return .rejected(error.message)
                }
            }
        } catch let error as PostgresError where isDataError(error) {
            return [.rejected(error.message)]
        }
    }

    /// Readies a new connection for ``ingest(_:on:)``.
    ///
    /// Its statements are prepared once and always run with their generic plans: a custom plan for every batch
    /// would cost more than the batch (measured: half of the server's time at 1,000 single-event transactions a
    /// second went to parsing and planning). Every statement here looks rows up by key, so sequential scans are
    /// ruled out: a generic plan made while a table is still small would otherwise scan it for as long as the
    /// session lives (measured: 4.5 ms per lock of one call, against 0.02 ms).
    public static func prepareSession(on connection: PGConnection) throws {
        try connection.command("SET plan_cache_mode = force_generic_plan")
        try connection.command("SET enable_seqscan = off")
    }

    private static func isCallCreatedMeanwhile(_ error: PostgresError) -> Bool {
        error.code == .uniqueViolation && error.constraint == "calls_pkey"
    }

    private static func isDataError(_ error: PostgresError) -> Bool {
        guard let state = error.sqlState else { return false }
        return state.hasPrefix("22") || state.hasPrefix("23")
    }

    private static func ingestBatch(
        _ received: [ReceivedEvent],
        on connection: PGConnection,
        memory: inout IngestMemory
    ) throws -> [IngestOutcome] {
        let events = received.map(\.event)
        let callEvents = events.filter { $0.callID != nil }
        let callIDs = Array(Set(callEvents.compactMap(\.callID))).sorted()
        let answers = answeringExtensions(callEvents)
        do {
            var first = [PipelineStatement("BEGIN"), storeEvents(received)]
            if !callIDs.isEmpty { first.append(lockRecords(callIDs)) }
            if !answers.isEmpty { first.append(resolveExtensions(answers)) }
            let results = try connection.pipeline(first)

            var fresh = Set(try results[1].map { try $0.decode("event_id", as: String.self) })
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
            var stored = callIDs.isEmpty ? [:] : try storedCalls(in: results[2])
            var locked = stored.mapValues(\.record)
            let staff = answers.isEmpty ? [:] : try resolved(results[callIDs.isEmpty ? 2 : 3])

            var sessions = agentSessions(newEvents)
            var attempt = 1
            while true {
                let changed = fold(newEvents, into: locked, staff: staff)
                let writes = writeRecords(changed, existing: Set(locked.keys))
                do {
                    // New calls go in behind a savepoint: one another writer creates meanwhile makes the insert
                    // fail, and only the writes are done again, over the record it created.
                    let guarded = writes.inserts ? [PipelineStatement("SAVEPOINT ingest_calls")] : []
                    _ = try connection.pipeline(sessions + guarded + writes.statements + [PipelineStatement("COMMIT")])
                    for (record, text) in zip(changed, writes.texts) {
                        stored[record.callID] = .init(record: record, text: text)
                    }
                    stored.values.forEach { memory.remember($0) }
                    for key in answers { memory.remember(extension: key.extension, answeredBy: staff[key]) }
                    return outcomes
                } catch let error as PostgresError where isCallCreatedMeanwhile(error) && attempt < 5 {
                    let created = changed.map(\.callID).filter { locked[$0] == nil }
                    let again = try connection.pipeline([
                        PipelineStatement("ROLLBACK TO SAVEPOINT ingest_calls"), lockRecords(created),
                    ])
                    let relocked = try storedCalls(in: again[1])
                    stored.merge(relocked) { _, new in new }
                    locked.merge(relocked.mapValues(\.record)) { _, new in new }
                    // Applied before the savepoint, so kept.
                    sessions = []
                    attempt += 1
                } catch let error as PostgresError where error.isConnectionLoss {
                    throw PostgresError(
                        code: .commitOutcomeUnknown,
                        message: "connection lost during COMMIT: \(error.message)"
                    )
                }
            }
        } catch {
            if connection.isOpen { _ = try? connection.command("ROLLBACK") }
            throw error
        }
    }

    /// What the events' INSERT does with an event id already stored.
    enum StoredBefore {
        /// Skip it, and return the ids stored, so that the rest is answered duplicate (the long way).
        case skip
        /// Fail on the key, rolling the batch back: for the one-round-trip way, which expects every event to be
        /// new. Without `ON CONFLICT` PostgreSQL inserts without the speculative insertion's extra index probe
        /// (measured with pg_stat_statements: a sixth less time for the events' INSERT).
        case fail
    }

    /// Inserts the batch in arrival order; with `.skip`, a stored id (a resend) is skipped and returned by none.
    static func storeEvents(_ received: [ReceivedEvent], duplicates: StoredBefore = .skip) -> PipelineStatement {
        var columns = [[String?]](repeating: [], count: 6)
        // The lines travel as one text, a line each: a received line holds no newline, and a `text[]` literal
        // would escape every quote of the JSON.
        var lines: [UInt8] = []
        lines.reserveCapacity(received.reduce(0) { $0 + $1.line.utf8.count + 1 })
        for index in 0..<columns.count { columns[index].reserveCapacity(received.count) }
        // Read through `item.event` rather than a copy of it, and appended column by column: a copy of the event
        // and an array of its values per event showed in the ingest's profile.
        for item in received {
            var agent: String?
            var staff: String?
            switch item.event.kind {
            case .agentLogin(let extensionNumber, let login), .agentLogout(let extensionNumber, let login):
                agent = extensionNumber
                staff = login
            default:
                break
            }
            columns[0].append(item.event.id)
            columns[1].append(item.event.typeName)
            columns[2].append(item.event.callID)
            columns[3].append(PostgresTimestamp.format(item.event.at))
            columns[4].append(agent)
            columns[5].append(staff)
            if !lines.isEmpty { lines.append(UInt8(ascii: "\n")) }
            lines.append(contentsOf: item.line.utf8)
        }
        return PipelineStatement(
            """
            INSERT INTO hotline.pbx_events (event_id, type, call_id, occurred_at, agent, staff, payload)
            SELECT event_id, type, call_id, occurred_at, agent, staff, payload
            FROM ROWS FROM (
                unnest($1::text[]), unnest($2::text[]), unnest($3::text[]), unnest($4::timestamptz[]),
                unnest($5::text[]), unnest($6::text[]), string_to_table($7, E'\\n')
            ) WITH ORDINALITY AS e(event_id, type, call_id, occurred_at, agent, staff, payload, ord)
            ORDER BY ord
            \(duplicates == .skip ? "ON CONFLICT (event_id) DO NOTHING RETURNING event_id" : "")
            """,
            columns.map { PostgresTextArray($0) } + [String(decoding: lines, as: UTF8.self)],
            prepared: true
        )
    }

    /// agent.login / agent.logout move the extension-to-staff map; a late event never undoes a newer one.
    private static func agentSessions(_ events: [PBXEvent]) -> [PipelineStatement] {
        var statements: [PipelineStatement] = []
        for event in events.sorted(by: { $0.at < $1.at }) {
            switch event.kind {
            case .agentLogin(let agent, let staff):
                statements.append(
                    PipelineStatement(
                        """
                        INSERT INTO hotline.agent_sessions (extension, staff_login, since, event_id)
                        SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM hotline.staff WHERE login = $2)
                        ON CONFLICT (extension) DO UPDATE
                            SET staff_login = excluded.staff_login, since = excluded.since,
                                event_id = excluded.event_id
                            WHERE hotline.agent_sessions.since <= excluded.since
                        """,
                        [agent, staff, event.at, event.id]
                    )
                )
            case .agentLogout(let agent, let staff):
                statements.append(
                    PipelineStatement(
                        "DELETE FROM hotline.agent_sessions WHERE extension = $1 AND staff_login = $2 AND since <= $3",
                        [agent, staff, event.at]
                    )
                )
            default:
                break
            }
        }
        return statements
    }

    /// Folds new call events into their calls' records (order-independent, so incremental folding equals folding
    /// everything again) and returns the records that changed; a call without a record starts empty.
    static func fold(
        _ events: [PBXEvent],
        into locked: [String: CallRecord],
        staff: [AgentAtTime: StaffCandidate]
    ) -> [CallRecord] {
        var records: [String: CallRecord] = [:]
        for event in events where event.callID != nil {
            guard let fact = fact(of: event, staff: staff) else { continue }
            var record = records[fact.callID] ?? locked[fact.callID] ?? CallRecord(callID: fact.callID)
            record.apply(fact)
            records[fact.callID] = record
        }
        return records.keys.sorted().compactMap { callID in
            let record = records[callID]
            return record == locked[callID] ? nil : record
        }
    }

    /// Reads and row-locks the records of the calls that exist, so that daemons folding into the same call take
    /// turns. A call another writer creates after this read makes this batch's insert of it fail; the batch then
    /// locks it and writes again.
    private static func lockRecords(_ callIDs: [String]) -> PipelineStatement {
        PipelineStatement(
            "SELECT call_id, record FROM hotline.calls WHERE call_id = ANY($1::text[]) ORDER BY call_id FOR UPDATE",
            [callIDs],
            prepared: true
        )
    }

    private static func storedCalls(in rows: PostgresRows) throws -> [String: IngestMemory.StoredCall] {
        var calls: [String: IngestMemory.StoredCall] = [:]
        for row in rows {
            let callID: String = try row.decode("call_id")
            let text: String? = try row.decodeIfPresent("record")
            let record = try text.map { try CallRecordCoding.decode($0, callID: callID) } ?? CallRecord(callID: callID)
            calls[callID] = .init(record: record, text: text)
        }
        return calls
    }

    /// Writes the derived columns of every touched call: one INSERT of the new calls and one UPDATE of the locked
    /// ones, each over parallel arrays.
    ///
    /// Arrays rather than a COPYed temporary table: the planner knows nothing of a fresh temporary table and
    /// chose a sequential scan of all calls for the join (4 ms for a single row, measured), and emptying one at
    /// every commit rewrote its catalogue entries.
    ///
    /// With `previous` (the `record` text each existing call is expected to hold), the UPDATE writes a call only
    /// if it still holds that text, and raises unless it wrote every one (``IngestMemory``).
    /// `texts` are the records' stored texts in the order of `records`, encoded once here for the caller's memory.
    static func writeRecords(_ records: [CallRecord], existing: Set<String>, previous: [String: String?]? = nil)
        -> (statements: [PipelineStatement], inserts: Bool, texts: [String])
    {
        var texts: [String] = []
        texts.reserveCapacity(records.count)
        var fresh = [[String?]](repeating: [], count: 13)
        var known = [[String?]](repeating: [], count: 13)
        var expected: [String?] = []
        for record in records {
            let isKnown = existing.contains(record.callID)
            let columns = registerColumns(record)
            texts.append(columns.last.flatMap { $0 } ?? "")
            for (index, value) in columns.enumerated() {
                if isKnown { known[index].append(value) } else { fresh[index].append(value) }
            }
            if isKnown, let previous { expected.append(previous[record.callID] ?? nil) }
        }
        func rows(expecting: Bool = false) -> String {
            """
            unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                   $7::timestamptz[], $8::timestamptz[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[]\
            \(expecting ? ", $14::text[]" : ""))
                AS r(call_id, caller_number, caller_name, dialled, queue, offered_at, answered_at, ended_at,
                     end_cause, answered_by, first_responder, outcome, record\(expecting ? ", previous" : ""))
            """
        }
        var statements: [PipelineStatement] = []
        if !fresh[0].isEmpty {
            statements.append(
                PipelineStatement(
                    """
                    INSERT INTO hotline.calls (call_id, caller_number, caller_name, dialled, queue, offered_at,
                        answered_at, ended_at, end_cause, answered_by, first_responder, outcome, record)
                    SELECT call_id, caller_number, caller_name, dialled, queue, offered_at, answered_at, ended_at,
                        end_cause, answered_by::text[], first_responder, outcome, record
                    FROM \(rows())
                    """,
                    fresh.map { PostgresTextArray($0) },
                    prepared: true
                )
            )
        }
        let update = """
            UPDATE hotline.calls AS c SET
                caller_number = r.caller_number, caller_name = r.caller_name, dialled = r.dialled,
                queue = r.queue, offered_at = r.offered_at, answered_at = r.answered_at,
                ended_at = r.ended_at, end_cause = r.end_cause, answered_by = r.answered_by::text[],
                first_responder = r.first_responder, outcome = r.outcome, record = r.record,
                updated_at = now()
            """
        if !known[0].isEmpty && previous == nil {
            statements.append(
                PipelineStatement(
                    "\(update) FROM \(rows()) WHERE c.call_id = r.call_id",
                    known.map { PostgresTextArray($0) },
                    prepared: true
                )
            )
        } else if !known[0].isEmpty {
            // A call another writer changed meanwhile is not written: the row lock makes this UPDATE wait for that
            // writer's commit and then look at the new row, whose record no longer matches.
            statements.append(
                PipelineStatement(
                    """
                    WITH written AS (
                        \(update)
                        FROM \(rows(expecting: true))
                        WHERE c.call_id = r.call_id AND c.record IS NOT DISTINCT FROM r.previous
                        RETURNING 1
                    )
                    SELECT hotline.ingest_expect(
                        (SELECT count(*) FROM written) = cardinality($1::text[]),
                        'a call remembered by this worker was changed by another writer')
                    """,
                    (known + [expected]).map { PostgresTextArray($0) },
                    prepared: true
                )
            )
        }
        return (statements, !fresh[0].isEmpty, texts)
    }

    /// The columns of `hotline.calls` derived from a record, in the order of ``writeRecords(_:existing:previous:)``;
    /// the last is the record's stored text, never null.
    static func registerColumns(_ record: CallRecord) -> [String?] {
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

    /// Every (extension, moment) of an answer in the batch.
    static func answeringExtensions(_ events: [PBXEvent]) -> Set<AgentAtTime> {
        var keys = Set<AgentAtTime>()
        for event in events {
            guard case .callAnswered(_, let agents) = event.kind else { continue }
            let at = PostgresTimestamp.format(event.at)
            for agent in agents { keys.insert(AgentAtTime(extension: agent, at: at)) }
        }
        return keys
    }

    /// Maps each answering extension to the staff member on it at the moment of the answer (SPEC §5): the one
    /// whose latest agent.login/agent.logout before that moment was a login, else the extension's static owner.
    ///
    /// Reading the login history rather than the current sessions keeps a batch order-independent: a login at
    /// 09:30 does not claim an answer at 09:00 that happens to arrive in the same batch. It runs after the batch's
    /// events are stored, so their logins count.
    private static func resolveExtensions(_ keys: Set<AgentAtTime>) -> PipelineStatement {
        var extensions: [String] = []
        var moments: [String] = []
        for key in keys {
            extensions.append(key.extension)
            moments.append(key.at)
        }
        return PipelineStatement(
            """
            SELECT q.extension, q.at, who.login, who.rank
            FROM unnest($1::text[], $2::text[]) AS q(extension, at)
            \(staffOnExtension)
            """,
            [extensions, moments],
            prepared: true
        )
    }

    /// Joins `q(extension, at)` to `who`, the staff member on the extension at that moment (see
    /// ``resolveExtensions(_:)``).
    static let staffOnExtension = """
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
        """

    private static func resolved(_ rows: PostgresRows) throws -> [AgentAtTime: StaffCandidate] {
        var staff: [AgentAtTime: StaffCandidate] = [:]
        for row in rows {
            let key = AgentAtTime(extension: try row.decode("extension"), at: try row.decode("at"))
            staff[key] = StaffCandidate(login: try row.decode("login"), rank: try row.decode("rank"))
        }
        return staff
    }
}

/// An extension at a moment (the moment as PostgreSQL text, so it matches exactly what the query returns).
struct AgentAtTime: Hashable {
    var `extension`: String
    var at: String
}
