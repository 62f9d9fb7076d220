/// The counts of a department's row in QA's figures (SPEC §6 `qa stats`, sql/006), in the order the row, the CSV
/// and the tables give them: what was received and how it was handled, then breaches, misroutes, escalations,
/// extensions and redos.
public enum QACount: String, Sendable, CaseIterable, Codable, Hashable {
    case received
    case resolvedOnSpot = "resolved_on_spot"
    case transferredOut = "transferred_out"
    case transferredIn = "transferred_in"
    case repliedInTime = "replied_in_time"
    case repliedLate = "replied_late"
    case transferOverdue = "transfer_overdue"
    case replyOverdue = "reply_overdue"
    case misroutes
    case escalationsQA = "escalations_qa"
    case escalationsVP = "escalations_vp"
    case escalationsGM = "escalations_gm"
    case extensions
    case redos

    /// The JSON, CSV and SQL field.
    public var field: String { rawValue }
}
