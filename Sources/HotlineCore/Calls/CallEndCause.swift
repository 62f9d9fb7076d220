/// How a call ended, as the PBX reports it in `call.ended` (`cause`).
public enum CallEndCause: String, Hashable, Sendable, Codable, CaseIterable {
    /// Cleared normally by either side.
    case normal
    /// The caller hung up before anyone answered.
    case abandoned
    /// The hotline was busy.
    case busy
    /// Nobody answered before the PBX gave up.
    case noAnswer = "no_answer"
    /// A technical failure.
    case failed
}
