extension ComplaintWorkflow {
    /// `text` without surrounding white space; refuses with the rule when nothing is left.
    static func requireText(_ text: String, rule: String, zh: String, en: String) throws(Refusal) -> String {
        let trimmed = trimmed(text)
        guard !trimmed.isEmpty else {
            throw Refusal(rule: rule, code: .missingText, zh: zh, en: en)
        }
        return trimmed
    }

    /// `text` without leading and trailing white space (Unicode-aware, no Foundation).
    static func trimmed(_ text: String) -> String {
        var slice = Substring(text)
        while let first = slice.first, first.isWhitespace { slice.removeFirst() }
        while let last = slice.last, last.isWhitespace { slice.removeLast() }
        return String(slice)
    }

    /// Whether an extension's allowance adds at least a minute and at most a year (``Allowance`` limits).
    static func isValidExtension(_ allowance: Allowance) -> Bool {
        switch allowance {
        case .wallClock(let minutes), .businessMinutes(let minutes):
            return (1...Allowance.maximumMinutes).contains(minutes)
        case .workingDays(let days):
            return (1...Allowance.maximumWorkingDays).contains(days)
        }
    }
}

extension ComplaintWorkflow.Context {
    /// The refusal for an action that does not apply in the current state, with what can be done instead.
    func invalidTransition(_ action: ComplaintAction, rule: String? = nil) -> Refusal {
        let state = complaint.state
        let next = Self.nextSteps(in: state)
        return Refusal(
            rule: rule ?? action.rule,
            code: .invalidTransition,
            zh: "投诉 \(id) 当前状态为“\(state.label.zh)”，不能执行 complaint \(action.verb)；\(next.zh)",
            en: "`complaint \(action.verb)` does not apply to complaint \(id) while it is \(state.rawValue); \(next.en)"
        )
    }

    /// What can happen to a complaint in `state`, for refusal messages.
    static func nextSteps(in state: ComplaintState) -> LocalizedText {
        switch state {
        case .open:
            return LocalizedText(
                zh: "首问责任人可当场答复（complaint resolve）或转交（complaint transfer）",
                en: "the first responder resolves it (complaint resolve) or transfers it (complaint transfer)"
            )
        case .resolved:
            return LocalizedText(
                zh: "请记录来电人满意度（complaint feedback），或待静默期满后办结",
                en: "record the caller's satisfaction (complaint feedback) or close it after the quiet period"
            )
        case .transferred:
            return LocalizedText(
                zh: "承办部门应指定责任人受理（complaint accept），如非本部门事项则退回（complaint return）",
                en: "the receiving department accepts it (complaint accept) or, if it is not theirs, returns it "
                    + "(complaint return)"
            )
        case .accepted:
            return LocalizedText(
                zh: "承办部门应答复来电人（complaint reply），如非本部门事项则退回（complaint return）",
                en: "the receiving department replies (complaint reply) or, if it is not theirs, returns it "
                    + "(complaint return)"
            )
        case .returned:
            return LocalizedText(
                zh: "由协调办公室重新转办（complaint reroute）",
                en: "the coordination office re-routes it (complaint reroute)"
            )
        case .replied:
            return LocalizedText(
                zh: "请记录来电人满意度（complaint feedback），或待静默期满后办结",
                en: "record the caller's satisfaction (complaint feedback) or close it after the quiet period"
            )
        case .closed:
            return LocalizedText(
                zh: "该投诉已办结，不能再作处理",
                en: "it is closed and can no longer be acted on"
            )
        }
    }
}
