/// Keeping a case moving and answerable: urging (R10), escalation (R8), handover (R11) and extension (R15).
extension ComplaintWorkflow.Context {
    func urge(note: String?) throws(Refusal) -> ComplaintTransition {
        let receiving = complaint.receivingDepartment ?? ""
        switch complaint.state {
        case .transferred, .accepted:
            break
        case .open, .resolved, .returned, .replied, .closed:
            throw Refusal(
                rule: "R10",
                code: .invalidTransition,
                zh: "只有已转交、等待承办部门答复的投诉才能催办；投诉 \(id) 当前状态为“\(complaint.state.label.zh)”",
                en: "only a case waiting for its receiving department (transferred or accepted) can be urged; "
                    + "complaint \(id) is \(complaint.state.rawValue)"
            )
        }
        try require(
            [.firstResponder, .responsible, .supervisor, .qa],
            otherwise: Refusal(
                rule: "R10",
                code: .notPermitted,
                zh: "只有首问责任人、现责任人、领导或质检部可以催办投诉 \(id)",
                en: "only the first responder, the responsible person, a supervisor or QA may urge complaint \(id)"
            )
        )
        let note = ComplaintWorkflow.trimmed(note ?? "")
        let message = LocalizedText(
            zh: "催办：投诉 \(id) 请尽快答复来电人" + (note.isEmpty ? "" : "（\(note)）"),
            en: "Urging: please reply to the caller of complaint \(id) now" + (note.isEmpty ? "" : " (\(note))")
        )
        var notices = [Notice(to: .department(receiving), topic: .urged, message: message)]
        if let handler = complaint.handler {
            notices.append(Notice(to: .staff(handler), topic: .urged, message: message))
        }
        return transition(
            to: complaint,
            hops: [HopDraft(.urged, by: actor, text: note, subject: receiving)],
            notices: notices
        )
    }

    /// An explicit escalation is charged to the department holding the case: the receiving department while it
    /// has the case (transferred, accepted, replied), otherwise the first responder's department.
    func escalate(to level: EscalationLevel, reason: String) throws(Refusal) -> ComplaintTransition {
        guard !complaint.state.isFinal else {
            throw Refusal(
                rule: "R8",
                code: .invalidTransition,
                zh: "投诉 \(id) 已办结，不能再升级",
                en: "complaint \(id) is closed and can no longer be escalated"
            )
        }
        try require(
            [.responsible, .firstResponder, .receiving, .coordination, .supervisor, .qa],
            otherwise: Refusal(
                rule: "R8",
                code: .notPermitted,
                zh: "只有经办此投诉的人员、领导或质检部可以将投诉 \(id) 升级",
                en: "only staff working on complaint \(id), a supervisor or QA may escalate it"
            )
        )
        guard level != .none else {
            throw Refusal(
                rule: "R8",
                code: .outOfRange,
                zh: "升级须指定 qa、vp 或 gm",
                en: "an escalation goes to qa, vp or gm"
            )
        }
        guard level > complaint.escalationLevel else {
            let current = complaint.escalationLevel
            throw Refusal(
                rule: "R8",
                code: .notAnIncrease,
                zh: "投诉 \(id) 已升级至\(current.label.zh)；升级只能逐级向上（质检部 < 分管副总经理 < 总经理）",
                en: "complaint \(id) has already reached \(current.label.en) (\(current.rawValue)); an escalation only "
                    + "goes up: qa < vp < gm"
            )
        }
        let reason = try ComplaintWorkflow.requireText(
            reason,
            rule: "R8",
            zh: "升级必须说明理由（--reason）",
            en: "an escalation needs a reason (--reason)"
        )
        let charged: String
        switch complaint.state {
        case .transferred, .accepted, .replied:
            charged = complaint.receivingDepartment ?? complaint.firstResponderDepartment
        case .open, .resolved, .returned, .closed:
            charged = complaint.firstResponderDepartment
        }
        var after = complaint
        after.escalationLevel = level
        let recipient: Notice.Recipient
        switch level {
        case .qa, .none: recipient = .department(policy.qaDepartment)
        case .vp: recipient = .role(.vp)
        case .gm: recipient = .role(.gm)
        }
        return transition(
            to: after,
            hops: [HopDraft(.escalated, by: actor, text: reason, subject: level.rawValue)],
            escalations: [
                EscalationDraft(
                    kind: .explicit,
                    level: level,
                    chargedDepartment: charged,
                    by: actor.login,
                    reason: reason
                )
            ],
            notices: [
                Notice(
                    to: recipient,
                    topic: .escalated,
                    message: LocalizedText(
                        zh: "投诉 \(id) 矛盾升级至\(level.label.zh)（涉及 \(charged)）：\(reason)",
                        en: "Complaint \(id) was escalated to \(level.label.en) (department \(charged)): \(reason)"
                    )
                )
            ]
        )
    }

    /// Only the responsible person asks, and another person with the supervisor role must approve (中心主要领导
    /// 同意); the caller is then to be told who is responsible now.
    func handover(to recipient: StaffMember, approvedBy approver: StaffMember) throws(Refusal) -> ComplaintTransition {
        guard !complaint.state.isFinal else {
            throw Refusal(
                rule: "R11",
                code: .invalidTransition,
                zh: "投诉 \(id) 已办结，不能再转交他人",
                en: "complaint \(id) is closed and can no longer be handed over"
            )
        }
        try require(
            [.responsible],
            otherwise: Refusal(
                rule: "R11",
                code: .notPermitted,
                zh: "只有投诉 \(id) 的现责任人（\(complaint.responsibleLogin)）可以申请转交他人",
                en: "only the person responsible for complaint \(id) (\(complaint.responsibleLogin)) may hand it over"
            )
        )
        guard recipient.login != complaint.responsibleLogin else {
            throw Refusal(
                rule: "R11",
                code: .sameStaff,
                zh: "\(recipient.login) 已是投诉 \(id) 的责任人",
                en: "\(recipient.login) is already responsible for complaint \(id)"
            )
        }
        try requireApproval(by: approver, rule: "R11", of: "转交", en: "handover")
        var after = complaint
        after.responsibleLogin = recipient.login
        return transition(
            to: after,
            hops: [
                HopDraft(
                    .handedOver,
                    by: actor,
                    text: recipient.name,
                    subject: recipient.login,
                    approvedBy: approver.login
                )
            ],
            notices: [
                Notice(
                    to: .staff(recipient.login),
                    topic: .newResponsiblePerson,
                    message: LocalizedText(
                        zh: "经 \(approver.name) 同意，您已成为投诉 \(id) 的责任人，请及时告知来电人",
                        en: "With \(approver.name)'s approval you are now responsible for complaint \(id); tell the "
                            + "caller"
                    )
                )
            ]
        )
    }

    /// The receiving department asks for more time for its reply; a supervisor other than the asker approves,
    /// and the caller is to be told why (告知申办人,说明情况).
    func extend(by allowance: Allowance, reason: String, approvedBy approver: StaffMember) throws(Refusal)
        -> ComplaintTransition
    {
        let receiving = complaint.receivingDepartment ?? ""
        switch complaint.state {
        case .transferred, .accepted:
            break
        case .open, .resolved, .returned, .replied, .closed:
            throw Refusal(
                rule: "R15",
                code: .invalidTransition,
                zh: "只有承办部门尚未答复的投诉（已转交或已受理）才能延期；投诉 \(id) 当前状态为“\(complaint.state.label.zh)”",
                en: "only a case whose reply is still due (transferred or accepted) can be extended; complaint "
                    + "\(id) is \(complaint.state.rawValue)"
            )
        }
        try require(
            [.receiving, .supervisor],
            otherwise: Refusal(
                rule: "R15",
                role: .handler,
                code: .notPermitted,
                zh: "只有承办部门 \(receiving) 的承办人员或领导可以申请延期",
                en: "only handlers of \(receiving), the receiving department, or a supervisor may ask for an extension"
            )
        )
        guard ComplaintWorkflow.isValidExtension(allowance) else {
            throw Refusal(
                rule: "R15",
                code: .outOfRange,
                zh: "延期时长须在 1 分钟至 1 年之间（--by），收到 \(allowance.text(in: .zh))",
                en: "an extension adds between 1 minute and a year (--by); got \(allowance.description)"
            )
        }
        let reason = try ComplaintWorkflow.requireText(
            reason,
            rule: "R15",
            zh: "延期必须说明不能按时办结的原因（--reason）",
            en: "an extension needs the reason why the case cannot be finished in time (--reason)"
        )
        try requireApproval(by: approver, rule: "R15", of: "延期", en: "extension")
        let length = allowance.description
        return transition(
            to: complaint,
            hops: [HopDraft(.extended, by: actor, text: reason, subject: length, approvedBy: approver.login)],
            deadlineChanges: [.extend(.reply, by: allowance)],
            notices: [
                Notice(
                    to: .department(complaint.receivingDepartment ?? complaint.firstResponderDepartment),
                    topic: .extended,
                    message: LocalizedText(
                        zh: "投诉 \(id) 的答复时限经 \(approver.name) 批准延长\(allowance.text(in: .zh))：\(reason)",
                        en: "The reply deadline of complaint \(id) was extended by \(length), approved by "
                            + "\(approver.name): \(reason)"
                    )
                )
            ]
        )
    }

    /// A leader's approval: the approver holds the supervisor role and is not the person asking.
    private func requireApproval(by approver: StaffMember, rule: String, of zh: String, en: String) throws(Refusal) {
        guard approver.has(.supervisor) else {
            throw Refusal(
                rule: rule,
                role: .supervisor,
                code: .approvalRequired,
                zh: "\(approver.login) 不是领导，\(zh)须经具有领导（supervisor）角色的人员同意",
                en: "\(approver.login) is not a supervisor; a \(en) must be approved by someone with the "
                    + "supervisor role"
            )
        }
        guard approver.login != actor.login else {
            throw Refusal(
                rule: rule,
                role: .supervisor,
                code: .approvalRequired,
                zh: "不能自己批准自己的\(zh)申请，请由另一位领导批准",
                en: "you cannot approve your own \(en); another supervisor must approve it"
            )
        }
    }
}
