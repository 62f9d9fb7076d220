/// Everything a transition is decided against: the workflow's rules and allowances, the deadline policy and the
/// working calendar. The daemon builds it from its configuration; the store only carries out what it decides.
public struct ComplaintContext: Sendable {
    public var workflow: WorkflowPolicy
    public var deadlines: DeadlinePolicy
    public var calendar: WorkCalendar

    public init(workflow: WorkflowPolicy, deadlines: DeadlinePolicy, calendar: WorkCalendar) {
        self.workflow = workflow
        self.deadlines = deadlines
        self.calendar = calendar
    }
}
