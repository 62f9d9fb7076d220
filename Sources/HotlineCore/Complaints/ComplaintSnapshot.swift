/// The facts about one complaint that the workflow rules decide on; the store loads it before each action.
public struct ComplaintSnapshot: Sendable, Equatable, Hashable, Codable {
    public var id: String
    public var state: ComplaintState
    /// Marked urgent (紧急重大事项, R12): escalated at once, shorter timers.
    public var urgent: Bool
    /// Login of the first responder (首问责任人, R2); never changes.
    public var firstResponder: String
    /// The first responder's department when the complaint was filed (首问单位).
    public var firstResponderDepartment: String
    /// Login of the person now responsible towards the caller: the first responder, or whoever the case was
    /// handed over to with a leader's approval (R11).
    public var responsibleLogin: String
    /// The department the case was last transferred or re-routed to; kept after a return, so that it names
    /// the department that returned it.
    public var receivingDepartment: String?
    /// Login of the handler the receiving department named (R5); cleared on a return.
    public var handler: String?
    public var escalationLevel: EscalationLevel
    /// Whether the caller's satisfaction was recorded (R13, once per complaint).
    public var satisfactionGiven: Bool
    public var redoCount: Int
    /// Transfers and re-routes so far.
    public var transferCount: Int
    public var returnCount: Int

    public init(
        id: String,
        state: ComplaintState = .open,
        urgent: Bool = false,
        firstResponder: String,
        firstResponderDepartment: String,
        responsibleLogin: String? = nil,
        receivingDepartment: String? = nil,
        handler: String? = nil,
        escalationLevel: EscalationLevel = .none,
        satisfactionGiven: Bool = false,
        redoCount: Int = 0,
        transferCount: Int = 0,
        returnCount: Int = 0
    ) {
        self.id = id
        self.state = state
        self.urgent = urgent
        self.firstResponder = firstResponder
        self.firstResponderDepartment = firstResponderDepartment
        self.responsibleLogin = responsibleLogin ?? firstResponder
        self.receivingDepartment = receivingDepartment
        self.handler = handler
        self.escalationLevel = escalationLevel
        self.satisfactionGiven = satisfactionGiven
        self.redoCount = redoCount
        self.transferCount = transferCount
        self.returnCount = returnCount
    }

    /// The department that sent the case to its receiving department (发单部门): the first responder's
    /// department, or the coordination office once it has re-routed a returned case.
    public func sendingDepartment(policy: WorkflowPolicy) -> String {
        returnCount > 0 ? policy.coordinationDepartment : firstResponderDepartment
    }
}
