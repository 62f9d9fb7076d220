/// The complaint rules as a pure decision: given a complaint, who acts and what they ask, either a ``Refusal``
/// naming the rule or role that forbids it, or the ``ComplaintTransition`` to record. No clock, no storage.
///
/// Checks run in a fixed order so that refusals are predictable: first the state (SPEC §2), then who may act,
/// then the inputs. Permission comes from the person's relation to the case (responsible person, first
/// responder, staff of the receiving department, coordination office) and from roles: a supervisor may do what
/// the first responder's side or the receiving department may; qa may urge, escalate and record feedback; admin
/// (and root, and the daemon) passes every permission check. No one bypasses the state and input rules.
public enum ComplaintWorkflow {
    /// Filing a new complaint (R1) for `firstResponder`, normally the filer themself (R2).
    ///
    /// Starts the transfer deadline from the moment the complaint was received (R4). An urgent complaint (R12)
    /// is escalated at once: an explicit escalation at level `vp` (the on-duty leader acts for the deputy general
    /// manager), charged to the first responder's department, with a notice to the on-duty leader.
    public static func filing(
        id: String,
        matter: String,
        urgent: Bool,
        firstResponder: StaffMember,
        by actor: ActingStaff,
        policy: WorkflowPolicy
    ) throws(Refusal) -> ComplaintTransition {
        let isOverride = actor.staff.has(.supervisor) || actor.staff.has(.admin)
        guard actor.login == firstResponder.login || isOverride else {
            throw Refusal(
                rule: "R2",
                code: .notPermitted,
                zh: "只有首问责任人（\(firstResponder.login)）或领导可以登记此投诉",
                en: "only the first responder (\(firstResponder.login)) or a supervisor may file this complaint"
            )
        }
        let matter = try requireText(
            matter,
            rule: "R1",
            zh: "投诉必须记录反映的事项（--matter）",
            en: "a complaint must record the matter complained about (--matter)"
        )
        var after = ComplaintSnapshot(
            id: id,
            urgent: urgent,
            firstResponder: firstResponder.login,
            firstResponderDepartment: firstResponder.department
        )
        var transition = ComplaintTransition(
            previousState: nil,
            after: after,
            hops: [HopDraft(.filed, by: actor, text: matter, subject: firstResponder.login)],
            deadlineChanges: [.create(.transfer, from: .received, urgent: urgent)]
        )
        if urgent {
            after.escalationLevel = .vp
            transition.after = after
            transition.hops.append(HopDraft(.escalated, by: actor, text: "R12", subject: EscalationLevel.vp.rawValue))
            transition.escalations.append(
                EscalationDraft(
                    kind: .explicit,
                    level: .vp,
                    chargedDepartment: firstResponder.department,
                    by: nil,
                    reason: "R12"
                )
            )
            transition.notices.append(
                Notice(
                    to: .onDutyLeader,
                    topic: .urgentComplaint,
                    message: LocalizedText(
                        zh: "紧急重大投诉 \(id)（首问：\(firstResponder.name)，\(firstResponder.department)）：\(matter)",
                        en: "Urgent complaint \(id) (first responder \(firstResponder.name), "
                            + "\(firstResponder.department)): \(matter)"
                    )
                )
            )
        }
        return transition
    }

    /// Decides whether `actor` may take `action` on `complaint`, and what follows if so.
    ///
    /// `departmentExists` answers whether a department code is on the department list (for transfers and
    /// re-routes); it is not stored.
    public static func decide(
        _ action: ComplaintAction,
        on complaint: ComplaintSnapshot,
        by actor: ActingStaff,
        policy: WorkflowPolicy,
        departmentExists: (String) -> Bool
    ) throws(Refusal) -> ComplaintTransition {
        let context = Context(complaint: complaint, actor: actor, policy: policy)
        switch action {
        case .resolve(let answer, let told):
            return try context.resolve(answer: answer, told: told)
        case .transfer(let department, let reason):
            return try context.transfer(to: department, reason: reason, departmentExists: departmentExists)
        case .accept(let handler):
            return try context.accept(handler: handler)
        case .returnToCoordination(let reason):
            return try context.returnToCoordination(reason: reason)
        case .reroute(let department, let reason):
            return try context.reroute(to: department, reason: reason, departmentExists: departmentExists)
        case .reply(let result):
            return try context.reply(result: result)
        case .urge(let note):
            return try context.urge(note: note)
        case .escalate(let level, let reason):
            return try context.escalate(to: level, reason: reason)
        case .handover(let recipient, let approver):
            return try context.handover(to: recipient, approvedBy: approver)
        case .extend(let allowance, let reason, let approver):
            return try context.extend(by: allowance, reason: reason, approvedBy: approver)
        case .feedback(let satisfaction, let comment):
            return try context.feedback(satisfaction: satisfaction, comment: comment)
        case .close(let reason):
            return try context.close(reason: reason)
        }
    }

    /// One decision's inputs, so that the per-action rules can share them.
    struct Context {
        let complaint: ComplaintSnapshot
        let actor: ActingStaff
        let policy: WorkflowPolicy
        let capacities: Set<Capacity>

        init(complaint: ComplaintSnapshot, actor: ActingStaff, policy: WorkflowPolicy) {
            self.complaint = complaint
            self.actor = actor
            self.policy = policy
            self.capacities = Capacity.of(actor, on: complaint, policy: policy)
        }

        var id: String { complaint.id }

        /// A transition from the current complaint to `after`, with the given records.
        func transition(
            to after: ComplaintSnapshot,
            hops: [HopDraft],
            deadlineChanges: [DeadlineChange] = [],
            escalations: [EscalationDraft] = [],
            notices: [Notice] = [],
            redo: Bool = false
        ) -> ComplaintTransition {
            ComplaintTransition(
                previousState: complaint.state,
                after: after,
                hops: hops,
                deadlineChanges: deadlineChanges,
                escalations: escalations,
                notices: Self.withoutRepeats(notices),
                redo: redo
            )
        }

        /// Drops repeated notices to the same recipient about the same topic (the first responder may also be the
        /// responsible person, QA may also be the sending department), keeping the first.
        static func withoutRepeats(_ notices: [Notice]) -> [Notice] {
            var kept: [Notice] = []
            for notice in notices {
                let repeated = kept.contains { $0.recipient == notice.recipient && $0.topic == notice.topic }
                if !repeated {
                    kept.append(notice)
                }
            }
            return kept
        }
    }
}
