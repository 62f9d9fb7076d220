/// A person who works at the hotline centre, as recorded in the staff directory.
public struct StaffMember: Sendable, Hashable, Codable {
    /// The login name; also the Unix user name the control socket maps a peer to.
    public var login: String
    public var name: String
    /// The code of the staff member's department.
    public var department: String
    /// Higher rank wins when several staff answer at once (R2): 职务高者为首问责任人.
    public var rank: Int
    public var roles: Set<Role>
    /// The static extension of the staff member's desk phone, if any.
    public var `extension`: String?

    public init(
        login: String,
        name: String,
        department: String,
        rank: Int = 0,
        roles: Set<Role>,
        extension: String? = nil
    ) {
        self.login = login
        self.name = name
        self.department = department
        self.rank = rank
        self.roles = roles
        self.extension = `extension`
    }

    public func has(_ role: Role) -> Bool { roles.contains(role) }
}
