import Foundation
import HotlineCore

/// A complaint as `complaint show` presents it.
public struct ComplaintDetails: Sendable {
    public var id: String
    public var state: String
    public var urgent: Bool
    public var callID: String?
    public var callerName: String?
    public var callerPhone: String?
    public var callerAddress: String?
    public var matter: String
    public var category: String?
    public var firstResponder: String
    public var firstResponderDepartment: String
    public var responsible: String
    public var receivingDepartment: String?
    public var handler: String?
    public var escalationLevel: String
    public var receivedAt: Date
    public var satisfaction: Int?
    public var satisfactionComment: String?
    public var closedAt: Date?
    /// The case this one was merged into as a duplicate (SPEC §12).
    public var mergedInto: String?
    /// Other complaints of the same number still being worked on (repeat callers, SPEC §12).
    public var related: [String] = []
    public var deadlines: [DeadlineDetails] = []
    public var hops: [HopDetails] = []

    /// The department holding the case now: the receiving one once transferred, else the first responder's.
    public var department: String {
        ["transferred", "accepted", "replied", "returned"].contains(state)
            ? (receivingDepartment ?? firstResponderDepartment) : firstResponderDepartment
    }
}

public struct DeadlineDetails: Sendable {
    public var kind: String
    public var department: String
    public var startedAt: Date
    public var dueAt: Date
    public var state: String
    public var metAt: Date?
    public var breachedAt: Date?
    public var explanation: String
    /// Due times moved by calendar imports, oldest first (SPEC §4).
    public var moves: [DeadlineMoveDetails] = []
}

/// One move of a pending deadline's due time by a calendar import.
public struct DeadlineMoveDetails: Sendable {
    public var at: Date
    public var oldDueAt: Date
    public var newDueAt: Date
    /// The file imported.
    public var source: String
    /// The days of the deadline's span whose hours the import changed.
    public var changedDays: [LocalDate]
    public var by: String

    /// Why the due time moved, for people: `calendar import cn-2027.txt by root changed 2027-02-09, 2027-02-10`.
    public func reason(in language: Language) -> String {
        let days = changedDays.map(\.description).joined(separator: language == .zh ? "、" : ", ")
        switch language {
        case .en: return "calendar import \(source) by \(by) changed \(days)"
        case .zh: return "\(by) 导入日历 \(source)，变更了 \(days)"
        }
    }
}

public struct HopDetails: Sendable {
    public var sequence: Int
    public var action: String
    public var by: String
    public var actingRoot: Bool
    public var at: Date
    public var department: String?
    public var text: String
    public var subject: String?
    public var approvedBy: String?
    /// The matters told (`CODE@VERSION`, SPEC §12), part of the signed content.
    public var told: [String]
    public var hash: [UInt8]
}

/// Reading complaints: show, list, and the audit of their hop chains (R9).
public enum ComplaintQueries {
    /// A complaint's escalation level (R8): the highest of its own (explicit escalations, urgent filing) and of the
    /// escalations its breached deadlines caused, which the scheduler records without touching the complaint row.
    static let effectiveLevelSQL = """
        (ARRAY['none','qa','vp','gm'])[greatest(
            array_position(ARRAY['none','qa','vp','gm'], c.escalation_level),
            (SELECT max(array_position(ARRAY['none','qa','vp','gm'], e.level))
             FROM hotline.escalations e WHERE e.complaint_id = c.id))]
        """

    public static func show(_ id: String, on connection: PGConnection) throws -> ComplaintDetails? {
        guard Int64(id) != nil else { return nil }
        guard
            let row = try connection.query(
                """
                SELECT id, state, urgent, call_id, caller_name, caller_phone, caller_address, matter, category,
                    first_responder, first_responder_dept, responsible, receiving_dept, handler,
                    \(effectiveLevelSQL) AS escalation_level,
                    received_at, satisfaction, satisfaction_comment, closed_at, merged_into,
                    ARRAY(SELECT o.id::text FROM hotline.complaints o
                          WHERE o.caller_phone = c.caller_phone AND o.id <> c.id AND o.state = ANY($2::text[])
                          ORDER BY o.id) AS related
                FROM hotline.complaints c WHERE id = $1::bigint
                """,
                [id, CallerQueries.openStates]
            ).first
        else { return nil }
        var details = ComplaintDetails(
            id: id,
            state: try row.decode("state"),
            urgent: try row.decode("urgent"),
            callID: try row.decodeIfPresent("call_id"),
            callerName: try row.decodeIfPresent("caller_name"),
            callerPhone: try row.decodeIfPresent("caller_phone"),
            callerAddress: try row.decodeIfPresent("caller_address"),
            matter: try row.decode("matter"),
            category: try row.decodeIfPresent("category"),
            firstResponder: try row.decode("first_responder"),
            firstResponderDepartment: try row.decode("first_responder_dept"),
            responsible: try row.decode("responsible"),
            receivingDepartment: try row.decodeIfPresent("receiving_dept"),
            handler: try row.decodeIfPresent("handler"),
            escalationLevel: try row.decode("escalation_level"),
            receivedAt: try row.decode("received_at"),
            satisfaction: try row.decodeIfPresent("satisfaction"),
            satisfactionComment: try row.decodeIfPresent("satisfaction_comment"),
            closedAt: try row.decodeIfPresent("closed_at"),
            mergedInto: try row.decodeIfPresent("merged_into", as: Int64.self).map(String.init),
            related: try row.decode("related")
        )
        var moves: [Int64: [DeadlineMoveDetails]] = [:]
        for row in try connection.query(
            """
            SELECT m.deadline_id, m.at, m.old_due_at, m.new_due_at, m.source,
                array_to_string(m.changed_days, ' ') AS changed_days, m.by_login
            FROM hotline.deadline_moves m JOIN hotline.deadlines d ON d.id = m.deadline_id
            WHERE d.complaint_id = $1::bigint ORDER BY m.id
            """,
            [id]
        ) {
            let days: String = try row.decode("changed_days")
            moves[try row.decode("deadline_id"), default: []].append(
                DeadlineMoveDetails(
                    at: try row.decode("at"),
                    oldDueAt: try row.decode("old_due_at"),
                    newDueAt: try row.decode("new_due_at"),
                    source: try row.decode("source"),
                    changedDays: days.split(separator: " ").compactMap { LocalDate(string: String($0)) },
                    by: try row.decode("by_login")
                )
            )
        }
        details.deadlines = try connection.query(
            """
            SELECT id, kind, department, started_at, due_at, state, met_at, breached_at, explanation
            FROM hotline.deadlines WHERE complaint_id = $1::bigint AND state <> 'cancelled' ORDER BY started_at, id
            """,
            [id]
        ).map { row in
            DeadlineDetails(
                kind: try row.decode("kind"),
                department: try row.decode("department"),
                startedAt: try row.decode("started_at"),
                dueAt: try row.decode("due_at"),
                state: try row.decode("state"),
                metAt: try row.decodeIfPresent("met_at"),
                breachedAt: try row.decodeIfPresent("breached_at"),
                explanation: try row.decode("explanation"),
                moves: moves[try row.decode("id", as: Int64.self)] ?? []
            )
        }
        details.hops = try hops(of: id, on: connection)
        return details
    }

    static func hops(of id: String, on connection: PGConnection) throws -> [HopDetails] {
        try connection.query(
            """
            SELECT seq, action, by_login, acting_root, at, department, text, subject, approved_by, told,
                encode(hash, 'hex') AS hash
            FROM hotline.hops WHERE complaint_id = $1::bigint ORDER BY seq
            """,
            [id]
        ).map { row in
            HopDetails(
                sequence: try row.decode("seq"),
                action: try row.decode("action"),
                by: try row.decode("by_login"),
                actingRoot: try row.decode("acting_root"),
                at: try row.decode("at"),
                department: try row.decodeIfPresent("department"),
                text: try row.decode("text"),
                subject: try row.decodeIfPresent("subject"),
                approvedBy: try row.decodeIfPresent("approved_by"),
                told: try row.decode("told"),
                hash: Hex.decode(try row.decode("hash")) ?? []
            )
        }
    }

    /// Complaint ids matching the filters, newest first.
    public static func list(
        responsible: String?,
        department: String?,
        state: String?,
        overdueAt now: Date?,
        limit: Int,
        on connection: PGConnection
    ) throws -> [ComplaintDetails] {
        let ids = try connection.query(
            """
            SELECT c.id FROM hotline.complaints c
            WHERE ($1::text IS NULL OR c.responsible = $1 OR c.handler = $1)
              AND ($2::text IS NULL OR c.first_responder_dept = $2 OR c.receiving_dept = $2)
              AND ($3::text IS NULL OR c.state = $3)
              AND ($4::timestamptz IS NULL OR EXISTS (
                    SELECT 1 FROM hotline.deadlines d WHERE d.complaint_id = c.id
                      AND (d.state = 'breached' OR (d.state = 'pending' AND d.due_at <= $4))))
            ORDER BY c.received_at DESC, c.id DESC LIMIT $5
            """,
            [responsible, department, state, now, limit]
        ).map { String(try $0.decode("id", as: Int64.self)) }
        return try ids.compactMap { try show($0, on: connection) }
    }

    /// Recomputes the hop chain of one complaint, or of all, and returns the result of each checked complaint.
    public static func verify(_ id: String?, on connection: PGConnection) throws -> [(
        String, HopChain.VerificationResult
    )] {
        let rows = try connection.query(
            """
            SELECT id, encode(hop_head, 'hex') AS head FROM hotline.complaints
            WHERE $1::bigint IS NULL OR id = $1::bigint ORDER BY id
            """,
            [id.flatMap { Int64($0) }]
        )
        var results: [(String, HopChain.VerificationResult)] = []
        for row in rows {
            let complaint = String(try row.decode("id", as: Int64.self))
            let head = try row.decodeIfPresent("head", as: String.self).flatMap(Hex.decode)
            let chain = try hops(of: complaint, on: connection).map { hop in
                (
                    content: HopContent(
                        complaintID: complaint,
                        sequence: hop.sequence,
                        action: hop.action,
                        by: hop.by,
                        actingRoot: hop.actingRoot,
                        atMicroseconds: Int64((hop.at.timeIntervalSince1970 * 1_000_000).rounded()),
                        department: hop.department ?? "",
                        text: hop.text,
                        subject: hop.subject,
                        approvedBy: hop.approvedBy,
                        told: hop.told
                    ),
                    storedHash: hop.hash
                )
            }
            results.append((complaint, HopChain.verify(chain, head: head)))
        }
        return results
    }

    /// Every stored hop's hash by complaint and sequence (of complaint `id` only, when given), for comparing the
    /// database with the anchors written outside it (issue 17).
    ///
    /// With `complaints`, one page: the hops of at most that many complaints whose ids come after `after`, so that a
    /// year of hops is never one answer.
    public static func hopHashes(
        _ id: String?,
        after: String? = nil,
        complaints: Int? = nil,
        on connection: PGConnection
    ) throws -> [String: [Int: [UInt8]]] {
        var hashes: [String: [Int: [UInt8]]] = [:]
        if let id, Int64(id) == nil { return hashes }
        if let after, Int64(after) == nil { return hashes }
        let rows = try connection.query(
            """
            SELECT complaint_id, seq, encode(hash, 'hex') AS hash FROM hotline.hops
            WHERE ($1::bigint IS NULL OR complaint_id = $1::bigint)
              AND ($3::int IS NULL OR complaint_id IN (
                  SELECT id FROM hotline.complaints
                  WHERE $2::bigint IS NULL OR id > $2::bigint
                  ORDER BY id LIMIT $3::int
              ))
            """,
            [id.flatMap { Int64($0) }, after.flatMap { Int64($0) }, complaints]
        )
        for row in rows {
            let complaint = String(try row.decode("complaint_id", as: Int64.self))
            hashes[complaint, default: [:]][try row.decode("seq", as: Int.self)] =
                Hex.decode(try row.decode("hash")) ?? []
        }
        return hashes
    }
}

extension ComplaintQueries {
    /// The hops whose time is in `[from, to)` with their hashes, for a period's seal (issue 17). The order is the
    /// seal's own (``PeriodSeal/ordered(_:)`` sorts again, so the seal never depends on this query's order).
    public static func periodHops(from: Date, to: Date, on connection: PGConnection) throws -> [PeriodSeal.Hop] {
        let rows = try connection.query(
            """
            SELECT complaint_id, seq, encode(hash, 'hex') AS hash FROM hotline.hops
            WHERE at >= $1 AND at < $2 ORDER BY complaint_id, seq
            """,
            [from, to]
        )
        return try rows.map { row in
            PeriodSeal.Hop(
                complaintID: String(try row.decode("complaint_id", as: Int64.self)),
                sequence: try row.decode("seq", as: Int.self),
                hash: Hex.decode(try row.decode("hash")) ?? []
            )
        }
    }
}
