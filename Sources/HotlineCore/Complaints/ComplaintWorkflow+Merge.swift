/// Merging a duplicate complaint into the case that carries on (并单, SPEC §12).
extension ComplaintWorkflow {
    /// What a merge records: the duplicate closed with a `merged` hop and its pending deadlines cancelled (so QA
    /// counts no breach of them), and a `merged_in` hop on the case that carries on.
    public struct Merge: Sendable, Equatable {
        public var duplicate: ComplaintTransition
        public var survivor: ComplaintTransition
    }

    /// The rule of SPEC §12 for `complaint merge DUPLICATE --into SURVIVOR --reason TEXT`: by the duplicate's
    /// responsible person or a supervisor (admin passes), never into itself, never from or into a closed case, and
    /// never in a cycle (`survivorMergedInto`: the case the survivor was itself merged into, if any).
    public static func merge(
        _ duplicate: ComplaintSnapshot,
        into survivor: ComplaintSnapshot,
        survivorMergedInto: String?,
        reason: String,
        by actor: ActingStaff,
        policy: WorkflowPolicy
    ) throws(Refusal) -> Merge {
        let rule = "§12"
        guard duplicate.id != survivor.id else {
            throw Refusal(
                rule: rule,
                code: .invalidTransition,
                zh: "投诉 \(duplicate.id) 不能并入自身",
                en: "complaint \(duplicate.id) cannot be merged into itself"
            )
        }
        if survivorMergedInto == duplicate.id {
            throw Refusal(
                rule: rule,
                code: .invalidTransition,
                zh: "投诉 \(survivor.id) 已并入 \(duplicate.id)，反向并单会形成循环",
                en: "complaint \(survivor.id) was merged into \(duplicate.id); merging back would make a cycle"
            )
        }
        for complaint in [duplicate, survivor] where complaint.state == .closed {
            throw Refusal(
                rule: rule,
                code: .invalidTransition,
                zh: "投诉 \(complaint.id) 已办结，不能并单",
                en: "complaint \(complaint.id) is closed and cannot take part in a merge"
            )
        }
        let context = Context(complaint: duplicate, actor: actor, policy: policy)
        try context.require(
            [.responsible, .supervisor],
            otherwise: Refusal(
                rule: rule,
                code: .notPermitted,
                zh: "只有投诉 \(duplicate.id) 的责任人（\(duplicate.responsibleLogin)）或领导可以并单",
                en: "only the person responsible for complaint \(duplicate.id) (\(duplicate.responsibleLogin)) or a "
                    + "supervisor may merge it"
            )
        )
        let reason = try requireText(
            reason,
            rule: rule,
            zh: "并单须说明理由（--reason）",
            en: "a merge needs a reason (--reason)"
        )
        var closed = duplicate
        closed.state = .closed
        let duplicateTransition = ComplaintTransition(
            previousState: duplicate.state,
            after: closed,
            hops: [HopDraft(.merged, by: actor, text: reason, subject: survivor.id)],
            deadlineChanges: [.cancel(.transfer), .cancel(.accept), .cancel(.reply)],
            notices: mergeNotices(duplicate, into: survivor, reason: reason, by: actor, policy: policy)
        )
        let survivorTransition = ComplaintTransition(
            previousState: survivor.state,
            after: survivor,
            hops: [HopDraft(.mergedIn, by: actor, text: reason, subject: duplicate.id)]
        )
        return Merge(duplicate: duplicateTransition, survivor: survivorTransition)
    }

    /// Whoever was working on the duplicate learns that it closed and where the matter carries on, so that nobody
    /// keeps working, or calls the caller back, on a closed case: the department holding it (transferred or
    /// accepted) and its handler, the coordination office for a returned case, and the responsible person unless
    /// they merged it themselves. SPEC §10 names no one for a merge; these are the people its table names for the
    /// states the case can be in.
    static func mergeNotices(
        _ duplicate: ComplaintSnapshot,
        into survivor: ComplaintSnapshot,
        reason: String,
        by actor: ActingStaff,
        policy: WorkflowPolicy
    ) -> [Notice] {
        var recipients: [Notice.Recipient] = []
        switch duplicate.state {
        case .transferred, .accepted:
            if let receiving = duplicate.receivingDepartment { recipients.append(.department(receiving)) }
            if let handler = duplicate.handler { recipients.append(.staff(handler)) }
        case .returned:
            recipients.append(.department(policy.coordinationDepartment))
        case .open, .resolved, .replied, .closed:
            break
        }
        if duplicate.responsibleLogin != actor.login { recipients.append(.staff(duplicate.responsibleLogin)) }
        let message = LocalizedText(
            zh: "投诉 \(duplicate.id) 已作为重复件并入投诉 \(survivor.id)，请停止办理 \(duplicate.id)，在 \(survivor.id) 中跟进："
                + reason,
            en: "Complaint \(duplicate.id) was merged into complaint \(survivor.id) as a duplicate: stop work on "
                + "\(duplicate.id) and follow \(survivor.id) instead: \(reason)"
        )
        var seen: Set<Notice.Recipient> = []
        return recipients.filter { seen.insert($0).inserted }.map { Notice(to: $0, topic: .merged, message: message) }
    }
}
