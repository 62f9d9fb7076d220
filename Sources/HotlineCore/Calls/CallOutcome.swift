/// What became of a call, for the register and for QA (R1): derived, never stored on its own.
public enum CallOutcome: String, Hashable, Sendable, Codable, CaseIterable {
    /// Someone answered (whether or not the call has ended yet).
    case answered
    /// Ended unanswered because the caller hung up.
    case abandoned
    /// Ended unanswered for any other reason: busy, no answer, failure, or cleared without an answer.
    case missed
    /// Not answered and not ended yet, or not all events have arrived.
    case inProgress = "in_progress"
}
