extension ComplaintWorkflow {
    /// In what capacity someone may act on a complaint: their relation to the case, or a role.
    enum Capacity: Hashable, CaseIterable {
        /// The person now responsible towards the caller (the first responder or a handover recipient, R11).
        case responsible
        /// The first responder (R2), even after a handover.
        case firstResponder
        /// Staff of the receiving department with the handler or supervisor role (R5, R6).
        case receiving
        /// Staff of the coordination office (R7).
        case coordination
        case supervisor
        case qa
        case admin

        static func of(_ actor: ActingStaff, on complaint: ComplaintSnapshot, policy: WorkflowPolicy) -> Set<Capacity> {
            var capacities: Set<Capacity> = []
            let staff = actor.staff
            if actor.login == complaint.responsibleLogin { capacities.insert(.responsible) }
            if actor.login == complaint.firstResponder { capacities.insert(.firstResponder) }
            if let receiving = complaint.receivingDepartment, staff.department == receiving,
                staff.has(.handler) || staff.has(.supervisor)
            {
                capacities.insert(.receiving)
            }
            if staff.department == policy.coordinationDepartment { capacities.insert(.coordination) }
            if staff.has(.supervisor) { capacities.insert(.supervisor) }
            if staff.has(.qa) { capacities.insert(.qa) }
            if staff.has(.admin) { capacities.insert(.admin) }
            return capacities
        }
    }
}

extension ComplaintWorkflow.Context {
    /// Passes when the actor holds one of `allowed` (admin always passes); otherwise refuses with `refusal`.
    func require(
        _ allowed: Set<ComplaintWorkflow.Capacity>,
        otherwise refusal: @autoclosure () -> Refusal
    ) throws(Refusal) {
        guard capacities.isDisjoint(with: allowed.union([.admin])) else { return }
        throw refusal()
    }

    /// Whether the actor belongs to the receiving department (not merely overrides it).
    var isReceivingStaff: Bool {
        capacities.contains(.receiving)
    }
}
