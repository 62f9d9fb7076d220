import HotlineCore
import HotlineProtocol
import HotlineStore
import Logging

/// `dept add|list`, `staff add|list`: the directory the roles and departments of every rule come from.
extension ControlHandler {
    func addDepartment(_ department: Department, caller: Caller, language: Language) throws -> JSONValue {
        try require(.admin, of: caller, for: "dept add", language: language)
        let added = try database.withConnectionBlocking { connection in
            try StaffDirectory.addDepartment(department, on: connection)
        }
        logger.info("department added", metadata: ["department": "\(added.code)", "by": "\(caller.name)"])
        return DepartmentRecord(added).json
    }

    func departments() throws -> JSONValue {
        .array(try database.withConnectionBlocking(StaffDirectory.departments).map { DepartmentRecord($0).json })
    }

    func addStaff(_ member: StaffMember, caller: Caller, language: Language) throws -> JSONValue {
        try require(.admin, of: caller, for: "staff add", language: language)
        let added = try database.withConnectionBlocking { connection in
            try StaffDirectory.addStaff(member, on: connection)
        }
        logger.info("staff member added", metadata: ["login": "\(added.login)", "by": "\(caller.name)"])
        return StaffRecord(added).json
    }

    func staff(department: String?) throws -> JSONValue {
        .array(
            try database.withConnectionBlocking { connection in
                try StaffDirectory.staff(department: department, on: connection)
            }.map { StaffRecord($0).json }
        )
    }
}
