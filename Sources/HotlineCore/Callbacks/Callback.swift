/// Call-backs (漏接回拨, SPEC §12): every missed or abandoned call is a task to ring the caller back.
public enum CallbackOutcome: String, Sendable, Equatable, CaseIterable, Codable {
    /// The caller was reached: the task is done.
    case reached
    /// Nobody answered: the task stays open for another attempt.
    case noAnswer = "no_answer"
    /// The number does not reach the caller: the task is done (nothing more can be tried).
    case wrongNumber = "wrong_number"

    /// Whether this attempt ends the task.
    public var endsTask: Bool { self != .noAnswer }
}

/// The rule for recording a call-back attempt, pure: a call is a task when nobody answered it (missed or
/// abandoned), and an attempt may follow only while every earlier one was `no_answer`.
public enum CallbackRule {
    public static func check(
        call: String,
        callOutcome: String,
        earlier: [CallbackOutcome]
    ) throws(Refusal) {
        guard callOutcome == "missed" || callOutcome == "abandoned" else {
            throw Refusal(
                rule: "§12",
                code: .invalidTransition,
                zh: "呼叫 \(call) 不是漏接或放弃的来电（\(callOutcome)），无需回拨",
                en: "call \(call) was not missed or abandoned (\(callOutcome)); there is nothing to call back"
            )
        }
        if let last = earlier.last, last.endsTask {
            throw Refusal(
                rule: "§12",
                code: .alreadyDone,
                zh: "呼叫 \(call) 的回拨已完成（\(last.rawValue)）；仅在无人接听（no_answer）后可再次回拨",
                en: "the call-back of call \(call) is done (\(last.rawValue)); another attempt follows only a no_answer"
            )
        }
    }
}
