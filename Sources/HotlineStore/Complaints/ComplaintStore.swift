import Foundation
import HotlineCore

/// Why the store could not do what was asked, apart from a workflow ``Refusal``.
public enum ComplaintStoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `complaint file --call` names a call that is not in the register.
    case callNotFound(String)
    /// No complaint with this id.
    case complaintNotFound(String)
    /// R15: the deadline to extend is no longer pending (met, breached or cancelled).
    case noPendingDeadline(DeadlineChange.Kind)

    public var description: String { text(in: .en) }

    /// The message in the reader's language.
    public func text(in language: Language) -> String {
        switch (self, language) {
        case (.callNotFound(let call), .en): return "no call '\(call)' in the register"
        case (.callNotFound(let call), .zh): return "登记册中没有呼叫 \(call)"
        case (.complaintNotFound(let id), .en): return "no complaint \(id)"
        case (.complaintNotFound(let id), .zh): return "没有投诉 \(id)"
        case (.noPendingDeadline(let kind), .en): return "R15: no pending \(kind.rawValue) deadline to extend"
        case (.noPendingDeadline(let kind), .zh):
            let names: [DeadlineChange.Kind: String] = [.transfer: "转交时限", .accept: "受理时限", .reply: "答复时限"]
            return "R15：没有未到期的\(names[kind] ?? kind.rawValue)可以延期"
        }
    }
}

/// Complaints in PostgreSQL: filing, transitions decided by ``ComplaintWorkflow`` and written in one transaction
/// with their signed hops (R9), deadlines and escalations.
public enum ComplaintStore {
    /// Files a complaint; the filer must be the first responder of the call, or a supervisor (R2). Returns its id
    /// and the hops written, for the daemon to anchor once the transaction has committed (issue 17).
    public static func file(
        _ filing: ComplaintFiling,
        by actor: ActingStaff,
        at now: Date,
        context: ComplaintContext,
        on connection: PGConnection
    ) throws -> (id: String, hops: [AnchoredHop]) {
        try connection.transaction { connection in
            var filing = filing
            var receivedAt = now
            var firstResponder = actor.staff
            if let callID = filing.callID {
                guard
                    let call = try connection.query(
                        """
                        SELECT caller_number, caller_name, answered_at, first_responder FROM hotline.calls
                        WHERE call_id = $1
                        """,
                        [callID]
                    ).first
                else { throw ComplaintStoreError.callNotFound(callID) }
                // Name and number come from the register unless the operator gives them (R1).
                if filing.callerName == nil { filing.callerName = try call.decodeIfPresent("caller_name") }
                if filing.callerPhone == nil, let number: String = try call.decodeIfPresent("caller_number") {
                    filing.callerPhone = try? PhoneNumber(validating: number)
                }
                // R4: the hour starts when the call was answered.
                if let answered: Date = try call.decodeIfPresent("answered_at") { receivedAt = answered }
                if let login: String = try call.decodeIfPresent("first_responder"),
                    let member = try StaffDirectory.staff(login: login, on: connection)
                {
                    firstResponder = member
                }
            }
            // Decide before writing: a refusal (R1 matter, R2 filer) must not leave a row behind. The id only
            // appears in texts, so the final transition is computed again with the real one below.
            _ = try ComplaintWorkflow.filing(
                id: "new",
                matter: filing.matter,
                urgent: filing.urgent,
                firstResponder: firstResponder,
                by: actor,
                policy: context.workflow
            )
            let inserted = try connection.query(
                """
                INSERT INTO hotline.complaints (urgent, call_id, caller_name, caller_phone, caller_address, matter,
                    category, first_responder, first_responder_dept, responsible, received_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8, $10)
                RETURNING id
                """,
                [
                    filing.urgent, filing.callID, filing.callerName, filing.callerPhone?.normalized,
                    filing.callerAddress, filing.matter.trimmingCharacters(in: .whitespacesAndNewlines),
                    filing.category, firstResponder.login, firstResponder.department, receivedAt,
                ]
            )
            let id = String(try inserted[0].decode("id", as: Int64.self))
            let transition = try ComplaintWorkflow.filing(
                id: id,
                matter: filing.matter,
                urgent: filing.urgent,
                firstResponder: firstResponder,
                by: actor,
                policy: context.workflow
            )
            let hops = try write(
                transition,
                complaint: id,
                receivedAt: receivedAt,
                at: now,
                context: context,
                on: connection
            )
            return (id, hops)
        }
    }

    /// Carries out `action` on complaint `id` if the workflow allows it; the complaint row is locked meanwhile,
    /// so two people acting on one complaint take turns. Returns the hops written, committed, to be anchored.
    @discardableResult
    public static func act(
        _ action: ComplaintAction,
        on id: String,
        by actor: ActingStaff,
        at now: Date,
        context: ComplaintContext,
        on connection: PGConnection
    ) throws -> [AnchoredHop] {
        try retryingConflicts(on: connection) {
            try actOnce(action, on: id, by: actor, at: now, context: context, on: connection)
        }
    }

    private static func actOnce(
        _ action: ComplaintAction,
        on id: String,
        by actor: ActingStaff,
        at now: Date,
        context: ComplaintContext,
        on connection: PGConnection
    ) throws -> [AnchoredHop] {
        try connection.transaction { connection in
            guard let (snapshot, receivedAt) = try lockSnapshot(id, on: connection) else {
                throw ComplaintStoreError.complaintNotFound(id)
            }
            TestPause.reach(TestPause.transitionLocked)
            let departments = Set(try StaffDirectory.departments(on: connection).map(\.code))
            let transition = try ComplaintWorkflow.decide(
                action,
                on: snapshot,
                by: actor,
                policy: context.workflow,
                departmentExists: { departments.contains($0) }
            )
            if case .feedback(let satisfaction, let comment) = action {
                try connection.command(
                    "UPDATE hotline.complaints SET satisfaction = $2, satisfaction_comment = $3 WHERE id = $1",
                    [id, satisfaction, comment]
                )
            }
            return try write(
                transition,
                complaint: id,
                receivedAt: receivedAt,
                at: now,
                context: context,
                on: connection
            )
        }
    }

    /// Reads and locks the complaint for one transition. FOR NO KEY UPDATE, not FOR UPDATE: it still makes two
    /// people acting on one complaint take turns, but lets the deadline scheduler insert escalations that refer to
    /// the complaint meanwhile (their foreign-key check takes FOR KEY SHARE), which FOR UPDATE would block while the
    /// scheduler holds the deadlines this transition wants — a deadlock.
    static func lockSnapshot(_ id: String, on connection: PGConnection) throws
        -> (ComplaintSnapshot, Date)?
    {
        guard Int64(id) != nil else { return nil }
        guard
            let row = try connection.query(
                """
                SELECT id, state, urgent, first_responder, first_responder_dept, responsible, receiving_dept,
                    handler, \(ComplaintQueries.effectiveLevelSQL) AS escalation_level,
                    satisfaction IS NOT NULL AS satisfied, redo_count, transfer_count, return_count, received_at
                FROM hotline.complaints c WHERE id = $1::bigint FOR NO KEY UPDATE
                """,
                [id]
            ).first
        else { return nil }
        let snapshot = ComplaintSnapshot(
            id: id,
            state: ComplaintState(rawValue: try row.decode("state")) ?? .open,
            urgent: try row.decode("urgent"),
            firstResponder: try row.decode("first_responder"),
            firstResponderDepartment: try row.decode("first_responder_dept"),
            responsibleLogin: try row.decode("responsible"),
            receivingDepartment: try row.decodeIfPresent("receiving_dept"),
            handler: try row.decodeIfPresent("handler"),
            escalationLevel: EscalationLevel(rawValue: try row.decode("escalation_level")) ?? .none,
            satisfactionGiven: try row.decode("satisfied"),
            redoCount: try row.decode("redo_count"),
            transferCount: try row.decode("transfer_count"),
            returnCount: try row.decode("return_count")
        )
        return (snapshot, try row.decode("received_at"))
    }

    /// Writes a transition: the complaint's new state, its hops chained by hash, deadline changes, escalations.
    /// Returns the hops written.
    static func write(
        _ transition: ComplaintTransition,
        complaint id: String,
        receivedAt: Date,
        at now: Date,
        context: ComplaintContext,
        on connection: PGConnection
    ) throws -> [AnchoredHop] {
        let after = transition.after
        try connection.command(
            """
            UPDATE hotline.complaints SET state = $2, responsible = $3, receiving_dept = $4, handler = $5,
                escalation_level = $6, redo_count = $7, transfer_count = $8, return_count = $9,
                closed_at = CASE WHEN $2 = 'closed' THEN COALESCE(closed_at, $10) END, quiet_until = $11
            WHERE id = $1::bigint
            """,
            [
                id, after.state.rawValue, after.responsibleLogin, after.receivingDepartment, after.handler,
                after.escalationLevel.rawValue, after.redoCount, after.transferCount, after.returnCount, now,
                try quietUntil(after.state, from: now, context: context),
            ]
        )
        let hops = try appendHops(transition.hops, complaint: id, at: now, on: connection)
        // SPEC §10: the people the workflow names are told in this very transaction (the outbox).
        try NoticeStore.write(transition.notices, complaint: id, at: now, on: connection)
        for change in transition.deadlineChanges {
            try apply(
                change,
                complaint: id,
                after: after,
                receivedAt: receivedAt,
                at: now,
                context: context,
                on: connection
            )
        }
        for escalation in transition.escalations {
            try connection.command(
                """
                INSERT INTO hotline.escalations (complaint_id, kind, level, department, at, by_login, reason)
                VALUES ($1::bigint, $2, $3, $4, $5, $6, $7)
                """,
                [
                    id, escalation.kind.rawValue, escalation.level?.rawValue, escalation.chargedDepartment, now,
                    escalation.by, escalation.reason,
                ]
            )
        }
        return hops
    }

    /// Appends hops after the complaint's last one, each hashed over its content and the previous hash (R9), and
    /// returns them as they are to be anchored outside the database once the transaction commits.
    static func appendHops(
        _ drafts: [HopDraft],
        complaint id: String,
        at now: Date,
        on connection: PGConnection
    ) throws -> [AnchoredHop] {
        let last = try connection.query(
            "SELECT seq, encode(hash, 'hex') AS hash FROM hotline.hops WHERE complaint_id = $1::bigint ORDER BY seq DESC LIMIT 1",
            [id]
        ).first
        var sequence = try last?.decode("seq", as: Int.self) ?? 0
        var previous = try last.flatMap { try $0.decodeIfPresent("hash", as: String.self) }.flatMap(Hex.decode)
        let micros = Int64((now.timeIntervalSince1970 * 1_000_000).rounded())
        let at = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
        var written: [AnchoredHop] = []
        for draft in drafts {
            sequence += 1
            let content = HopContent(complaintID: id, sequence: sequence, atMicroseconds: micros, draft: draft)
            let hash = HopChain.hash(previous: previous, content: content)
            try connection.command(
                """
                INSERT INTO hotline.hops (complaint_id, seq, action, by_login, acting_root, department, text, at,
                    prev_hash, hash, subject, approved_by, told)
                VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8, decode($9, 'hex'), decode($10, 'hex'), $11, $12,
                    $13::text[])
                """,
                [
                    // The daemon's own hops carry no department stamp: NULL, as `department` references one.
                    id, sequence, draft.action.rawValue, draft.by, draft.actingRoot,
                    draft.department.isEmpty ? nil : draft.department, draft.text, at,
                    previous.map(Hex.encode), Hex.encode(hash), draft.subject, draft.approvedBy, content.told,
                ]
            )
            previous = hash
            written.append(AnchoredHop(complaintID: id, sequence: sequence, hash: hash, atMicroseconds: micros))
        }
        try connection.command(
            "UPDATE hotline.complaints SET hop_head = decode($2, 'hex') WHERE id = $1::bigint",
            [id, previous.map(Hex.encode)]
        )
        return written
    }

    private static func apply(
        _ change: DeadlineChange,
        complaint id: String,
        after: ComplaintSnapshot,
        receivedAt: Date,
        at now: Date,
        context: ComplaintContext,
        on connection: PGConnection
    ) throws {
        switch change {
        case .create(let kind, let from, let urgent):
            let schedule = try DeadlineRules.schedule(
                kind,
                from: from == .received ? receivedAt : now,
                urgent: urgent,
                policy: context.deadlines,
                calendar: context.calendar
            )
            let charged = DeadlineRules.chargedDepartment(
                of: kind,
                firstResponderDepartment: after.firstResponderDepartment,
                receivingDepartment: after.receivingDepartment
            )
            try connection.command(
                """
                UPDATE hotline.deadlines SET state = 'cancelled', cancelled_at = $3
                WHERE complaint_id = $1::bigint AND kind = $2 AND state = 'pending'
                """,
                [id, kind.rawValue, now]
            )
            try connection.command(
                """
                INSERT INTO hotline.deadlines (complaint_id, kind, department, started_at, due_at, warn_at, urgent,
                    explanation)
                VALUES ($1::bigint, $2, $3, $4, $5, $6, $7, $8)
                """,
                [
                    id, kind.rawValue, charged, schedule.start, schedule.dueAt, schedule.warnAt, urgent,
                    try DeadlineExplanations.encode([schedule.explanation]),
                ]
            )
        case .meet(let kind):
            try connection.command(
                """
                UPDATE hotline.deadlines SET state = 'met', met_at = $3
                WHERE complaint_id = $1::bigint AND state = 'pending' AND kind = ANY($2::text[])
                """,
                [id, DeadlineRules.ended(with: kind).map(\.rawValue), now]
            )
        case .cancel(let kind):
            try connection.command(
                """
                UPDATE hotline.deadlines SET state = 'cancelled', cancelled_at = $3
                WHERE complaint_id = $1::bigint AND state = 'pending' AND kind = ANY($2::text[])
                """,
                [id, DeadlineRules.ended(with: kind).map(\.rawValue), now]
            )
        case .extend(let kind, let allowance):
            // R15: the new allowance counts from the current due time; the deadline must still be pending.
            guard
                let row = try connection.query(
                    """
                    SELECT id, due_at, explanation FROM hotline.deadlines
                    WHERE complaint_id = $1::bigint AND kind = $2 AND state = 'pending'
                    """,
                    [id, kind.rawValue]
                ).first
            else {
                throw ComplaintStoreError.noPendingDeadline(kind)
            }
            let due: Date = try row.decode("due_at")
            let computed = try context.calendar.due(after: due, allowance: allowance)
            let explanations = DeadlineExplanations.decode(try row.decode("explanation")) + [computed.explanation]
            try connection.command(
                "UPDATE hotline.deadlines SET due_at = $2, warned_at = NULL, explanation = $3 WHERE id = $1",
                [try row.decode("id", as: Int64.self), computed.dueAt, try DeadlineExplanations.encode(explanations)]
            )
        }
    }
}

/// How a deadline's due time was computed, kept as JSON so that `complaint show` explains it in the reader's
/// language: the first explanation, then one per approved extension (R15).
public enum DeadlineExplanations {
    static func encode(_ explanations: [DeadlineExplanation]) throws -> String {
        String(decoding: try JSONEncoder().encode(explanations), as: UTF8.self)
    }

    public static func decode(_ text: String) -> [DeadlineExplanation] {
        (try? JSONDecoder().decode([DeadlineExplanation].self, from: Data(text.utf8))) ?? []
    }

    /// True when a computation of the deadline went over a provisional day (SPEC §4).
    public static func isProvisional(_ text: String) -> Bool {
        decode(text).contains { !$0.provisionalDays.isEmpty }
    }

    /// The stored explanations as text (``DeadlineRules/explain(_:in:timeZone:)``); text that is not explanations
    /// is shown as it is.
    public static func render(_ text: String, in language: Language, timeZone: TimeZone) -> String {
        let explanations = decode(text)
        guard !explanations.isEmpty else { return text }
        return DeadlineRules.explain(explanations, in: language, timeZone: timeZone)
    }
}
