/// What an action does to a complaint's deadlines (SPEC §3); the deadline service carries it out.
///
/// The workflow knows no clock and no calendar: it says which deadline starts, is met, moves or is withdrawn,
/// and the deadline service computes due times from the configured allowance for that kind.
public enum DeadlineChange: Sendable, Equatable {
    /// Start a deadline of `kind`, counted `from` the given moment, with the configured allowance; `urgent`
    /// complaints use the shorter urgent scale (R12).
    case create(Kind, from: Start, urgent: Bool)
    /// The pending deadline of `kind` is met now.
    case meet(Kind)
    /// Move the pending deadline of `kind` later by an approved allowance (R15). A breach already fired stays.
    case extend(Kind, by: Allowance)
    /// Withdraw the pending deadline of `kind` without a breach (the case left the department that owed it).
    case cancel(Kind)

    /// The deadlines a complaint can have.
    public enum Kind: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
        /// Resolve or transfer within 1 hour of receipt (R4).
        case transfer
        /// The receiving department names a handler (R5).
        case accept
        /// The receiving department replies within 1 working day (R6).
        case reply
    }

    /// Where a new deadline's clock starts.
    public enum Start: String, Sendable, Equatable, Hashable, Codable {
        /// When the complaint was received: the linked call's answer time, else the filing time (R4).
        case received
        /// The moment the action is recorded.
        case now
    }
}
