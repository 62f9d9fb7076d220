/// A step someone asks to take on a complaint; one case per `hotlinectl complaint` verb (SPEC §6).
///
/// People named by an action (a handler, a handover recipient, an approver) come as resolved ``StaffMember``
/// values: looking a login up is the store's job, and an unknown login is "not found", not a rule refusal.
public enum ComplaintAction: Sendable, Equatable {
    /// Answer on the spot (R3); `told`: the knowledge-base matters told to the caller (SPEC §12), in the hop.
    case resolve(answer: String, told: [MatterReference] = [])
    /// Send to the responsible department with a reason (R4).
    case transfer(to: String, reason: String)
    /// The receiving department takes the case and names its handler; nil names the acting person (R5).
    case accept(handler: StaffMember?)
    /// The receiving department sends the case back as not theirs (R7).
    case returnToCoordination(reason: String)
    /// The coordination office sends a returned case to the right department (R7).
    case reroute(to: String, reason: String)
    /// The receiving department's reply to the caller (R6).
    case reply(result: String)
    /// The first responder presses the handling department (R10, 催办).
    case urge(note: String?)
    /// Take the form up to QA, the deputy general manager or the general manager (R8).
    case escalate(to: EscalationLevel, reason: String)
    /// Give the case to another responsible person with a leader's approval (R11).
    case handover(to: StaffMember, approvedBy: StaffMember)
    /// More time for the reply, approved by a leader (R15).
    case extend(by: Allowance, reason: String, approvedBy: StaffMember)
    /// The caller's satisfaction, 1 to 5, with an optional comment (R13).
    case feedback(satisfaction: Int, comment: String?)
    /// Close a resolved or replied case.
    case close(reason: CloseReason)

    /// Why a case is closed without a feedback action.
    public enum CloseReason: String, Sendable, Equatable, Codable {
        /// The configured quiet period after the answer or reply passed without feedback.
        case quietPeriod = "quiet_period"
        /// Feedback was recorded already (feedback normally closes the case itself).
        case feedback
    }

    /// The `hotlinectl complaint` verb for this action, used in messages.
    public var verb: String {
        switch self {
        case .resolve: return "resolve"
        case .transfer: return "transfer"
        case .accept: return "accept"
        case .returnToCoordination: return "return"
        case .reroute: return "reroute"
        case .reply: return "reply"
        case .urge: return "urge"
        case .escalate: return "escalate"
        case .handover: return "handover"
        case .extend: return "extend"
        case .feedback: return "feedback"
        case .close: return "close"
        }
    }

    /// The rule an action belongs to; refusals of it cite this rule.
    public var rule: String {
        switch self {
        case .resolve: return "R3"
        case .transfer: return "R4"
        case .accept: return "R5"
        case .returnToCoordination, .reroute: return "R7"
        case .reply: return "R6"
        case .urge: return "R10"
        case .escalate: return "R8"
        case .handover: return "R11"
        case .extend: return "R15"
        case .feedback, .close: return "R13"
        }
    }
}
