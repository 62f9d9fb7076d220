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
    /// Where committed hops are anchored outside the database (issue 17).
    let anchors: AnchorLog
    private let statusSource: @Sendable () -> DaemonStatus
    private let identification: CallerIdentification
    /// Where complaint commands read and write: PostgreSQL, or memory in handler tests.
    let complaintRecords: any ComplaintRecords
    /// Where QA commands read: PostgreSQL, or memory in handler tests.
    let qaRecords: any QARecords

    public convenience init(
        database: PostgresSession,
        schema: SchemaGate,
        rules: RuleBook,
        clock: any HotlineClock,
        timeZone: TimeZone,
        logger: Logger,
        anchors: AnchorLog,
        statusSource: @escaping @Sendable () -> DaemonStatus,
        deadlinesChanged: @escaping @Sendable () -> Void = {}
    ) {
        self.init(
            database: database,
            schema: schema,
            rules: rules,
            clock: clock,
            timeZone: timeZone,
            logger: logger,
            anchors: anchors,
            statusSource: statusSource,
            deadlinesChanged: deadlinesChanged,
            complaintRecords: StoredComplaintRecords(database: database),
            qaRecords: StoredQARecords(database: database)
        )
    }

    /// - Parameters:
    ///   - complaintRecords: where complaint commands read and write (memory in handler tests).
    ///   - qaRecords: where QA commands read (memory in handler tests).
    init(
        database: PostgresSession,
        schema: SchemaGate,
        rules: RuleBook,
        clock: any HotlineClock,
        timeZone: TimeZone,
        logger: Logger,
        anchors: AnchorLog,
        statusSource: @escaping @Sendable () -> DaemonStatus,
        deadlinesChanged: @escaping @Sendable () -> Void,
        complaintRecords: any ComplaintRecords,
        qaRecords: any QARecords
    ) {
        self.complaintRecords = complaintRecords
        self.qaRecords = qaRecords
        self.anchors = anchors
        self.deadlinesChanged = deadlinesChanged
        self.database = database
        self.schema = schema
        self.ruleBook = rules
        self.clock = clock
        self.timeZone = timeZone
        self.logger = logger
        self.statusSource = statusSource
        identification = CallerIdentification(roster: StoredStaffRoster(database: database), daemonUID: geteuid())
    }

    public func handle(_ request: ControlRequest, peer: PeerCredentials) -> ControlResponse {
        let response = answer(request, peer: peer)
        switch response {
        case .success: DaemonMetrics.controlRequest(command: request.command, exit: 0)
        case .failure(let error): DaemonMetrics.controlRequest(command: request.command, exit: error.code.exitStatus)
        }
        return response
    }

    private func answer(_ request: ControlRequest, peer: PeerCredentials) -> ControlResponse {
        do {
            // `status` answers even when the database is down: that is when people need it most.
            if request.command == "status" { return .success(status(language: request.language).json) }
            // Metrics too: they say what is wrong when the database is.
            if request.command == ControlCommand.metrics.name {
                return .success(metricsText())
            }
            if !schema.isReady {
                try database.withConnectionBlocking { connection in try schema.ensure(connection) }
            }
            let caller = try identify(request, peer: peer)
            let command = try request.decodedCommand()
            return .success(try dispatch(command, caller: caller, language: request.language))
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
            // The details are for the journal; a person is told what it means and where the details are.
            let incident = ControlHandler.incident()
            logger.warning(
                "database unreachable for a control request",
                metadata: ["INCIDENT": "\(incident)", "command": "\(request.command)", "error": "\(error)"]
            )
            return .failure(
                ControlError(
                    code: .unavailable,
                    zh: "数据库暂时无法连接，请稍后再试（已记录，编号 \(incident)）",
                    en: "the database is unavailable; try again shortly (logged as \(incident))",
                    language: request.language
                )
            )
        } catch {
            // A constraint that fires here is a check missing before it (a bug): never shown to a person as SQL.
            let incident = ControlHandler.incident()
            logger.error(
                "control request failed",
                metadata: ["INCIDENT": "\(incident)", "command": "\(request.command)", "error": "\(error)"]
            )
            return .failure(
                ControlError(
                    code: .internalError,
                    zh: "内部错误（已记录，编号 \(incident)）",
                    en: "internal error (logged as \(incident))",
                    language: request.language
                )
            )
        }
    }

    // MARK: - Identity (SPEC §6)

    /// The caller of a request, by the rules of ``CallerIdentification``.
    func identify(_ request: ControlRequest, peer: PeerCredentials) throws -> Caller {
        try identification.identify(
            uid: peer.uid,
            userName: peer.uid == 0 ? "root" : peer.userName,
            actAs: request.actAs,
            language: request.language
        )
    }

    /// `{"text": …}`: the metrics in the Prometheus text format.
    private func metricsText() -> JSONValue {
        .object([("text", .string(DaemonMetrics.shared.exposition(status: statusSource(), database: database)))])
    }

    /// A short id that ties what a person was told to the journal entry with the details.
    static func incident() -> String {
        String(UInt32.random(in: 0...UInt32.max), radix: 16, uppercase: true)
    }

    /// The user this process runs as.
    func lookupStaff(_ login: String) throws -> StaffMember? {
        try identification.roster.staff(login: login)
    }

    // MARK: - Commands

    /// One typed command, by concern: each `Commands/…` file holds the commands of one part of the product.
    private func dispatch(_ command: ControlCommand, caller: Caller, language: Language) throws -> JSONValue {
        switch command {
        case .status: return status(language: language).json
        case .departmentAdd(let department): return try addDepartment(department, caller: caller, language: language)
        case .departmentList: return try departments()
        case .staffAdd(let member): return try addStaff(member, caller: caller, language: language)
        case .staffList(let department): return try staff(department: department)
        case .calls(let query): return try calls(query)
        case .callShow(let call): return try callDetails(call, language: language)
        case .clockAdvance(let seconds): return try advanceClock(by: seconds, caller: caller, language: language)
        case .clockSet(let time): return try setClock(to: time, caller: caller, language: language)
        case .complaintFile(let filing): return try fileComplaint(filing, caller: caller, language: language)
        case .complaintShow(let id): return try complaintJSON(id, language: language)
        case .complaintList(let query): return try listComplaints(query, caller: caller, language: language)
        case .complaint(let id, let verb): return try act(verb, on: id, caller: caller, language: language)
        case .calendarImport(let file, let content):
            return try importCalendar(file: file, content: content, caller: caller, language: language)
        case .calendarShow(let month): return calendarMonth(month)
        case .qaEscalations(let from, let to, let department):
            return try qaEscalations(from: from, to: to, department: department, caller: caller, language: language)
        case .qaStats(let period, let assessment):
            return try qaStats(period, assessment: assessment, caller: caller, language: language)
        case .auditVerify(let id, let files): return try verifyAudit(id, anchorFiles: files, language: language)
        case .auditSeal(let period): return try periodSeal(period).json
        case .auditHops(let id, let after, let complaints):
            return try storedHops(id, after: after, complaints: complaints)
        case .dutySet(let login, let from, let to):
            return try setDuty(login: login, from: from, to: to, caller: caller, language: language)
        case .dutyShow(let at): return try dutyShifts(at: at)
        case .inbox(let all): return try inbox(all: all, caller: caller, language: language)
        case .inboxRead(let ids, let all): return try readInbox(ids: ids, all: all, caller: caller, language: language)
        case .noticesFailed: return try failedDeliveries(caller: caller, language: language)
        case .noticesRetry(let id): return try retryDeliveries(of: id, caller: caller, language: language)
        case .metrics:
            return metricsText()
        case .matterAdd(let matter): return try addMatter(matter, caller: caller, language: language)
        case .matterEdit(let code, let changes):
            return try editMatter(code, changes, caller: caller, language: language)
        case .matterShow(let code, let version): return try showMatter(code, version: version, language: language)
        case .matterList(let department): return try listMatters(department: department, language: language)
        case .matterSearch(let text, let limit): return try searchMatters(text, limit: limit, language: language)
        case .matterImport(let file, let content):
            return try importMatters(file: file, content: content, caller: caller, language: language)
        case .callerShow(let phone): return try callerHistory(phone)
        case .callbackList(let openOnly, let limit): return try callbacks(openOnly: openOnly, limit: limit)
        case .callbackDone(let call, let outcome, let note):
            return try recordCallback(call: call, outcome: outcome, note: note, caller: caller, language: language)
        case .complaintMerge(let id, let into, let reason):
            return try mergeComplaint(id, into: into, reason: reason, caller: caller, language: language)
        case .watch:
            // The server turns a `watch` connection into an event stream before it reaches here.
            throw ControlError(
                code: .invalid,
                zh: "watch 须作为连接上的第一条请求",
                en: "watch must be the first request on its connection",
                language: language
            )
        }
    }

    /// Refuses unless the caller has the role (the refusal names it).
    func require(_ role: Role, of caller: Caller, for command: String, language: Language) throws {
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

    func status(language: Language) -> StatusReport {
        let daemon = statusSource()
        let calendar = complaintRules.calendar
        let warnings = calendar.scheduleWarnings(on: calendar.localDate(of: clock.now()), warnFrom: ruleBook.warnFrom)
        var databaseState = "ok"
        var pending = 0
        do {
            pending = try database.withConnectionBlocking { connection in
                try schema.ensure(connection)
                return try DeadlineStore.pendingCount(on: connection)
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
    /// Root, or the daemon's own user without a staff record, without `--as`: an administrator, so a new
    /// installation can be set up before any staff exists.
    case administrator(String)
    /// A staff member: themselves, or named with `--as` by the administrator `actingFor` (recorded as such in the
    /// hops); `administrator` when the member is the daemon's own user, who keeps the admin role.
    case staff(StaffMember, actingFor: String?, administrator: Bool)

    var name: String {
        switch self {
        case .administrator(let name): return name
        case .staff(let member, let actingFor, _): return actingFor.map { "\($0) as \(member.login)" } ?? member.login
        }
    }

    func has(_ role: Role) -> Bool {
        switch self {
        case .administrator: return role == .admin
        case .staff(let member, _, let administrator): return member.has(role) || (administrator && role == .admin)
        }
    }
}
