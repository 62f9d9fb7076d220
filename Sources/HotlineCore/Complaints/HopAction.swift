/// The kinds of signed hop on a complaint form (R9); raw values are the `action` field of `complaint show`.
public enum HopAction: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    case filed
    case resolved
    case transferred
    /// The copy of a transfer sent to QA at the same time (R4, 同时传报给质检部).
    case copiedToQA = "copied_to_qa"
    case accepted
    case returned
    case rerouted
    case replied
    case urged
    case escalated
    case handedOver = "handed_over"
    case extended
    case feedback
    /// A low satisfaction sent the case back to the department that replied (R16).
    case redo
    case closed
    /// The complaint was a duplicate, closed into the case that carries on (并单, SPEC §12); subject: that case.
    case merged
    /// A duplicate was merged into this case; subject: the duplicate.
    case mergedIn = "merged_in"
}
