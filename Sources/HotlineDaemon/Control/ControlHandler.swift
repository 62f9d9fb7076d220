import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging

/// Turns control requests into work: identifies the caller, checks the role, runs the command against the store.
public final class ControlHandler: Sendable {
    let database: PostgresSession
    private let schema: SchemaGate
    let clock: any HotlineClock
    let timeZone: TimeZone
    let logger: Logger
    let ruleBook: RuleBook
    var complaintRules: ComplaintContext { ruleBook.current }
    /// Called after anything that may change what is due next (a clock move, a transition).
    let deadlinesChanged: @Sendable () -> Void
    private let statusSource: @Sendable () -> DaemonStatus

    public init(
        database: PostgresSession,
        schema: SchemaGate,
        rules: RuleBook,
        clock: any HotlineClock,
        timeZone: TimeZone,
        logger: Logger,
        statusSource: @escaping @Sendable () -> DaemonStatus,
        deadlinesChanged: @escaping @Sendable () -> Void = {}
    ) {
        self.deadlinesChanged = deadlinesChanged
        self.database = database
        self.schema = schema
        self.ruleBook = rules
        self.clock = clock
        self.timeZone = timeZone
        self.logger = logger
        self.statusSource = statusSource
    }

    public func handle(_ request: ControlRequest, peer: PeerCredentials) -> ControlResponse {
        do {
            // `status` answers even when the database is down: that is when people need it most.
            if request.command == "status" { return .success(status(language: request.language).json) }
            if !schema.isReady {
                try database.withConnectionBlocking { connection in try schema.ensure(connection) }
            }
            let caller = try identify(request, peer: peer)
            return .success(try dispatch(request, caller: caller))
        } catch let error as ControlError {
            return .failure(error)
        } catch let error as DirectoryError {
            return .failure(ControlHandler.controlError(for: error, language: request.language))
        } catch let refusal as Refusal {
            return .failure(
                ControlError(
                    code: refusal.code == .unknownDepartment ? .notFound : .refused,
                    rule: refusal.rule,
                    role: refusal.role?.rawValue,
                    message: refusal.message.text(in: request.language)
                )
            )
        } catch let error as ComplaintStoreError {
            let message = error.text(in: request.language)
            switch error {
            case .callNotFound, .complaintNotFound: return .failure(ControlError(code: .notFound, message: message))
            case .noPendingDeadline: return .failure(ControlError(code: .refused, rule: "R15", message: message))
            }
        } catch let error as ClockError {
            let zh = error == .backwards ? "手动时钟只能向前拨" : "守护进程使用系统时钟；clock 命令需要 `hotlined --clock manual`"
            return .failure(ControlError(code: .refused, zh: zh, en: error.description, language: request.language))
        } catch let error as PostgresError where error.isConnectionLoss {
            logger.warning("database unreachable for a control request", metadata: ["error": "\(error)"])
            return .failure(
                ControlError(
                    code: .unavailable,
                    zh: "数据库无法连接：\(error)",
                    en: "database unreachable: \(error)",
                    language: request.language
                )
            )
        } catch {
            logger.error("control request failed", metadata: ["command": "\(request.command)", "error": "\(error)"])
            return .failure(ControlError(code: .internalError, message: "\(error)"))
        }
    }

    // MARK: - Identity (SPEC §6)

    /// Root is an administrator, or acts for any staff member with `--as`; everyone else is the staff member whose
    /// login is their Unix user name.
    func identify(_ request: ControlRequest, peer: PeerCredentials) throws -> Caller {
        if peer.uid == 0 {
            guard let login = request.actAs else { return .root }
            guard let member = try lookupStaff(login) else {
                throw ControlError(
                    code: .notFound,
                    zh: "--as \(login)：没有这名工作人员",
                    en: "--as \(login): no such staff member",
                    language: request.language
                )
            }
            return .staff(member, actingRoot: true)
        }
        let userName = peer.userName ?? "uid \(peer.uid)"
        if request.actAs != nil {
            throw ControlError(
                code: .refused,
                role: "root",
                zh: "--as 仅限 root 使用；Unix 用户 \(userName) 只能以本人身份操作",
                en: "--as is for root only; Unix user \(userName) acts as itself",
                language: request.language
            )
        }
        guard let member = try lookupStaff(userName) else {
            throw ControlError(
                code: .refused,
                role: "staff",
                zh: "Unix 用户 \(userName) 没有工作人员记录；请管理员添加："
                    + "`hotlinectl staff add \(userName) --name 姓名 --dept 部门 --role operator`",
                en: "Unix user \(userName) has no staff record; an administrator adds one with "
                    + "`hotlinectl staff add \(userName) --name NAME --dept CODE --role operator`",
                language: request.language
            )
        }
        return .staff(member, actingRoot: false)
    }

    private func lookupStaff(_ login: String) throws -> StaffMember? {
        try database.withConnectionBlocking { connection in try StaffDirectory.staff(login: login, on: connection) }
    }

    private func require(_ role: Role, of caller: Caller, for command: String, language: Language) throws {
        guard caller.has(role) else {
            throw ControlError(
                code: .refused,
                role: role.rawValue,
                zh: "\(command) 需要 \(role.rawValue) 角色；\(caller.name) 没有该角色",
                en: "\(command) needs the \(role.rawValue) role; \(caller.name) does not have it",
                language: language
            )
        }
    }

    // MARK: - Commands

    private func dispatch(_ request: ControlRequest, caller: Caller) throws -> JSONValue {
        let arguments = ArgumentReader(request: request)
        switch request.command {
        case "dept.add":
            try require(.admin, of: caller, for: "dept add", language: request.language)
            let department = Department(
                code: try arguments.string("code"),
                name: try arguments.string("name"),
                head: try arguments.optionalString("head"),
                isCoordination: try arguments.bool("coordination")
            )
            let added = try database.withConnectionBlocking { connection in
                try StaffDirectory.addDepartment(department, on: connection)
            }
            logger.info("department added", metadata: ["department": "\(added.code)", "by": "\(caller.name)"])
            return added.json
        case "dept.list":
            return .array(try database.withConnectionBlocking(StaffDirectory.departments).map(\.json))
        case "staff.add":
            try require(.admin, of: caller, for: "staff add", language: request.language)
            let roleNames = try arguments.strings("roles")
            var roles = Set<Role>()
            for name in roleNames {
                guard let role = Role(rawValue: name) else {
                    throw ControlError(
                        code: .invalid,
                        zh: "未知角色“\(name)”；角色为 operator、handler、supervisor、qa、admin",
                        en: "unknown role '\(name)'; roles are operator, handler, supervisor, qa, admin",
                        language: request.language
                    )
                }
                roles.insert(role)
            }
            let member = StaffMember(
                login: try arguments.string("login"),
                name: try arguments.string("name"),
                department: try arguments.string("dept"),
                rank: try arguments.optionalInt("rank") ?? 0,
                roles: roles.isEmpty ? [.operator] : roles,
                extension: try arguments.optionalString("extension")
            )
            let added = try database.withConnectionBlocking { connection in
                try StaffDirectory.addStaff(member, on: connection)
            }
            logger.info("staff member added", metadata: ["login": "\(added.login)", "by": "\(caller.name)"])
            return added.json
        case "staff.list":
            let department = try arguments.optionalString("dept")
            return .array(
                try database.withConnectionBlocking { connection in
                    try StaffDirectory.staff(department: department, on: connection)
                }.map(\.json)
            )
        case "calls.list":
            let filterName = try arguments.optionalString("filter") ?? "all"
            guard let filter = CallQueries.Filter(rawValue: filterName) else {
                throw ControlError(
                    code: .invalid,
                    zh: "calls：筛选须为 all、active 或 missed",
                    en: "calls: filter must be all, active or missed",
                    language: request.language
                )
            }
            var since: Date?
            if let text = try arguments.optionalString("since") {
                guard let parsed = TimeFormatting.parseRFC3339(text) else {
                    throw ControlError(
                        code: .invalid,
                        zh: "--since：不是 RFC 3339 时间：\(text)",
                        en: "--since: not an RFC 3339 time: \(text)",
                        language: request.language
                    )
                }
                since = parsed
            }
            let limit = try arguments.optionalInt("limit") ?? 100
            guard (1...100_000).contains(limit) else {
                throw ControlError(
                    code: .invalid,
                    zh: "--limit 须在 1 到 100000 之间",
                    en: "--limit must be between 1 and 100000",
                    language: request.language
                )
            }
            let calls = try database.withConnectionBlocking { connection in
                try CallQueries.list(filter: filter, since: since, limit: limit, on: connection)
            }
            return .array(calls.map { $0.json(timeZone: timeZone) })
        case "call.show":
            let callID = try arguments.string("call")
            guard
                let (call, events) = try database.withConnectionBlocking({ connection in
                    try CallQueries.show(call: callID, on: connection)
                })
            else {
                throw ControlError(
                    code: .notFound,
                    zh: "登记册中没有呼叫 \(callID)",
                    en: "no call '\(callID)' in the register",
                    language: request.language
                )
            }
            guard case .object(var members) = call.json(timeZone: timeZone) else { return .null }
            members.append(("events", .array(events.map { $0.json(timeZone: timeZone) })))
            return .object(members)
        case "clock.advance", "clock.set":
            try require(.admin, of: caller, for: "clock", language: request.language)
            guard let manual = clock as? ManualClock else { throw ClockError.notManual }
            if request.command == "clock.advance" {
                try manual.advance(by: TimeInterval(try arguments.int("seconds")))
            } else {
                let text = try arguments.string("time")
                guard let time = TimeFormatting.parseRFC3339(text) else {
                    throw ControlError(
                        code: .invalid,
                        zh: "clock set：不是 RFC 3339 时间：\(text)",
                        en: "clock set: not an RFC 3339 time: \(text)",
                        language: request.language
                    )
                }
                try manual.set(to: time)
            }
            deadlinesChanged()
            return status(language: request.language).json
        default:
            if let result = try dispatchComplaint(request, caller: caller) { return result }
            throw ControlError(
                code: .invalid,
                zh: "未知命令“\(request.command)”",
                en: "unknown command '\(request.command)'",
                language: request.language
            )
        }
    }

    private func status(language: Language) -> StatusReport {
        let daemon = statusSource()
        let calendar = complaintRules.calendar
        let warnings = calendar.scheduleWarnings(on: calendar.localDate(of: clock.now()), warnFrom: ruleBook.warnFrom)
        var databaseState = "ok"
        var pending = 0
        do {
            pending = try database.withConnectionBlocking { connection in
                try schema.ensure(connection)
                let rows = try connection.query(
                    "SELECT count(*) AS pending FROM hotline.deadlines WHERE state = 'pending'"
                )
                return try rows.first?.decode("pending", as: Int.self) ?? 0
            }
        } catch {
            databaseState = "unreachable"
        }
        return StatusReport(
            version: HotlineVersion.current,
            database: databaseState,
            spoolDepth: daemon.spoolDepth,
            pendingDeadlines: pending,
            pbxConnections: daemon.pbxConnections,
            clock: clock.kind,
            now: TimeFormatting.rfc3339(clock.now(), timeZone: timeZone),
            state: databaseState == "ok" && daemon.spoolDepth == 0 ? "running" : "degraded",
            calendarOfficialThrough: calendar.officialThrough?.description,
            warnings: warnings.map { $0.text(in: language) }
        )
    }

    static func controlError(for error: DirectoryError, language: Language) -> ControlError {
        let message = error.text(in: language)
        switch error {
        case .invalidField: return ControlError(code: .invalid, message: message)
        case .alreadyExists: return ControlError(code: .refused, message: message)
        case .notFound: return ControlError(code: .notFound, message: message)
        case .conflict(let text):
            return ControlError(code: .refused, rule: text.contains("(R7)") ? "R7" : nil, message: message)
        }
    }
}

/// Counters the daemon's other parts report for `status`.
public struct DaemonStatus: Sendable {
    public var spoolDepth: Int
    public var pbxConnections: Int

    public init(spoolDepth: Int = 0, pbxConnections: Int = 0) {
        self.spoolDepth = spoolDepth
        self.pbxConnections = pbxConnections
    }
}

/// Who is asking, once the peer's credentials are mapped to the staff directory.
enum Caller {
    /// Root without `--as`: an administrator, so a new installation can be set up before any staff exists.
    case root
    case staff(StaffMember, actingRoot: Bool)

    var name: String {
        switch self {
        case .root: return "root"
        case .staff(let member, let actingRoot): return actingRoot ? "root as \(member.login)" : member.login
        }
    }

    func has(_ role: Role) -> Bool {
        switch self {
        case .root: return role == .admin
        case .staff(let member, _): return member.has(role)
        }
    }
}

/// Reads typed arguments of a request, with errors that name the argument.
struct ArgumentReader {
    let request: ControlRequest

    private func invalid(zh: String, en: String) -> ControlError {
        ControlError(code: .invalid, zh: zh, en: en, language: request.language)
    }

    func string(_ name: String) throws -> String {
        guard let value = try optionalString(name) else {
            throw invalid(zh: "缺少参数：\(name)", en: "missing argument: \(name)")
        }
        return value
    }

    func optionalString(_ name: String) throws -> String? {
        switch request[name] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw invalid(zh: "参数 \(name) 须为字符串", en: "argument \(name) must be a string")
        }
    }

    func int(_ name: String) throws -> Int {
        guard let value = try optionalInt(name) else {
            throw invalid(zh: "缺少参数：\(name)", en: "missing argument: \(name)")
        }
        return value
    }

    func optionalInt(_ name: String) throws -> Int? {
        switch request[name] {
        case nil, .null?: return nil
        case .int(let value)?: return Int(value)
        default: throw invalid(zh: "参数 \(name) 须为整数", en: "argument \(name) must be an integer")
        }
    }

    func bool(_ name: String) throws -> Bool {
        switch request[name] {
        case nil, .null?: return false
        case .bool(let value)?: return value
        default: throw invalid(zh: "参数 \(name) 须为 true 或 false", en: "argument \(name) must be true or false")
        }
    }

    func strings(_ name: String) throws -> [String] {
        switch request[name] {
        case nil, .null?: return []
        case .array(let values)?:
            return try values.map { value in
                guard case .string(let text) = value else {
                    throw invalid(zh: "参数 \(name) 须为字符串列表", en: "argument \(name) must be a list of strings")
                }
                return text
            }
        default: throw invalid(zh: "参数 \(name) 须为字符串列表", en: "argument \(name) must be a list of strings")
        }
    }
}
