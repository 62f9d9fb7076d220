/// What an accepted action does: the complaint afterwards and everything the store must record and announce.
///
/// The store applies it in one database transaction: update the complaint to ``after``, append ``hops`` in
/// order (chained, R9), apply ``deadlineChanges``, insert ``escalations`` and queue ``notices``.
public struct ComplaintTransition: Sendable, Equatable {
    /// The state before the action; nil when the complaint is being filed.
    public var previousState: ComplaintState?
    /// The complaint after the action.
    public var after: ComplaintSnapshot
    /// The hops to record, in order; never empty.
    public var hops: [HopDraft]
    public var deadlineChanges: [DeadlineChange]
    public var escalations: [EscalationDraft]
    public var notices: [Notice]
    /// A low satisfaction sent the case back for a redo (R16).
    public var redo: Bool

    public init(
        previousState: ComplaintState?,
        after: ComplaintSnapshot,
        hops: [HopDraft],
        deadlineChanges: [DeadlineChange] = [],
        escalations: [EscalationDraft] = [],
        notices: [Notice] = [],
        redo: Bool = false
    ) {
        self.previousState = previousState
        self.after = after
        self.hops = hops
        self.deadlineChanges = deadlineChanges
        self.escalations = escalations
        self.notices = notices
        self.redo = redo
    }

    public var newState: ComplaintState { after.state }
    /// The main hop: the first one recorded.
    public var hop: HopDraft { hops[0] }
    public var newEscalationLevel: EscalationLevel { after.escalationLevel }
    public var newReceivingDepartment: String? { after.receivingDepartment }
    public var newHandler: String? { after.handler }
    public var newResponsible: String { after.responsibleLogin }
}
