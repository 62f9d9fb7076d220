import Foundation
import HotlineCore

// The wire form of ``ControlCommand``: its name and `args`, written and read in this one file, so the two sides
// cannot disagree on a field.

extension ControlCommand {
    /// The wire name: `status`, `dept.add`, `complaint.transfer`, …
    public var name: String {
        switch self {
        case .status: return "status"
        case .departmentAdd: return "dept.add"
        case .departmentList: return "dept.list"
        case .staffAdd: return "staff.add"
        case .staffList: return "staff.list"
        case .calls: return "calls.list"
        case .callShow: return "call.show"
        case .clockAdvance: return "clock.advance"
        case .clockSet: return "clock.set"
        case .complaintFile: return "complaint.file"
        case .complaintShow: return "complaint.show"
        case .complaintList: return "complaint.list"
        case .complaint(_, let verb): return "complaint.\(verb.name)"
        case .calendarImport: return "calendar.import"
        case .calendarShow: return "calendar.show"
        case .qaEscalations: return "qa.escalations"
        case .qaStats: return "qa.stats"
        case .auditVerify: return "audit.verify"
        case .auditSeal: return "audit.seal"
        case .auditHops: return "audit.hops"
        case .watch: return "watch"
        case .dutySet: return "duty.set"
        case .dutyShow: return "duty.show"
        case .inbox: return "inbox.list"
        case .inboxRead: return "inbox.read"
        case .noticesFailed: return "notices.failed"
        case .noticesRetry: return "notices.retry"
        case .metrics: return "metrics"
        case .matterAdd: return "matter.add"
        case .matterEdit: return "matter.edit"
        case .matterShow: return "matter.show"
        case .matterList: return "matter.list"
        case .matterSearch: return "matter.search"
        case .matterImport: return "matter.import"
        case .callerShow: return "caller.show"
        case .complaintMerge: return "complaint.merge"
        case .callbackList: return "callback.list"
        case .callbackDone: return "callback.done"
        }
    }

    /// The `args` object.
    public var arguments: [(String, JSONValue)] {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func utc(_ time: Date) -> String { TimeFormatting.rfc3339(time, timeZone: TimeZone(secondsFromGMT: 0)!) }
        func date(_ value: LocalDate?) -> JSONValue { text(value?.description) }
        switch self {
        case .status, .departmentList, .noticesFailed, .metrics:
            return []
        case .watch(let mine):
            return mine ? [("mine", .bool(true))] : []
        case .dutySet(let login, let from, let to):
            return [("login", .string(login)), ("from", .string(utc(from))), ("to", .string(utc(to)))]
        case .dutyShow(let at):
            return [("at", text(at.map(utc)))]
        case .inbox(let all):
            return [("all", .bool(all))]
        case .inboxRead(let ids, let all):
            return [("ids", .array(ids.map { .int($0) })), ("all", .bool(all))]
        case .noticesRetry(let id):
            return [("id", .int(id))]
        case .departmentAdd(let department):
            return [
                ("code", .string(department.code)), ("name", .string(department.name)), ("head", text(department.head)),
                ("coordination", .bool(department.isCoordination)),
            ]
        case .staffAdd(let member):
            return [
                ("login", .string(member.login)), ("name", .string(member.name)), ("dept", .string(member.department)),
                ("rank", .int(Int64(member.rank))),
                ("roles", .array(member.roles.sorted().map { .string($0.rawValue) })),
                ("extension", text(member.extension)),
            ]
        case .staffList(let department):
            return [("dept", text(department))]
        case .calls(let query):
            return [
                ("filter", .string(query.filter.rawValue)),
                ("since", text(query.since.map(utc))),
                ("limit", .int(Int64(query.limit))),
            ]
        case .callShow(let call):
            return [("call", .string(call))]
        case .clockAdvance(let seconds):
            return [("seconds", .int(Int64(seconds)))]
        case .clockSet(let time):
            return [("time", .string(utc(time)))]
        case .complaintFile(let filing):
            return [
                ("call", text(filing.callID)), ("name", text(filing.callerName)),
                ("phone", text(filing.callerPhone?.normalized)), ("address", text(filing.callerAddress)),
                ("matter", .string(filing.matter)), ("category", text(filing.category)),
                ("urgent", .bool(filing.urgent)),
            ]
        case .complaintShow(let id):
            return [("id", .string(id))]
        case .complaintList(let query):
            return [
                ("mine", .bool(query.mine)), ("dept", text(query.department)), ("state", text(query.state?.rawValue)),
                ("overdue", .bool(query.overdue)), ("limit", .int(Int64(query.limit))),
            ]
        case .complaint(let id, let verb):
            return [("id", .string(id))] + verb.arguments
        case .calendarImport(let file, let content):
            return [("file", .string(file)), ("content", .string(content))]
        case .calendarShow(let month):
            return [("month", text(month?.description))]
        case .qaEscalations(let from, let to, let department):
            return [("from", date(from)), ("to", date(to)), ("dept", text(department))]
        case .qaStats(let period, let assessment):
            return [("period", .string(period.description)), ("assessment", .bool(assessment))]
        case .auditSeal(let period):
            return [("period", .string(period.description))]
        case .auditHops(let id, let after, let complaints):
            return [
                ("id", text(id)), ("after", text(after)), ("complaints", complaints.map { .int(Int64($0)) } ?? .null),
            ]
        case .auditVerify(let id, let anchors):
            return [
                ("id", text(id)), ("anchor_files", .array(anchors.map { .string($0.name) })),
                ("anchor_contents", .array(anchors.map { .string($0.text) })),
            ]
        case .matterAdd(let matter):
            return [("code", .string(matter.code))] + Self.matterFields(matter.changes)
        case .matterEdit(let code, let changes):
            return [("code", .string(code))] + Self.matterFields(changes)
        case .matterShow(let code, let version):
            return [("code", .string(code)), ("version", version.map { .int(Int64($0)) } ?? .null)]
        case .matterList(let department):
            return [("dept", text(department))]
        case .matterSearch(let query, let limit):
            return [("text", .string(query)), ("limit", .int(Int64(limit)))]
        case .matterImport(let file, let content):
            return [("file", .string(file)), ("content", .string(content))]
        case .callerShow(let phone):
            return [("phone", .string(phone.normalized))]
        case .callbackList(let openOnly, let limit):
            return [("open", .bool(openOnly)), ("limit", .int(Int64(limit)))]
        case .callbackDone(let call, let outcome, let note):
            return [("call", .string(call)), ("outcome", .string(outcome.rawValue)), ("note", text(note))]
        case .complaintMerge(let id, let into, let reason):
            return [("id", .string(id)), ("into", .string(into)), ("reason", .string(reason))]
        }
    }

    /// A matter's fields as `args`, absent ones `null` (an edit leaves them as they are).
    private static func matterFields(_ changes: MatterChanges) -> [(String, JSONValue)] {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return [
            ("title", text(changes.title)), ("dept", text(changes.department)),
            ("conditions", text(changes.conditions)), ("materials", text(changes.materials)),
            ("fees", text(changes.fees)), ("time_limit", text(changes.timeLimit)),
            ("procedure", text(changes.procedure)), ("refusal", text(changes.refusal)),
            ("keywords", changes.keywords.map { .array($0.map(JSONValue.string)) } ?? .null),
        ]
    }

    /// Reads a request's command and arguments with the same checks `hotlinectl` makes before sending, and errors
    /// that name the argument in the reader's language (exit 2).
    public init(name: String, arguments: [(String, JSONValue)], language: Language) throws(ControlError) {
        let args = ArgumentValues(arguments, language: language)
        switch name {
        case "status": self = .status
        case "dept.list": self = .departmentList
        case "watch": self = .watch(mine: try args.bool("mine"))
        case "duty.set":
            guard let from = try args.optionalTime("from") else { throw args.missing("from") }
            guard let to = try args.optionalTime("to") else { throw args.missing("to") }
            guard to > from else {
                throw args.invalid(zh: "--to 须晚于 --from", en: "--to must be later than --from")
            }
            self = .dutySet(login: try args.string("login"), from: from, to: to)
        case "duty.show": self = .dutyShow(at: try args.optionalTime("at"))
        case "inbox.list": self = .inbox(all: try args.bool("all"))
        case "inbox.read":
            let ids = try args.int64s("ids")
            let all = try args.bool("all")
            guard all != !ids.isEmpty else {
                throw args.invalid(
                    zh: "inbox read 须给出通知编号或 --all（二者择一）",
                    en: "inbox read takes notice ids or --all, one of the two"
                )
            }
            self = .inboxRead(ids: ids, all: all)
        case "notices.failed": self = .noticesFailed
        case "metrics": self = .metrics
        case "notices.retry":
            guard let id = try args.optionalInt("id") else { throw args.missing("id") }
            self = .noticesRetry(id: Int64(id))
        case "dept.add":
            self = .departmentAdd(
                Department(
                    code: try args.string("code"),
                    name: try args.string("name"),
                    head: try args.optionalString("head"),
                    isCoordination: try args.bool("coordination")
                )
            )
        case "staff.add":
            let roles = try ControlArgument.roles(try args.strings("roles"), language: language)
            self = .staffAdd(
                StaffMember(
                    login: try args.string("login"),
                    name: try args.string("name"),
                    department: try args.string("dept"),
                    rank: try args.optionalInt("rank") ?? 0,
                    roles: roles,
                    extension: try args.optionalString("extension")
                )
            )
        case "staff.list": self = .staffList(department: try args.optionalString("dept"))
        case "calls.list":
            let filterName = try args.optionalString("filter") ?? "all"
            guard let filter = CallListQuery.Filter(rawValue: filterName) else {
                throw args.invalid(
                    zh: "calls：筛选须为 all、active 或 missed",
                    en: "calls: filter must be all, active or missed"
                )
            }
            let limit = try args.optionalInt("limit") ?? 100
            guard (1...100_000).contains(limit) else {
                throw args.invalid(zh: "--limit 须在 1 到 100000 之间", en: "--limit must be between 1 and 100000")
            }
            self = .calls(CallListQuery(filter: filter, since: try args.optionalTime("since"), limit: limit))
        case "call.show": self = .callShow(call: try args.string("call"))
        case "clock.advance": self = .clockAdvance(seconds: try args.int("seconds"))
        case "clock.set":
            guard let time = try args.optionalTime("time") else { throw args.missing("time") }
            self = .clockSet(time)
        case "complaint.file":
            var phone: PhoneNumber?
            if let text = try args.optionalString("phone") {
                phone = try ControlArgument.phone(text, language: language)
            }
            self = .complaintFile(
                ComplaintFiling(
                    callID: try args.optionalString("call"),
                    callerName: try args.optionalString("name"),
                    callerPhone: phone,
                    callerAddress: try args.optionalString("address"),
                    matter: try args.optionalString("matter") ?? "",
                    category: try args.optionalString("category"),
                    urgent: try args.bool("urgent")
                )
            )
        case "complaint.show": self = .complaintShow(id: try args.string("id"))
        case "complaint.list":
            var state: ComplaintState?
            if let text = try args.optionalString("state") {
                state = try ControlArgument.state(text, language: language)
            }
            self = .complaintList(
                ComplaintListQuery(
                    mine: try args.bool("mine"),
                    department: try args.optionalString("dept"),
                    state: state,
                    overdue: try args.bool("overdue"),
                    limit: try args.optionalInt("limit") ?? 100
                )
            )
        case "calendar.import":
            self = .calendarImport(file: try args.string("file"), content: try args.string("content"))
        case "calendar.show":
            var month: YearMonth?
            if let text = try args.optionalString("month") {
                month = try ControlArgument.month(text, language: language)
            }
            self = .calendarShow(month: month)
        case "qa.escalations":
            self = .qaEscalations(
                from: try args.optionalDate("from"),
                to: try args.optionalDate("to"),
                department: try args.optionalString("dept")
            )
        case "qa.stats":
            self = .qaStats(
                period: try ControlArgument.period(try args.string("period"), language: language),
                assessment: try args.bool("assessment")
            )
        case "audit.seal":
            self = .auditSeal(period: try ControlArgument.period(try args.string("period"), language: language))
        case "audit.hops":
            let complaints = try args.optionalInt("complaints")
            if let complaints, !(1...ControlCommand.maximumHopsPage).contains(complaints) {
                throw args.invalid(
                    zh: "complaints 须为 1 至 \(ControlCommand.maximumHopsPage) 之间的整数",
                    en: "complaints must be a number from 1 to \(ControlCommand.maximumHopsPage)"
                )
            }
            // The cursor is a complaint id, as `next` gave it.
            let after = try args.optionalString("after")
            if let after,
                after.isEmpty || after.utf8.count > 19 || !after.utf8.allSatisfy({ (0x30...0x39).contains($0) })
            {
                throw args.invalid(zh: "after 须为投诉编号（数字）", en: "after must be a complaint id (digits)")
            }
            self = .auditHops(id: try args.optionalString("id"), after: after, complaints: complaints)
        case "audit.verify":
            let names = try args.strings("anchor_files")
            let contents = try args.strings("anchor_contents")
            guard names.count == contents.count else {
                throw args.invalid(
                    zh: "anchor_files 与 anchor_contents 须一一对应",
                    en: "anchor_files and anchor_contents must be of the same length"
                )
            }
            self = .auditVerify(
                id: try args.optionalString("id"),
                anchors: zip(names, contents).map { AnchorChain.File(name: $0, text: $1) }
            )
        case "matter.add":
            let changes = try args.matterChanges()
            let matter = Matter(
                code: try args.string("code"),
                title: changes.title ?? "",
                department: changes.department ?? "",
                conditions: changes.conditions ?? "",
                materials: changes.materials ?? "",
                fees: changes.fees ?? "",
                timeLimit: changes.timeLimit ?? "",
                procedure: changes.procedure ?? "",
                refusal: changes.refusal,
                keywords: changes.keywords ?? []
            )
            self = .matterAdd(try ControlArgument.matter(matter, language: language))
        case "matter.edit":
            let code = try args.string("code")
            self = .matterEdit(
                code: code,
                try ControlArgument.matterChanges(try args.matterChanges(), language: language)
            )
        case "matter.show":
            let version = try args.optionalInt("version")
            if let version, version < 1 {
                throw args.invalid(zh: "--version 须为正整数", en: "--version must be a positive integer")
            }
            self = .matterShow(code: try args.string("code"), version: version)
        case "matter.list": self = .matterList(department: try args.optionalString("dept"))
        case "matter.search":
            self = .matterSearch(
                text: try ControlArgument.searchText(try args.string("text"), language: language),
                limit: try ControlArgument.limit(try args.optionalInt("limit") ?? 20, language: language)
            )
        case "matter.import":
            self = .matterImport(file: try args.string("file"), content: try args.string("content"))
        case "callback.list":
            self = .callbackList(
                openOnly: try args.bool("open"),
                limit: try ControlArgument.limit(try args.optionalInt("limit") ?? 100, language: language)
            )
        case "callback.done":
            self = .callbackDone(
                call: try args.string("call"),
                outcome: try ControlArgument.callbackOutcome(try args.string("outcome"), language: language),
                note: try ControlArgument.callbackNote(try args.optionalString("note"), language: language)
            )
        case "complaint.merge":
            self = .complaintMerge(
                id: try args.string("id"),
                into: try args.string("into"),
                reason: try args.optionalString("reason") ?? ""
            )
        case "caller.show":
            self = .callerShow(phone: try ControlArgument.phone(try args.string("phone"), language: language))
        default:
            guard name.hasPrefix("complaint.") else {
                throw args.invalid(zh: "未知命令“\(name)”", en: "unknown command '\(name)'")
            }
            let verb = try ComplaintVerb(name: String(name.dropFirst("complaint.".count)), args)
            self = .complaint(id: try args.string("id"), verb)
        }
    }
}

extension ComplaintVerb {
    fileprivate var arguments: [(String, JSONValue)] {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        switch self {
        case .resolve(let answer, let told):
            return [("answer", .string(answer)), ("told", .array(told.map(JSONValue.string)))]
        case .transfer(let to, let reason), .reroute(let to, let reason):
            return [("to", .string(to)), ("reason", .string(reason))]
        case .accept(let handler): return [("handler", text(handler))]
        case .returnToCoordination(let reason): return [("reason", .string(reason))]
        case .reply(let result): return [("result", .string(result))]
        case .urge(let note): return [("note", text(note))]
        case .escalate(let level, let reason): return [("to", .string(level.rawValue)), ("reason", .string(reason))]
        case .handover(let to, let approvedBy): return [("to", .string(to)), ("approved_by", .string(approvedBy))]
        case .extend(let allowance, let reason, let approvedBy):
            return [
                ("by", .string(allowance.description)), ("reason", .string(reason)),
                ("approved_by", .string(approvedBy)),
            ]
        case .feedback(let satisfaction, let comment):
            return [("satisfaction", .int(Int64(satisfaction))), ("comment", text(comment))]
        }
    }

    fileprivate init(name: String, _ args: ArgumentValues) throws(ControlError) {
        switch name {
        case "resolve":
            self = .resolve(
                answer: try args.optionalString("answer") ?? "",
                told: try ControlArgument.matterCodes(try args.strings("told"), language: args.language)
            )
        case "transfer": self = .transfer(to: try args.string("to"), reason: try args.optionalString("reason") ?? "")
        case "accept": self = .accept(handler: try args.optionalString("handler"))
        case "return": self = .returnToCoordination(reason: try args.optionalString("reason") ?? "")
        case "reroute": self = .reroute(to: try args.string("to"), reason: try args.optionalString("reason") ?? "")
        case "reply": self = .reply(result: try args.optionalString("result") ?? "")
        case "urge": self = .urge(note: try args.optionalString("note"))
        case "escalate":
            let level = try ControlArgument.escalationLevel(try args.string("to"), language: args.language)
            self = .escalate(to: level, reason: try args.optionalString("reason") ?? "")
        case "handover": self = .handover(to: try args.string("to"), approvedBy: try args.string("approved_by"))
        case "extend":
            let allowance = try ControlArgument.allowance(try args.string("by"), language: args.language)
            self = .extend(
                by: allowance,
                reason: try args.optionalString("reason") ?? "",
                approvedBy: try args.string("approved_by")
            )
        case "feedback":
            self = .feedback(
                satisfaction: try args.int("satisfaction"),
                comment: try args.optionalString("comment")
            )
        default:
            throw args.invalid(zh: "未知命令“complaint \(name)”", en: "unknown command 'complaint \(name)'")
        }
    }
}

/// The `args` object of a request, read by name with errors that say which argument and what it must be.
private struct ArgumentValues {
    let values: [(String, JSONValue)]
    let language: Language

    init(_ values: [(String, JSONValue)], language: Language) {
        self.values = values
        self.language = language
    }

    func invalid(zh: String, en: String) -> ControlError {
        ControlError(code: .invalid, zh: zh, en: en, language: language)
    }

    func missing(_ name: String) -> ControlError {
        invalid(zh: "缺少参数：\(name)", en: "missing argument: \(name)")
    }

    private func value(_ name: String) -> JSONValue? {
        switch values.first(where: { $0.0 == name })?.1 {
        case nil, .null?: return nil
        case let value?: return value
        }
    }

    func string(_ name: String) throws(ControlError) -> String {
        guard let value = try optionalString(name) else { throw missing(name) }
        return value
    }

    func optionalString(_ name: String) throws(ControlError) -> String? {
        guard let value = value(name) else { return nil }
        guard case .string(let text) = value else {
            throw invalid(zh: "参数 \(name) 须为字符串", en: "argument \(name) must be a string")
        }
        return text
    }

    func int(_ name: String) throws(ControlError) -> Int {
        guard let value = try optionalInt(name) else { throw missing(name) }
        return value
    }

    func optionalInt(_ name: String) throws(ControlError) -> Int? {
        guard let value = value(name) else { return nil }
        guard case .int(let number) = value, let int = Int(exactly: number) else {
            throw invalid(zh: "参数 \(name) 须为整数", en: "argument \(name) must be an integer")
        }
        return int
    }

    func bool(_ name: String) throws(ControlError) -> Bool {
        guard let value = value(name) else { return false }
        guard case .bool(let flag) = value else {
            throw invalid(zh: "参数 \(name) 须为 true 或 false", en: "argument \(name) must be true or false")
        }
        return flag
    }

    func int64s(_ name: String) throws(ControlError) -> [Int64] {
        guard let value = value(name) else { return [] }
        guard case .array(let elements) = value else {
            throw invalid(zh: "参数 \(name) 须为整数列表", en: "argument \(name) must be a list of integers")
        }
        var result: [Int64] = []
        for element in elements {
            guard case .int(let number) = element, number > 0 else {
                throw invalid(zh: "参数 \(name) 须为正整数列表", en: "argument \(name) must be a list of positive integers")
            }
            result.append(number)
        }
        return result
    }

    func strings(_ name: String) throws(ControlError) -> [String] {
        guard let value = value(name) else { return [] }
        guard case .array(let elements) = value else {
            throw invalid(zh: "参数 \(name) 须为字符串列表", en: "argument \(name) must be a list of strings")
        }
        var result: [String] = []
        for element in elements {
            guard case .string(let text) = element else {
                throw invalid(zh: "参数 \(name) 须为字符串列表", en: "argument \(name) must be a list of strings")
            }
            result.append(text)
        }
        return result
    }

    /// The matter fields of `matter add|edit`, each nil when absent.
    func matterChanges() throws(ControlError) -> MatterChanges {
        MatterChanges(
            title: try optionalString("title"),
            department: try optionalString("dept"),
            conditions: try optionalString("conditions"),
            materials: try optionalString("materials"),
            fees: try optionalString("fees"),
            timeLimit: try optionalString("time_limit"),
            procedure: try optionalString("procedure"),
            refusal: try optionalString("refusal"),
            keywords: value("keywords") == nil ? nil : try strings("keywords")
        )
    }

    func optionalTime(_ name: String) throws(ControlError) -> Date? {
        guard let text = try optionalString(name) else { return nil }
        return try ControlArgument.time(text, option: name, language: language)
    }

    func optionalDate(_ name: String) throws(ControlError) -> LocalDate? {
        guard let text = try optionalString(name) else { return nil }
        return try ControlArgument.date(text, option: name, language: language)
    }
}

extension ControlRequest {
    /// A request for a typed command.
    public init(_ command: ControlCommand, actAs: String? = nil, language: Language = .en) {
        self.init(command: command.name, actAs: actAs, language: language, arguments: command.arguments)
    }

    /// The typed command of this request, checked.
    public func decodedCommand() throws(ControlError) -> ControlCommand {
        let command = try ControlCommand(name: command, arguments: arguments, language: language)
        try command.checkLimits(language: language)
        return command
    }
}
