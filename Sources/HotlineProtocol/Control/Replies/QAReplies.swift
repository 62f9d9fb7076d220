/// One row of `qa escalations` (R8, SPEC §6): an escalation or misroute, oldest first.
public struct QAEscalationRow: ControlReply, Equatable {
    public var complaint: String
    /// `transfer_overdue`, `reply_overdue`, `misroute`, … as the escalation was recorded.
    public var kind: String
    /// `qa`, `vp`, `gm`, or null for a misroute.
    public var level: String?
    public var department: String
    /// RFC 3339 in the centre's time zone.
    public var at: String
    /// Who escalated, null when the daemon did (a breach).
    public var by: String?

    public init(complaint: String, kind: String, level: String?, department: String, at: String, by: String?) {
        self.complaint = complaint
        self.kind = kind
        self.level = level
        self.department = department
        self.at = at
        self.by = by
    }
}

/// One row of the call register's answer rate (`qa calls`, sql/008): the whole hotline first, then each queue.
public struct QACallAnswerRow: ControlReply, Equatable {
    /// `hotline` for the whole hotline, `queue` for one queue.
    public var scope: String
    /// The queue's name; null for the whole hotline and for calls without a queue.
    public var queue: String?
    public var offered: Int
    public var answered: Int
    /// answered / offered with four decimals, null when nothing was offered.
    public var answerRate: Double?

    public init(scope: String, queue: String?, offered: Int, answered: Int, answerRate: Double?) {
        self.scope = scope
        self.queue = queue
        self.offered = offered
        self.answered = answered
        self.answerRate = answerRate
    }

    enum CodingKeys: String, CodingKey {
        case scope, queue, offered, answered, answerRate = "answer_rate"
    }
}
