import HotlineCore
import HotlineProtocol

extension CallRegisterStore {
    /// Stores a batch in one round trip when `memory` covers it, folding into the remembered records instead of
    /// reading them back; nil when it does not, or when PostgreSQL refused a guess (then nothing was stored and the
    /// caller takes the long way).
    ///
    /// The round trip holds the checks: every event is new (inserted without `ON CONFLICT`, so a resent one fails
    /// on its key), each answering extension resolves to the remembered staff member at the answer's moment, each
    /// remembered call still holds the remembered record (compared and written under the row lock), and each call
    /// not remembered does not exist yet (its INSERT would fail on the key). With those true, the writes are
    /// exactly what the long way writes.
    static func ingestRemembered(
        _ received: [ReceivedEvent],
        on connection: PGConnection,
        memory: inout IngestMemory
    ) throws -> [IngestOutcome]? {
        guard let plan = RememberedBatch(received, memory: memory) else { return nil }
        var statements = [PipelineStatement("BEGIN"), storeEvents(received, duplicates: .fail)]
        if let staff = plan.staffIsAsRemembered() { statements.append(staff) }
        let writes = writeRecords(plan.records, existing: plan.remembered, previous: plan.previous)
        statements += writes.statements
        statements.append(PipelineStatement("COMMIT"))
        do {
            _ = try connection.pipeline(statements)
        } catch let error as PostgresError where error.isConnectionLoss {
            // COMMIT went with the batch: whether it was applied is unknown, and a resend is answered duplicate.
            throw PostgresError(code: .commitOutcomeUnknown, message: "connection lost during COMMIT: \(error.message)")
        } catch is PostgresError {
            // A wrong guess (or a value the schema refuses, which the long way reports event by event).
            try connection.command("ROLLBACK")
            memory.forget(calls: plan.records.map(\.callID))
            memory.countMissed()
            return nil
        }
        for (record, text) in zip(plan.records, writes.texts) {
            memory.remember(.init(record: record, text: text))
        }
        memory.countQuick()
        return Array(repeating: .stored, count: received.count)
    }
}

/// A batch folded into the worker's memory, with what PostgreSQL must confirm before it commits.
private struct RememberedBatch {
    /// Every call the batch touches, folded: the remembered ones and the new ones.
    var records: [CallRecord] = []
    /// The calls among `records` the memory holds, and the `record` text each is expected to hold.
    var remembered: Set<String> = []
    var previous: [String: String?] = [:]
    var predictions: [(key: AgentAtTime, staff: StaffCandidate)] = []

    /// Nil unless the memory covers the batch: no agent logins or logouts (they move whom extensions resolve to,
    /// and the long way orders them), no id twice, and every answering extension remembered with a staff member.
    init?(_ received: [ReceivedEvent], memory: IngestMemory) {
        let events = received.map(\.event)
        guard Set(events.map(\.id)).count == events.count else { return nil }
        for event in events {
            switch event.kind {
            case .agentLogin, .agentLogout: return nil
            default: continue
            }
        }
        var staff: [AgentAtTime: StaffCandidate] = [:]
        for key in CallRegisterStore.answeringExtensions(events) {
            guard let candidate = memory.staff[key.extension] else { return nil }
            staff[key] = candidate
            predictions.append((key, candidate))
        }
        var known: [String: CallRecord] = [:]
        for event in events {
            guard let callID = event.callID else { continue }
            if let call = memory.calls[callID] {
                known[callID] = call.record
                remembered.insert(callID)
                previous[callID] = call.text
            }
        }
        // Unchanged remembered calls are written too: writing them is what checks that they were as remembered,
        // and the fold over their real records could differ.
        var folded = Dictionary(
            uniqueKeysWithValues: CallRegisterStore.fold(events, into: known, staff: staff).map { ($0.callID, $0) }
        )
        for callID in remembered where folded[callID] == nil { folded[callID] = known[callID] }
        records = folded.keys.sorted().compactMap { folded[$0] }
    }

    /// Raises unless each answering extension resolves to the remembered staff member at the answer's moment.
    func staffIsAsRemembered() -> PipelineStatement? {
        guard !predictions.isEmpty else { return nil }
        return PipelineStatement(
            """
            SELECT hotline.ingest_expect(count(*) = cardinality($1::text[]),
                'an answering extension has another staff member than remembered')
            FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS q(extension, at, login, rank)
            \(CallRegisterStore.staffOnExtension)
            WHERE who.login = q.login AND who.rank = q.rank
            """,
            [
                predictions.map(\.key.extension), predictions.map(\.key.at), predictions.map(\.staff.login),
                predictions.map { String($0.staff.rank) },
            ],
            prepared: true
        )
    }
}
