/// Where a complaint stands in the first-inquiry workflow (SPEC §2).
public enum ComplaintState: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
    /// With the first responder, neither resolved nor transferred yet.
    case open
    /// Answered on the spot by the first responder's side (R3); waiting for feedback or the quiet period.
    case resolved
    /// Sent to a receiving department (R4) or re-routed there by the coordination office (R7).
    case transferred
    /// The receiving department named a handler (R5).
    case accepted
    /// Sent back by the receiving department as not theirs (R7); the coordination office re-routes it.
    case returned
    /// The receiving department replied to the caller (R6); waiting for feedback or the quiet period.
    case replied
    /// Finished, by feedback or after the quiet period; nothing more is recorded on it.
    case closed

    /// True only for `closed`: no escalation, handover or other action applies any more.
    public var isFinal: Bool { self == .closed }

    /// The state's name in both languages, for refusals and listings.
    public var label: LocalizedText {
        switch self {
        case .open: return LocalizedText(zh: "首问受理中", en: "open")
        case .resolved: return LocalizedText(zh: "已当场答复", en: "resolved")
        case .transferred: return LocalizedText(zh: "已转交", en: "transferred")
        case .accepted: return LocalizedText(zh: "已受理", en: "accepted")
        case .returned: return LocalizedText(zh: "已退回", en: "returned")
        case .replied: return LocalizedText(zh: "已答复", en: "replied")
        case .closed: return LocalizedText(zh: "已办结", en: "closed")
        }
    }
}
