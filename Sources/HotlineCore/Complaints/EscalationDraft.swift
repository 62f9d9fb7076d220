/// An escalation record the workflow wants stored; QA tallies them per charged department (R8, R14).
public struct EscalationDraft: Sendable, Equatable, Hashable {
    /// Why the form went up; raw values are the `kind` field of `qa escalations`.
    public enum Kind: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
        case transferOverdue = "transfer_overdue"
        case replyOverdue = "reply_overdue"
        case explicit
        /// A return by the receiving department, counted against the department that sent it (R7).
        case misroute
    }

    public var kind: Kind
    /// The level reached; nil for a misroute, which is a count rather than a level.
    public var level: EscalationLevel?
    /// The department the escalation counts against.
    public var chargedDepartment: String
    /// Login of the person who escalated; nil when automatic.
    public var by: String?
    public var reason: String

    public init(kind: Kind, level: EscalationLevel?, chargedDepartment: String, by: String?, reason: String) {
        self.kind = kind
        self.level = level
        self.chargedDepartment = chargedDepartment
        self.by = by
        self.reason = reason
    }
}
