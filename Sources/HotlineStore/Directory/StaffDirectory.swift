import HotlineCore

/// Departments and staff in PostgreSQL: the directory that identities, roles and first responders come from.
public enum StaffDirectory {
    public static func addDepartment(_ department: Department, on connection: PGConnection) throws -> Department {
        try DirectoryValidation.validateDepartmentCode(department.code)
        try DirectoryValidation.validateName(department.name)
        do {
            try connection.transaction { connection in
                if department.isCoordination {
                    let existing = try connection.query(
                        "SELECT code FROM hotline.departments WHERE is_coordination"
                    )
                    if let row = existing.first {
                        let code: String = try row.decode("code")
                        throw DirectoryError.conflict(
                            "department '\(code)' is already the coordination office; there can be only one (R7)"
                        )
                    }
                }
                if let head = department.head {
                    guard try staff(login: head, on: connection) != nil else {
                        throw DirectoryError.notFound(what: "staff member (department head)", key: head)
                    }
                }
                try connection.command(
                    """
                    INSERT INTO hotline.departments (code, name, head_login, is_coordination)
                    VALUES ($1, $2, $3, $4)
                    """,
                    [department.code, department.name, department.head, department.isCoordination]
                )
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw DirectoryError.alreadyExists(what: "department", key: department.code)
        }
        return department
    }

    public static func departments(on connection: PGConnection) throws -> [Department] {
        try connection.query(
            "SELECT code, name, head_login, is_coordination FROM hotline.departments ORDER BY code"
        ).map { row in
            Department(
                code: try row.decode("code"),
                name: try row.decode("name"),
                head: try row.decodeIfPresent("head_login"),
                isCoordination: try row.decode("is_coordination")
            )
        }
    }

    public static func department(code: String, on connection: PGConnection) throws -> Department? {
        try departments(on: connection).first { $0.code == code }
    }

    public static func addStaff(_ member: StaffMember, on connection: PGConnection) throws -> StaffMember {
        try DirectoryValidation.validateLogin(member.login)
        try DirectoryValidation.validateName(member.name)
        try DirectoryValidation.validateRank(member.rank)
        if let value = member.extension { try DirectoryValidation.validateExtension(value) }
        guard !member.roles.isEmpty else {
            throw DirectoryError.invalidField(field: "role", reason: "a staff member needs at least one role")
        }
        guard try department(code: member.department, on: connection) != nil else {
            throw DirectoryError.notFound(what: "department", key: member.department)
        }
        do {
            try connection.command(
                """
                INSERT INTO hotline.staff (login, name, department, rank, roles, extension)
                VALUES ($1, $2, $3, $4, $5, $6)
                """,
                [
                    member.login, member.name, member.department, member.rank,
                    member.roles.sorted().map(\.rawValue), member.extension,
                ]
            )
        } catch let error as PostgresError where error.code == .uniqueViolation {
            if error.constraint == "staff_extension_key" {
                throw DirectoryError.conflict("extension \(member.extension ?? "") already belongs to someone else")
            }
            throw DirectoryError.alreadyExists(what: "staff member", key: member.login)
        }
        return member
    }

    public static func staff(department: String? = nil, on connection: PGConnection) throws -> [StaffMember] {
        try connection.query(
            """
            SELECT login, name, department, rank, roles, extension FROM hotline.staff
            WHERE active AND ($1::text IS NULL OR department = $1) ORDER BY department, login
            """,
            [department]
        ).map(decodeStaff)
    }

    public static func staff(login: String, on connection: PGConnection) throws -> StaffMember? {
        try connection.query(
            "SELECT login, name, department, rank, roles, extension FROM hotline.staff WHERE login = $1 AND active",
            [login]
        ).first.map(decodeStaff)
    }

    private static func decodeStaff(_ row: PostgresRow) throws -> StaffMember {
        let roleNames: [String] = try row.decode("roles")
        return StaffMember(
            login: try row.decode("login"),
            name: try row.decode("name"),
            department: try row.decode("department"),
            rank: try row.decode("rank"),
            roles: Set(roleNames.compactMap(Role.init(rawValue:))),
            extension: try row.decodeIfPresent("extension")
        )
    }
}
