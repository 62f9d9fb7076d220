import HotlineCore

/// The words of `hotlinectl`'s human output in both languages.
enum Labels {
    static func text(_ key: Key, _ language: Language) -> String {
        let pair = key.pair
        return language == .zh ? pair.zh : pair.en
    }

    enum Key {
        case version, database, state, spoolDepth, pendingDeadlines, pbxConnections, clock, now
        case code, name, head, coordination, login, department, rank, roles, extensionNumber
        case yes, no, ok, unreachable, departmentAdded, staffAdded, calendarOfficialThrough, none

        var pair: (zh: String, en: String) {
            switch self {
            case .version: return ("版本", "Version")
            case .database: return ("数据库", "Database")
            case .state: return ("状态", "State")
            case .spoolDepth: return ("缓存待写事件", "Spool depth")
            case .pendingDeadlines: return ("待到期时限", "Pending deadlines")
            case .pbxConnections: return ("PBX 连接数", "PBX connections")
            case .clock: return ("时钟", "Clock")
            case .now: return ("当前时间", "Now")
            case .code: return ("代码", "Code")
            case .name: return ("名称", "Name")
            case .head: return ("负责人", "Head")
            case .coordination: return ("协调办公室", "Coordination")
            case .login: return ("登录名", "Login")
            case .department: return ("部门", "Department")
            case .rank: return ("职级", "Rank")
            case .roles: return ("角色", "Roles")
            case .extensionNumber: return ("分机", "Extension")
            case .yes: return ("是", "yes")
            case .no: return ("否", "no")
            case .ok: return ("正常", "ok")
            case .unreachable: return ("无法连接", "unreachable")
            case .departmentAdded: return ("已添加部门", "Department added")
            case .staffAdded: return ("已添加工作人员", "Staff member added")
            case .calendarOfficialThrough: return ("官方放假安排截至", "Official holidays through")
            case .none: return ("无", "none")
            }
        }
    }
}
