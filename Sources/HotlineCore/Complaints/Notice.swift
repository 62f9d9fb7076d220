/// Someone to be told something because of an action; the daemon delivers it (watch stream, notification
/// command) and, for the caller, puts it on the list of calls to make.
public struct Notice: Sendable, Equatable {
    /// Who is to be told.
    public enum Recipient: Sendable, Equatable, Hashable {
        case staff(String)
        /// Everyone on duty for the department.
        case department(String)
        /// The department's head (负责人).
        case departmentHead(String)
        /// The person who complained.
        case caller
        /// The leader on duty (值班领导), for urgent complaints (R12).
        case onDutyLeader
        /// The deputy general manager or general manager an escalation reached (R8).
        case leader(EscalationLevel)
    }

    /// What the notice is about, stable for filters and scripts.
    public enum Topic: String, Sendable, Equatable, Hashable, CaseIterable, Codable {
        case urgentComplaint = "urgent_complaint"
        case transferred
        case copiedToQA = "copied_to_qa"
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
