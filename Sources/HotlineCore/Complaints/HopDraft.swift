/// A hop the workflow wants recorded; the store adds the sequence number, the time and the chain hash (R9).
public struct HopDraft: Sendable, Equatable, Hashable {
    public var action: HopAction
    /// Login of the person who signs the hop.
    public var by: String
    /// Root did it with `--as` for `by`.
    public var actingRoot: Bool
    /// The signer's department (签章): whose stamp the hop carries.
    public var department: String
    /// The free text of the step: answer, reason, result, note, or a short description for automatic hops.
    public var text: String
    /// The department, person or level the hop points to (transfer target, new handler, escalation level…).
    public var subject: String?
    /// Login of the approving leader (R11, R15).
    public var approvedBy: String?
    /// The knowledge-base matters told to the caller in this step (SPEC §12), each with its version.
    public var told: [MatterReference] = []

    public init(
        action: HopAction,
        by: String,
        actingRoot: Bool,
        department: String,
        text: String,
        subject: String? = nil,
        approvedBy: String? = nil
    ) {
        self.action = action
        self.by = by
        self.actingRoot = actingRoot
        self.department = department
        self.text = text
        self.subject = subject
        self.approvedBy = approvedBy
    }

    /// A hop signed by `actor`, stamped with their department.
    public init(
        _ action: HopAction,
        by actor: ActingStaff,
        text: String,
        subject: String? = nil,
        approvedBy: String? = nil
    ) {
        self.init(
            action: action,
            by: actor.login,
            actingRoot: actor.actingRoot,
            department: actor.department,
            text: text,
            subject: subject,
            approvedBy: approvedBy
        )
    }
}
