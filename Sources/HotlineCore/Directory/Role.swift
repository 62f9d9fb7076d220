/// What a staff member may do (SPEC §6). A person may hold several roles.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Answers calls, files complaints, resolves on the spot or transfers (R3, R4).
    case `operator`
    /// Department staff who accept, return and reply to transferred cases (R5–R7).
    case handler
    /// A leader: approves handovers and extensions (R11, R15), may act on any case.
    case supervisor
    /// The quality-assurance department: escalation lists and assessment (R8, R14).
    case qa
    /// Sets up departments, staff and the calendar.
    case admin
    /// The deputy general manager (副总经理): told of escalations to them (R8) and of urgent cases when no leader
    /// is on duty (R12); may be the leader on duty.
    case vp
    /// The general manager (总经理): told of escalations to them (R8) and of urgent cases left unread.
    case gm

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
