import ArgumentParser
import HotlineCore
import HotlineProtocol

extension HotlineCtl {
    struct Dept: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dept",
            abstract: "Departments: add and list.",
            subcommands: [Add.self, List.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a department (admin).",
                discussion: """
                    The coordination office (--coordination) re-routes cases that a receiving department returns \
                    (R7); there is at most one, usually the QA department.

                    Example: hotlinectl dept add QA --name 质检部 --coordination
                    """
            )

            @Argument(help: "Department code: 1–32 letters, digits, '_' or '-' (e.g. SVC).")
            var code: String

            @Option(help: "Department name, e.g. 客服部.")
            var name: String

            @Option(help: "Login of the department head (warned on accept-deadline breaches, R5).")
            var head: String?

            @Flag(help: "This department is the coordination office (R7).")
            var coordination = false

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let result = try global.send(
                    .departmentAdd(Department(code: code, name: name, head: head, isCoordination: coordination))
                )
                try global.emit(result, as: DepartmentRecord.self) { department in
                    "\(Labels.text(.departmentAdded, global.language)): \(department.code)"
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List departments.",
                discussion: "Example: hotlinectl dept list --json"
            )

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let result = try global.send(.departmentList)
                let language = global.language
                try global.emit(result, as: [DepartmentRecord].self) { departments in
                    var table = TextTable(headers: [
                        Labels.text(.code, language), Labels.text(.name, language), Labels.text(.head, language),
                        Labels.text(.coordination, language),
                    ])
                    for department in departments {
                        table.append([
                            department.code, department.name, department.head ?? "-",
                            Labels.text(department.coordination ? .yes : .no, language),
                        ])
                    }
                    return table.render()
                }
            }
        }
    }

    struct Staff: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "staff",
            abstract: "Staff members: add and list.",
            subcommands: [Add.self, List.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a staff member (admin).",
                discussion: """
                    LOGIN is the person's Unix user name: hotlinectl identifies callers by it. Rank decides the \
                    first responder when several staff answer at once (R2: the higher rank is responsible).

                    Example: hotlinectl staff add lisi --name 李四 --dept SVC --rank 3 --role operator --role supervisor
                    """
            )

            @Argument(help: "Login (Unix user name).")
            var login: String

            @Option(help: "Full name, e.g. 张三.")
            var name: String

            @Option(help: "Department code.")
            var dept: String

            @Option(help: "Rank 0–100; higher wins when several answer together (R2).")
            var rank: Int = 0

            @Option(name: .customLong("role"), help: "Role (repeatable): operator, handler, supervisor, qa, admin.")
            var roles: [String] = []

            @Option(name: .customLong("extension"), help: "Static desk-phone extension.")
            var phoneExtension: String?

            @OptionGroup var global: GlobalOptions

            func validate() throws {
                for role in roles where Role(rawValue: role) == nil {
                    throw global.usageError(
                        zh: "--role 须为 operator、handler、supervisor、qa 或 admin，不能是“\(role)”",
                        en: "--role must be operator, handler, supervisor, qa or admin, not '\(role)'"
                    )
                }
            }

            func run() throws {
                let known = try global.checked { try ControlArgument.roles(roles, language: $0) }
                let member = StaffMember(
                    login: login,
                    name: name,
                    department: dept,
                    rank: rank,
                    roles: known,
                    extension: phoneExtension
                )
                let result = try global.send(.staffAdd(member))
                try global.emit(result, as: StaffRecord.self) { member in
                    "\(Labels.text(.staffAdded, global.language)): \(member.login)"
                }
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "List staff members.",
                discussion: "Example: hotlinectl staff list --dept SVC"
            )

            @Option(help: "Only this department.")
            var dept: String?

            @OptionGroup var global: GlobalOptions

            func run() throws {
                let result = try global.send(.staffList(department: dept))
                let language = global.language
                try global.emit(result, as: [StaffRecord].self) { staff in
                    var table = TextTable(headers: [
                        Labels.text(.login, language), Labels.text(.name, language),
                        Labels.text(.department, language), Labels.text(.rank, language),
                        Labels.text(.roles, language), Labels.text(.extensionNumber, language),
                    ])
                    for member in staff {
                        table.append([
                            member.login, member.name, member.department, String(member.rank),
                            member.roles.joined(separator: ","), member.extension ?? "-",
                        ])
                    }
                    return table.render()
                }
            }
        }
    }
}
