import HotlineCore

/// How the caller's hang-up cause (an ISDN Q.850 code in AMI's `Cause:`) becomes the `cause` of `call.ended`.
public enum AsteriskHangupCause {
    /// - Parameters:
    ///   - code: the `Cause` of the caller's `Hangup` (nil when missing or not a number).
    ///   - answered: whether an agent answered the call.
    ///   - queueGaveUp: whether the call left the queue unanswered without the caller abandoning it (the queue's
    ///     timeout), so that a normal clearing afterwards is the PBX giving up, not the caller.
    public static func endCause(code: Int?, answered: Bool, queueGaveUp: Bool) -> CallEndCause {
        switch code {
        // 17 user busy, 21 call rejected, 34 no circuit available: nobody could take the call.
        case 17, 21, 34: return .busy
        // 18 no user responding, 19 no answer.
        case 18, 19: return .noAnswer
        // 0 not defined, 16 normal clearing, 31 normal unspecified: an ordinary hang-up; what it means depends on
        // whether someone had answered.
        case nil, 0, 16, 31:
            if answered { return .normal }
            return queueGaveUp ? .noAnswer : .abandoned
        // Anything else (unallocated number, network out of order, …) is a technical failure, answered or not.
        default: return .failed
        }
    }
}
