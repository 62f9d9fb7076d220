/// Someone to be told something because of an action (SPEC §10): written to the outbox in the transaction of the
/// action, read in `hotlinectl inbox`, and carried beyond the terminal by hotline-notifier.
public struct Notice: Sendable, Equatable {
    /// Who is to be told: a person, a department (its members) or everyone holding a role.
    public enum Recipient: Sendable, Equatable, Hashable {
        case staff(String)
        case department(String)
        case role(Role)
        /// The leader on duty (值班领导) when the notice is written, from the duty roster; with nobody on duty,
        /// every `vp` (R12).
        case onDutyLeader
    }

    /// What the notice is about, stable for filters and scripts.
    public enum Topic: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
        case urgentComplaint = "urgent_complaint"
        case transferred
        case handlerAssigned = "handler_assigned"
        case returned
        case rerouted
        case replyFeedback = "reply_feedback"
        case urged
        case escalated
        case newResponsiblePerson = "new_responsible_person"
        case extended
        case redo
        case lowSatisfaction = "low_satisfaction"
        /// A deadline's warning (SPEC §3).
        case deadlineWarning = "deadline_warning"
        /// A deadline breached.
        case deadlineBreach = "deadline_breach"
        /// An urgent notice nobody read within `[policy] urgent_read_within`, sent on to the general managers.
        case urgentUnread = "urgent_unread"
        /// A duplicate closed into the case that carries on (SPEC §12): whoever was working on it.
        case merged
    }

    public var recipient: Recipient
    public var topic: Topic
    public var message: LocalizedText

    public init(to recipient: Recipient, topic: Topic, message: LocalizedText) {
        self.recipient = recipient
        self.topic = topic
        self.message = message
    }
}
