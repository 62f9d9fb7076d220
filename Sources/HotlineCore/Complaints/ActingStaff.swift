/// Who performs a complaint action: a staff member, possibly root acting for them (`hotlinectl --as`).
///
/// Named `ActingStaff` rather than `Actor` so that it does not shadow Swift's `Actor` protocol in every module
/// that imports HotlineCore.
public struct ActingStaff: Sendable, Equatable, Hashable {
    public var staff: StaffMember
    /// True when root did it on the staff member's behalf; recorded on the hop (R9).
    public var actingRoot: Bool

    public init(staff: StaffMember, actingRoot: Bool = false) {
        self.staff = staff
        self.actingRoot = actingRoot
    }

    public var login: String { staff.login }
    public var department: String { staff.department }

    /// The daemon itself, for automatic steps such as closing a case after its quiet period. It holds the admin
    /// role, so every permission check passes, while state and input rules still apply.
    public static let daemon = ActingStaff(
        staff: StaffMember(login: "hotlined", name: "hotlined", department: "", rank: 0, roles: [.admin])
    )
}
