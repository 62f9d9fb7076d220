/// No third department (R7): the receiving department returns a case that is not theirs, and only the
/// coordination office sends it on.
extension ComplaintWorkflow.Context {
    /// The return counts as a misroute against the department that sent the case: the first responder's
    /// department (追究首问单位责任), or the coordination office when it was the one that re-routed it.
    func returnToCoordination(reason: String) throws(Refusal) -> ComplaintTransition {
        let action = ComplaintAction.returnToCoordination(reason: reason)
        let receiving = complaint.receivingDepartment ?? ""
        switch complaint.state {
        case .transferred, .accepted:
            break
        case .returned:
            throw Refusal(
                rule: "R7",
                code: .alreadyDone,
                zh: "投诉 \(id) 已退回协调办公室（\(policy.coordinationDepartment)），等待重新转办",
                en: "complaint \(id) has already been returned to the coordination office "
                    + "(\(policy.coordinationDepartment)) and waits to be re-routed"
            )
        case .open, .resolved, .replied, .closed:
            throw invalidTransition(action)
        }
        try require(
            [.receiving, .supervisor],
            otherwise: Refusal(
                rule: "R7",
                role: .handler,
                code: .notPermitted,
                zh: "只有承办部门 \(receiving) 的承办人员或领导可以退回投诉 \(id)",
                en: "only handlers of \(receiving), the receiving department, or a supervisor may return "
                    + "complaint \(id)"
            )
        )
        let reason = try ComplaintWorkflow.requireText(
            reason,
            rule: "R7",
            zh: "退回必须说明不属于本部门职责的理由（--reason）",
            en: "a return needs the reason why the case is not for \(receiving) (--reason)"
        )
        let charged = complaint.sendingDepartment(policy: policy)
        var after = complaint
        after.state = .returned
        after.handler = nil
        after.returnCount += 1
        var deadlines: [DeadlineChange] = []
        if complaint.state == .transferred {
            deadlines.append(.cancel(.accept))
        }
        deadlines.append(.cancel(.reply))
        let message = LocalizedText(
            zh: "投诉 \(id) 被 \(receiving) 退回，待协调办公室重新转办：\(reason)",
            en: "Complaint \(id) was returned by \(receiving) and waits to be re-routed: \(reason)"
        )
        return transition(
            to: after,
            hops: [HopDraft(.returned, by: actor, text: reason, subject: policy.coordinationDepartment)],
            deadlineChanges: deadlines,
            escalations: [
                EscalationDraft(
                    kind: .misroute,
                    level: nil,
                    chargedDepartment: charged,
                    by: actor.login,
                    reason: reason
                )
            ],
            notices: [
                Notice(to: .department(policy.coordinationDepartment), topic: .returned, message: message)
            ]
        )
    }

    /// Only the coordination office (or admin) re-routes; a re-route may name any existing department, even
    /// the first responder's, because the office decides where the case belongs.
    func reroute(
        to department: String,
        reason: String,
        departmentExists: (String) -> Bool
    ) throws(Refusal) -> ComplaintTransition {
        let action = ComplaintAction.reroute(to: department, reason: reason)
        switch complaint.state {
        case .returned:
            break
        case .open:
            throw Refusal(
                rule: "R7",
                code: .invalidTransition,
                zh: "只有被退回的投诉才能重新转办；投诉 \(id) 仍在首问责任人处，请使用 complaint transfer",
                en: "only a returned complaint can be re-routed; complaint \(id) is still open with its first "
                    + "responder, who transfers it with `complaint transfer`"
            )
        case .resolved, .transferred, .accepted, .replied, .closed:
            throw invalidTransition(action)
        }
        try require(
            [.coordination],
            otherwise: Refusal(
                rule: "R7",
                code: .notPermitted,
                zh: "只有协调办公室（\(policy.coordinationDepartment)）可以重新转办被退回的投诉",
                en: "only the coordination office (\(policy.coordinationDepartment)) may re-route a returned complaint"
            )
        )
        try requireDepartment(department, rule: "R7", exists: departmentExists)
        let reason = try ComplaintWorkflow.requireText(
            reason,
            rule: "R7",
            zh: "重新转办必须填写理由（--reason）",
            en: "a re-route needs a reason (--reason)"
        )
        return transition(
            to: sent(to: department),
            hops: [HopDraft(.rerouted, by: actor, text: reason, subject: department)],
            deadlineChanges: [
                .create(.accept, from: .now, urgent: complaint.urgent),
                .create(.reply, from: .now, urgent: complaint.urgent),
            ],
            notices: [
                Notice(
                    to: .department(department),
                    topic: .rerouted,
                    message: LocalizedText(
                        zh: "投诉 \(id) 由协调办公室转办贵部门，请立即指定责任人处理：\(reason)",
                        en: "Complaint \(id) was re-routed to you by the coordination office; name a handler now: "
                            + "\(reason)"
                    )
                )
            ]
        )
    }
}
