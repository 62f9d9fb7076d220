/// The main line of a complaint: resolve on the spot (R3), or transfer (R4), accept (R5) and reply (R6).
extension ComplaintWorkflow.Context {
    func resolve(answer: String, told: [MatterReference] = []) throws(Refusal) -> ComplaintTransition {
        let action = ComplaintAction.resolve(answer: answer, told: told)
        switch complaint.state {
        case .open:
            break
        case .resolved:
            throw Refusal(
                rule: "R3",
                code: .alreadyDone,
                zh: "投诉 \(id) 已当场答复；如需补充，请另行记录",
                en: "complaint \(id) has already been resolved on the spot"
            )
        case .transferred, .accepted:
            throw Refusal(
                rule: "R3",
                code: .invalidTransition,
                zh: "投诉 \(id) 已转交 \(complaint.receivingDepartment ?? "")，不能再当场答复；由承办部门答复（complaint reply）",
                en: "complaint \(id) was transferred to \(complaint.receivingDepartment ?? "") and can no longer be "
                    + "resolved on the spot; the receiving department replies (complaint reply)"
            )
        case .returned, .replied, .closed:
            throw invalidTransition(action)
        }
        try require(
            [.responsible, .supervisor],
            otherwise: Refusal(
                rule: "R3",
                code: .notPermitted,
                zh: "只有投诉 \(id) 的责任人（\(complaint.responsibleLogin)）或领导可以当场答复",
                en: "only the person responsible for complaint \(id) (\(complaint.responsibleLogin)) or a supervisor "
                    + "may resolve it on the spot"
            )
        )
        let answer = try ComplaintWorkflow.requireText(
            answer,
            rule: "R3",
            zh: "当场答复必须填写答复内容（--answer）",
            en: "resolving on the spot needs the answer given to the caller (--answer)"
        )
        var after = complaint
        after.state = .resolved
        return transition(
            to: after,
            hops: [resolvedHop(answer: answer, told: told)],
            deadlineChanges: [.meet(.transfer)]
        )
    }

    func transfer(
        to department: String,
        reason: String,
        departmentExists: (String) -> Bool
    ) throws(Refusal) -> ComplaintTransition {
        let action = ComplaintAction.transfer(to: department, reason: reason)
        let receiving = complaint.receivingDepartment ?? ""
        switch complaint.state {
        case .open:
            break
        case .transferred, .accepted:
            if isReceivingStaff && !capacities.contains(.responsible) {
                throw Refusal(
                    rule: "R7",
                    code: .invalidTransition,
                    zh: "第二家不可再转至第三家；如非本部门事项，请使用 complaint return 退回协调办公室"
                        + "（\(policy.coordinationDepartment)）",
                    en: "a receiving department may not transfer a case on to a third department; use "
                        + "`complaint return` to send it back to the coordination office "
                        + "(\(policy.coordinationDepartment))"
                )
            }
            throw Refusal(
                rule: "R7",
                code: .invalidTransition,
                zh: "投诉 \(id) 已转交 \(receiving)，只能转交一次；如转错部门，由 \(receiving) 退回（complaint return），"
                    + "再由协调办公室重新转办",
                en: "complaint \(id) has already been transferred to \(receiving) and is transferred only once; "
                    + "if that is the wrong department, \(receiving) returns it (complaint return) and the "
                    + "coordination office re-routes it"
            )
        case .returned:
            throw Refusal(
                rule: "R7",
                code: .invalidTransition,
                zh: "投诉 \(id) 已被退回，只能由协调办公室（\(policy.coordinationDepartment)）使用 complaint reroute 重新转办",
                en: "complaint \(id) was returned; only the coordination office (\(policy.coordinationDepartment)) "
                    + "re-routes it, with `complaint reroute`"
            )
        case .resolved, .replied, .closed:
            throw invalidTransition(action)
        }
        try require(
            [.responsible, .supervisor],
            otherwise: Refusal(
                rule: "R4",
                code: .notPermitted,
                zh: "只有投诉 \(id) 的责任人（\(complaint.responsibleLogin)）或领导可以转交",
                en: "only the person responsible for complaint \(id) (\(complaint.responsibleLogin)) or a supervisor "
                    + "may transfer it"
            )
        )
        try requireDepartment(department, rule: "R4", exists: departmentExists)
        guard department != complaint.firstResponderDepartment else {
            throw Refusal(
                rule: "R4",
                code: .sameDepartment,
                zh: "\(department) 是首问责任人所在部门，本部门事项应当场答复（complaint resolve），不能转交给自己",
                en: "\(department) is the first responder's own department; resolve the complaint there "
                    + "(complaint resolve, R3) instead of transferring it to itself"
            )
        }
        let reason = try ComplaintWorkflow.requireText(
            reason,
            rule: "R4",
            zh: "转交必须填写转办理由（--reason）",
            en: "a transfer needs the reason why the first responder's department cannot resolve it (--reason)"
        )
        return transition(
            to: sent(to: department),
            hops: [
                HopDraft(.transferred, by: actor, text: reason, subject: department),
                HopDraft(.copiedToQA, by: actor, text: reason, subject: policy.qaDepartment),
            ],
            deadlineChanges: [
                .meet(.transfer),
                .create(.accept, from: .now, urgent: complaint.urgent),
                .create(.reply, from: .now, urgent: complaint.urgent),
            ],
            notices: [
                Notice(
                    to: .department(department),
                    topic: .transferred,
                    message: LocalizedText(
                        zh: "投诉 \(id) 由 \(complaint.firstResponderDepartment) 转交贵部门，请立即指定责任人处理：\(reason)",
                        en: "Complaint \(id) was transferred to you by \(complaint.firstResponderDepartment); name a "
                            + "handler now: \(reason)"
                    )
                )
            ]
        )
    }

    func accept(handler: StaffMember?) throws(Refusal) -> ComplaintTransition {
        let action = ComplaintAction.accept(handler: handler)
        let receiving = complaint.receivingDepartment ?? ""
        switch complaint.state {
        case .transferred:
            break
        case .accepted:
            throw Refusal(
                rule: "R5",
                code: .alreadyDone,
                zh: "投诉 \(id) 已由 \(receiving) 受理，责任人为 \(complaint.handler ?? "")",
                en: "complaint \(id) has already been accepted by \(receiving); its handler is "
                    + "\(complaint.handler ?? "")"
            )
        case .open, .resolved, .returned, .replied, .closed:
            throw invalidTransition(action)
        }
        try require(
            [.receiving, .supervisor],
            otherwise: Refusal(
                rule: "R5",
                role: .handler,
                code: .notPermitted,
                zh: "只有承办部门 \(receiving) 的承办人员或领导可以受理投诉 \(id)",
                en: "only handlers of \(receiving), the receiving department, or a supervisor may accept "
                    + "complaint \(id)"
            )
        )
        let chosen: StaffMember
        if let handler {
            guard handler.department == receiving else {
                throw Refusal(
                    rule: "R5",
                    code: .notInDepartment,
                    zh: "\(handler.login) 属于 \(handler.department)，责任人须为承办部门 \(receiving) 的人员",
                    en: "\(handler.login) belongs to \(handler.department); the handler must be staff of \(receiving), "
                        + "the receiving department"
                )
            }
            chosen = handler
        } else {
            guard actor.department == receiving else {
                throw Refusal(
                    rule: "R5",
                    code: .notInDepartment,
                    zh: "您不属于承办部门 \(receiving)，请用 --handler 指定该部门的责任人",
                    en: "you are not in \(receiving), the receiving department; name one of its staff with --handler"
                )
            }
            chosen = actor.staff
        }
        var after = complaint
        after.state = .accepted
        after.handler = chosen.login
        var notices: [Notice] = []
        if chosen.login != actor.login {
            notices.append(
                Notice(
                    to: .staff(chosen.login),
                    topic: .handlerAssigned,
                    message: LocalizedText(
                        zh: "您被指定为投诉 \(id) 的责任人，请在时限内答复来电人",
                        en: "You are the handler of complaint \(id); reply to the caller within the deadline"
                    )
                )
            )
        }
        return transition(
            to: after,
            hops: [HopDraft(.accepted, by: actor, text: chosen.name, subject: chosen.login)],
            deadlineChanges: [.meet(.accept)],
            notices: notices
        )
    }

    func reply(result: String) throws(Refusal) -> ComplaintTransition {
        let action = ComplaintAction.reply(result: result)
        let receiving = complaint.receivingDepartment ?? ""
        switch complaint.state {
        case .accepted:
            break
        case .transferred:
            throw Refusal(
                rule: "R5",
                code: .invalidTransition,
                zh: "投诉 \(id) 尚未受理；请先指定责任人（complaint accept），再答复",
                en: "complaint \(id) has not been accepted yet; name its handler first (complaint accept), then reply"
            )
        case .replied:
            throw Refusal(
                rule: "R6",
                code: .alreadyDone,
                zh: "投诉 \(id) 已答复；如来电人不满意，将按满意度重办（R16）",
                en: "complaint \(id) has already been replied to; a low satisfaction sends it back for a redo (R16)"
            )
        case .open, .resolved, .returned, .closed:
            throw invalidTransition(action)
        }
        try require(
            [.receiving, .supervisor],
            otherwise: Refusal(
                rule: "R6",
                role: .handler,
                code: .notPermitted,
                zh: "只有承办部门 \(receiving) 的承办人员或领导可以答复投诉 \(id)",
                en: "only handlers of \(receiving), the receiving department, or a supervisor may reply to "
                    + "complaint \(id)"
            )
        )
        let result = try ComplaintWorkflow.requireText(
            result,
            rule: "R6",
            zh: "答复必须填写处理结果（--result）",
            en: "a reply needs the result given to the caller (--result)"
        )
        var after = complaint
        after.state = .replied
        let message = LocalizedText(
            zh: "投诉 \(id) 已由 \(receiving) 答复来电人：\(result)",
            en: "Complaint \(id) was replied to by \(receiving): \(result)"
        )
        return transition(
            to: after,
            hops: [HopDraft(.replied, by: actor, text: result, subject: receiving)],
            deadlineChanges: [.meet(.reply)],
            notices: [
                // The first responder tells the caller and takes the satisfaction (R6, R13).
                Notice(to: .staff(complaint.firstResponder), topic: .replyFeedback, message: message)
            ]
        )
    }

    /// The complaint as it stands once sent to `department` (R4 transfer, R7 re-route): transferred, with no
    /// handler until the department accepts.
    func sent(to department: String) -> ComplaintSnapshot {
        var after = complaint
        after.state = .transferred
        after.receivingDepartment = department
        after.handler = nil
        after.transferCount += 1
        return after
    }

    /// Refuses a department code that is not on the list, citing the rule of the step that named it.
    func requireDepartment(_ department: String, rule: String, exists: (String) -> Bool) throws(Refusal) {
        guard exists(department) else {
            throw Refusal(
                rule: rule,
                code: .unknownDepartment,
                zh: "没有代码为“\(department)”的部门；请用 hotlinectl dept list 查看",
                en: "there is no department \"\(department)\"; `hotlinectl dept list` shows the departments"
            )
        }
    }

    /// The signed answer, with the matters told (SPEC §12) in its hashed content.
    private func resolvedHop(answer: String, told: [MatterReference]) -> HopDraft {
        var hop = HopDraft(.resolved, by: actor, text: answer)
        hop.told = told
        return hop
    }
}
