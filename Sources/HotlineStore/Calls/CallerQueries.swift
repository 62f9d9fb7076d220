import Foundation
import HotlineCore
import HotlineProtocol

/// A caller's complaint in brief, for `caller show`.
public struct CallerComplaint: Sendable, Equatable {
    public var id: String
    public var state: String
    public var department: String
    public var matter: String
    public var receivedAt: Date
    public var callID: String?
    public var callerName: String?

    /// Still being worked on: not answered on the spot, not replied, not closed. A resolved or replied case waits
    /// only for feedback, so a new call about it is not a repeat of an unanswered matter.
    public var isOpen: Bool { CallerQueries.openStates.contains(state) }
}

/// What the centre knows of one number (SPEC §12): the register's calls and the complaints filed for it. Numbers
/// are compared in the register's normal form (``PhoneNumber/normalized``), which both tables keep.
public enum CallerQueries {
    /// The states of a complaint still being worked on (see ``CallerComplaint/isOpen``).
    public static let openStates = ["open", "transferred", "accepted", "returned"]

    /// The number's complaints, open ones first, newest first within each group.
    public static func complaints(of phone: PhoneNumber, limit: Int, on connection: PGConnection) throws
        -> [CallerComplaint]
    {
        try connection.query(
            """
            SELECT id, state, matter, received_at, call_id, caller_name,
                CASE WHEN state IN ('transferred', 'accepted', 'replied', 'returned')
                     THEN coalesce(receiving_dept, first_responder_dept) ELSE first_responder_dept END AS department
            FROM hotline.complaints
            WHERE caller_phone = $1
            ORDER BY state <> ALL($3::text[]), received_at DESC, id DESC
            LIMIT $2
            """,
            [phone.normalized, limit, openStates]
        ).map { row in
            CallerComplaint(
                id: String(try row.decode("id", as: Int64.self)),
                state: try row.decode("state"),
                department: try row.decode("department"),
                matter: try row.decode("matter"),
                receivedAt: try row.decode("received_at"),
                callID: try row.decodeIfPresent("call_id"),
                callerName: try row.decodeIfPresent("caller_name")
            )
        }
    }

    /// The number's calls, newest first.
    public static func calls(of phone: PhoneNumber, limit: Int, on connection: PGConnection) throws -> [CallSummary] {
        try connection.query(
            """
            SELECT \(CallQueries.columns) FROM hotline.calls WHERE caller_number = $1
            ORDER BY COALESCE(offered_at, answered_at, ended_at) DESC NULLS LAST, call_id
            LIMIT $2
            """,
            [phone.normalized, limit]
        ).map(CallQueries.decode)
    }
}
