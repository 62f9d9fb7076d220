/// The end of a case: the caller's satisfaction (R13), a redo when it is low (R16), and closing.
extension ComplaintWorkflow.Context {
    /// Satisfaction is recorded once per complaint, by the people the caller talks to: the responsible person,
    /// the first responder, the coordination office or QA (or a supervisor), never the department being judged.
    ///
    /// - A replied case with a low score goes back to the receiving department (R16).
    /// - A case resolved on the spot with a low score is closed all the same (there is no department to send it
    ///   back to, and SPEC §2 has no way back to `open`); QA and the first responder's department head are told.
    /// - Feedback arriving after a quiet-period close is refused: the quiet period is the time given for it, and a
    ///   closed case is final (QA's figures for a period already assessed must not change afterwards).
    func feedback(satisfaction: Int, comment: String?) throws(Refusal) -> ComplaintTransition {
        guard !complaint.satisfactionGiven else {
            throw Refusal(
                rule: "R13",
                code: .alreadyDone,
                zh: "投诉 \(id) 的满意度已记录，每件投诉只记录一次",
                en: "the caller's satisfaction with complaint \(id) has already been recorded; it is recorded once"
            )
        }
        switch complaint.state {
        case .resolved, .replied:
            break
        case .closed:
            throw Refusal(
                rule: "R13",
                code: .invalidTransition,
                zh: "投诉 \(id) 已在静默期满后办结，不能再记录满意度",
                en: "complaint \(id) was closed after its quiet period without feedback; satisfaction can no longer "
                    + "be recorded"
            )
        case .open, .transferred, .accepted, .returned:
            throw Refusal(
                rule: "R13",
                code: .invalidTransition,
                zh: "满意度在当场答复或承办部门答复之后记录；投诉 \(id) 当前状态为“\(complaint.state.label.zh)”",
                en: "satisfaction is recorded after the answer (resolved) or the reply (replied); complaint \(id) is "
                    + "\(complaint.state.rawValue)"
            )
        }
        try require(
            [.responsible, .firstResponder, .coordination, .qa, .supervisor],
            otherwise: Refusal(
                rule: "R13",
                code: .notPermitted,
                zh: "满意度由首问责任人、现责任人、协调办公室或质检部记录，承办部门不能为自己记录",
                en: "the first responder, the responsible person, the coordination office or QA records the caller's "
                    + "satisfaction; the department being judged may not"
            )
        )
        guard (1...5).contains(satisfaction) else {
            throw Refusal(
                rule: "R13",
                code: .outOfRange,
                zh: "满意度须为 1 至 5（收到 \(satisfaction)）",
                en: "satisfaction is on a 1 to 5 scale (got \(satisfaction))"
            )
        }
        let comment = ComplaintWorkflow.trimmed(comment ?? "")
        let score = String(satisfaction)
        let low = satisfaction <= policy.redoThreshold
        var after = complaint
        after.satisfactionGiven = true
        var hops = [HopDraft(.feedback, by: actor, text: comment, subject: score)]
        switch complaint.state {
        case .replied where low:
            let receiving = complaint.receivingDepartment ?? ""
            after.state = .accepted
            after.redoCount += 1
            hops.append(HopDraft(.redo, by: actor, text: comment, subject: receiving))
            let message = LocalizedText(
                zh: "投诉 \(id) 来电人满意度为 \(satisfaction)，退回贵部门重办，请在新时限内重新答复",
                en: "The caller rated complaint \(id) \(satisfaction) of 5; it is back with you for a redo, "
                    + "reply again by the new deadline"
            )
            // The department that replied, and QA (R13, R16).
            let notices = [
                Notice(to: .department(receiving), topic: .redo, message: message),
                Notice(to: .department(policy.qaDepartment), topic: .redo, message: message),
            ]
            return transition(
                to: after,
                hops: hops,
                deadlineChanges: [.create(.reply, from: .now, urgent: complaint.urgent)],
                notices: notices,
                redo: true
            )
        default:
            after.state = .closed
            hops.append(HopDraft(.closed, by: actor, text: "", subject: ComplaintAction.CloseReason.feedback.rawValue))
            return transition(to: after, hops: hops, notices: low ? lowSatisfactionNotices(satisfaction) : [])
        }
    }

    /// Closing a resolved or replied case without a feedback action: the daemon does it when the quiet period
    /// ends (acting as ``ActingStaff/daemon``); people may do it with the same permissions as for feedback.
    func close(reason: ComplaintAction.CloseReason) throws(Refusal) -> ComplaintTransition {
        let action = ComplaintAction.close(reason: reason)
        switch complaint.state {
        case .resolved, .replied:
            break
        case .closed:
            throw Refusal(
                rule: "R13",
                code: .alreadyDone,
                zh: "投诉 \(id) 已办结",
                en: "complaint \(id) is already closed"
            )
        case .accepted where complaint.redoCount > 0:
            let receiving = complaint.receivingDepartment ?? ""
            throw Refusal(
                rule: "R16",
                code: .invalidTransition,
                zh: "投诉 \(id) 因满意度低已退回 \(receiving) 重办，须重新答复后才能办结",
                en: "complaint \(id) was sent back to \(receiving) for a redo; it cannot close until \(receiving) "
                    + "replies again"
            )
        case .open, .transferred, .accepted, .returned:
            throw invalidTransition(action)
        }
        try require(
            [.responsible, .firstResponder, .coordination, .qa, .supervisor],
            otherwise: Refusal(
                rule: "R13",
                code: .notPermitted,
                zh: "只有首问责任人、现责任人、协调办公室、质检部或领导可以办结投诉 \(id)",
                en: "only the first responder, the responsible person, the coordination office, QA or a supervisor "
                    + "may close complaint \(id)"
            )
        )
        if reason == .feedback && !complaint.satisfactionGiven {
            throw Refusal(
                rule: "R13",
                code: .invalidTransition,
                zh: "投诉 \(id) 尚无满意度记录；请先记录（complaint feedback），或待静默期满后办结",
                en: "complaint \(id) has no satisfaction recorded; record it first (complaint feedback) or close it "
                    + "after the quiet period"
            )
        }
        var after = complaint
        after.state = .closed
        return transition(to: after, hops: [HopDraft(.closed, by: actor, text: "", subject: reason.rawValue)])
    }

    /// Tells the department that replied and QA of a low score that does not lead to a redo (R13).
    private func lowSatisfactionNotices(_ satisfaction: Int) -> [Notice] {
        let message = LocalizedText(
            zh: "投诉 \(id) 来电人满意度仅为 \(satisfaction)",
            en: "The caller rated complaint \(id) only \(satisfaction) of 5"
        )
        // A case answered on the spot was answered by the first responder's department.
        let repliedBy =
            complaint.state == .replied
            ? (complaint.receivingDepartment ?? complaint.firstResponderDepartment)
            : complaint.firstResponderDepartment
        return [
            Notice(to: .department(repliedBy), topic: .lowSatisfaction, message: message),
            Notice(to: .department(policy.qaDepartment), topic: .lowSatisfaction, message: message),
        ]
    }
}
