/// Picks a call's first responder (首问责任人) by rule R2.
///
/// The staff member who first answers a call is its first responder. When several staff answer at the same
/// moment (one `call.answered` event lists several agents), the one of higher rank is the first responder
/// (当有两位以上工作人员同时被问时,职务高者为首问责任人); on equal rank the first listed wins, so the PBX's order is
/// the tie-breaker and the result never depends on hashing or sorting stability.
///
/// An internal transfer of the *call* (`call.transferred`) does not change the first responder: the choice is
/// made once, from the earliest answer, and ``CallRecord`` never revisits it when a transfer arrives.
public enum FirstResponder {
    /// The candidate of highest rank; among equal ranks the first in `candidates`. `nil` when there are none.
    public static func choose(_ candidates: [StaffCandidate]) -> StaffCandidate? {
        var best: StaffCandidate?
        for candidate in candidates where best.map({ candidate.rank > $0.rank }) ?? true {
            best = candidate
        }
        return best
    }
}
