import Foundation

/// The deadlines a complaint can have (SPEC §3), the three a transition starts and the two rungs of the reply
/// ladder that a reply breach starts.
public enum DeadlineKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Resolve or transfer within 1 hour of receipt (R4).
    case transfer
    /// The receiving department names a handler (R5).
    case accept
    /// The receiving department replies within 1 working day (R6).
    case reply
    /// Still no reply: the deputy general manager (R8).
    case replyVP = "reply_vp"
    /// Still no reply: the general manager (R8).
    case replyGM = "reply_gm"
}

/// What a warning or a breach of a deadline means (SPEC §3, §10): the escalation a breach causes, who must act,
/// and what they are told. Pure: the deadline store writes what this decides.
public enum DeadlineRules {
    /// The escalation a breach causes: QA for a transfer or a reply, then the reply ladder's VP and GM.
    public static func escalation(ofBreach kind: DeadlineKind) -> EscalationLevel? {
        switch kind {
        case .transfer, .reply: return .qa
        case .accept: return nil
        case .replyVP: return .vp
        case .replyGM: return .gm
        }
    }

    /// When a deadline a transition starts falls due and when it warns (SPEC §3, §4): the allowance configured for
    /// its kind (the urgent scale for urgent complaints, R12) counted on the work calendar from `start`; the warning
    /// at the configured share of that span.
    public static func schedule(
        _ kind: DeadlineChange.Kind,
        from start: Date,
        urgent: Bool,
        policy: DeadlinePolicy,
        calendar: WorkCalendar
    ) throws -> DeadlineSchedule {
        let computed = try calendar.due(after: start, allowance: policy.allowance(for: kind, urgent: urgent))
        return DeadlineSchedule(
            start: start,
            dueAt: computed.dueAt,
            warnAt: warning(start: start, dueAt: computed.dueAt, share: policy.warningShare),
            explanation: computed.explanation
        )
    }

    /// The warning time of a deadline running from `start` to `dueAt`: `share` of the span in.
    public static func warning(start: Date, dueAt: Date, share: Double) -> Date {
        start.addingTimeInterval(dueAt.timeIntervalSince(start) * share)
    }

    /// The department a breach is charged to (SPEC §3): the first responder's for a transfer, the receiving
    /// department's for an accept or a reply.
    public static func chargedDepartment(
        of kind: DeadlineChange.Kind,
        firstResponderDepartment: String,
        receivingDepartment: String?
    ) -> String {
        kind == .transfer ? firstResponderDepartment : (receivingDepartment ?? firstResponderDepartment)
    }

    /// The pending deadlines that end when the one of `kind` is met or withdrawn: a reply also ends the rungs of
    /// the ladder still ahead of it (R8).
    public static func ended(with kind: DeadlineChange.Kind) -> [DeadlineKind] {
        switch kind {
        case .transfer: return [.transfer]
        case .accept: return [.accept]
        case .reply: return [.reply, .replyVP, .replyGM]
        }
    }

    /// How a due time was computed, in the reader's language: the first computation, then each approved
    /// extension (R15), marked as such.
    public static func explain(_ explanations: [DeadlineExplanation], in language: Language, timeZone: TimeZone)
        -> String
    {
        explanations.enumerated().map { index, explanation in
            let rendered = explanation.render(in: language, timeZone: timeZone)
            guard index > 0 else { return rendered }
            return (language == .zh ? "延期（R15）：" : "Extended (R15): ") + rendered
        }.joined(separator: " ")
    }

    /// The escalation record a breach writes (R8), when it causes one: a transfer's is `transfer_overdue`, a reply's
    /// and its ladder's `reply_overdue`.
    public static func escalationKind(ofBreach kind: DeadlineKind) -> EscalationDraft.Kind? {
        switch kind {
        case .transfer: return .transferOverdue
        case .reply, .replyVP, .replyGM: return .replyOverdue
        case .accept: return nil
        }
    }

    /// The deadlines a breach starts, each counted from the breached due time: a reply breach starts the ladder's
    /// VP and GM rungs (R8), which end when the reply comes; no other breach starts any.
    public static func ladder(afterBreachOf kind: DeadlineKind, policy: DeadlinePolicy)
        -> [(kind: DeadlineKind, allowance: Allowance)]
    {
        guard kind == .reply else { return [] }
        return [(.replyVP, policy.ladderVP), (.replyGM, policy.ladderGM)]
    }

    /// Whoever must act (SPEC §10): the responsible person for a transfer, the department charged for the others;
    /// a breach also tells QA, a reply breach also the first responder (to urge, R10), and a rung of the ladder
    /// also the leaders it reached.
    public static func recipients(
        of kind: DeadlineKind,
        breach: Bool,
        department: String,
        responsible: String,
        firstResponder: String,
        qaDepartment: String
    ) -> [Notice.Recipient] {
        var recipients: [Notice.Recipient] = kind == .transfer ? [.staff(responsible)] : [.department(department)]
        guard breach else { return recipients }
        recipients.append(.department(qaDepartment))
        if kind == .reply || kind == .replyVP || kind == .replyGM {
            recipients.append(.staff(firstResponder))
        }
        if kind == .replyVP { recipients.append(.role(.vp)) }
        if kind == .replyGM { recipients.append(.role(.gm)) }
        return distinct(recipients)
    }

    /// The text of a breach, as the journal, `watch` and the notices say it.
    public static func breachText(of kind: DeadlineKind, complaint: String, department: String) -> LocalizedText {
        switch kind {
        case .transfer:
            return LocalizedText(
                zh: "R4：投诉 \(complaint) 未在时限内转交或当场答复",
                en: "R4: complaint \(complaint) was not transferred or resolved within its allowance"
            )
        case .accept:
            return LocalizedText(
                zh: "R5：\(department) 未为投诉 \(complaint) 指定责任人",
                en: "R5: department \(department) has not named a handler for complaint \(complaint)"
            )
        case .reply:
            return LocalizedText(
                zh: "R6/R10：\(department) 未答复投诉 \(complaint)；请首问责任人督办",
                en: "R6/R10: department \(department) has not replied to complaint \(complaint); "
                    + "the first responder is to urge it"
            )
        case .replyVP:
            return LocalizedText(
                zh: "R8：投诉 \(complaint) 仍未答复，已升级至副总经理",
                en: "R8: complaint \(complaint) still has no reply; escalated to the deputy general manager"
            )
        case .replyGM:
            return LocalizedText(
                zh: "R8：投诉 \(complaint) 仍未答复，已升级至总经理",
                en: "R8: complaint \(complaint) still has no reply; escalated to the general manager"
            )
        }
    }

    /// The text of a warning; `due` is the due time as people read it.
    public static func warningText(of kind: DeadlineKind, complaint: String, due: String) -> LocalizedText {
        let names: [DeadlineKind: String] = [
            .transfer: "转交时限", .accept: "受理时限", .reply: "答复时限", .replyVP: "副总经理时限", .replyGM: "总经理时限",
        ]
        return LocalizedText(
            zh: "投诉 \(complaint) 的\(names[kind] ?? kind.rawValue)将于 \(due) 到期",
            en: "the \(kind.rawValue) deadline of complaint \(complaint) is due at \(due)"
        )
    }
}

/// Recipients in first-seen order without repeats (a first responder who is also responsible is told once).
private func distinct(_ recipients: [Notice.Recipient]) -> [Notice.Recipient] {
    var seen = Set<Notice.Recipient>()
    return recipients.filter { seen.insert($0).inserted }
}

/// When a new deadline falls due and warns, and how the due time was computed.
public struct DeadlineSchedule: Sendable, Equatable {
    public var start: Date
    public var dueAt: Date
    public var warnAt: Date
    public var explanation: DeadlineExplanation

    public init(start: Date, dueAt: Date, warnAt: Date, explanation: DeadlineExplanation) {
        self.start = start
        self.dueAt = dueAt
        self.warnAt = warnAt
        self.explanation = explanation
    }
}
