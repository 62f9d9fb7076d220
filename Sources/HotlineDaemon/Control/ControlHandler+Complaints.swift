import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import Logging

/// The `complaint` verbs and `audit verify` (SPEC §6, R1–R16): identity and arguments here, the rules in
/// ``ComplaintWorkflow``, the writing in ``ComplaintStore``.
extension ControlHandler {
    func dispatchComplaint(_ request: ControlRequest, caller: Caller) throws -> JSONValue? {
        let arguments = ArgumentReader(request: request)
        switch request.command {
        case "complaint.file":
            let actor = try acting(caller, for: "complaint file", language: request.language)
            var phone: PhoneNumber?
            if let text = try arguments.optionalString("phone") {
                do {
                    phone = try PhoneNumber(validating: text)
                } catch {
                    throw ControlError(
                        code: .invalid,
                        zh: "--phone：\(error.text(in: .zh))",
                        en: "--phone: \(error.text(in: .en))",
                        language: request.language
                    )
                }
            }
            let filing = ComplaintFiling(
                callID: try arguments.optionalString("call"),
                callerName: try arguments.optionalString("name"),
                callerPhone: phone,
                callerAddress: try arguments.optionalString("address"),
                matter: try arguments.optionalString("matter") ?? "",
                category: try arguments.optionalString("category"),
                urgent: try arguments.bool("urgent")
            )
            let context = try complaintContext()
            let now = clock.now()
            let id = try database.withConnectionBlocking { connection in
                try ComplaintStore.file(filing, by: actor, at: now, context: context, on: connection)
            }
            logger.info("complaint filed", metadata: ["complaint_id": "\(id)", "by": "\(caller.name)"])
            deadlinesChanged()
            return try complaintJSON(id, language: request.language)
        case "complaint.show":
            return try complaintJSON(try arguments.string("id"), language: request.language)
        case "complaint.list":
            var responsible: String?
            if try arguments.bool("mine") {
                responsible = try acting(caller, for: "complaint list --mine", language: request.language).login
            }
            let overdue = try arguments.bool("overdue") ? clock.now() : nil
            let department = try arguments.optionalString("dept")
            let state = try arguments.optionalString("state")
            if let state, ComplaintState(rawValue: state) == nil {
                let states = ComplaintState.allCases.map(\.rawValue).joined(separator: ", ")
                throw ControlError(
                    code: .invalid,
                    zh: "--state 须为以下之一：\(states)",
                    en: "--state must be one of \(states)",
                    language: request.language
                )
            }
            let limit = try arguments.optionalInt("limit") ?? 100
            let complaints = try database.withConnectionBlocking { connection in
                try ComplaintQueries.list(
                    responsible: responsible,
                    department: department,
                    state: state,
                    overdueAt: overdue,
                    limit: limit,
                    on: connection
                )
            }
            return .array(complaints.map { complaintJSON($0, language: request.language) })
        case "calendar.import":
            try requireAdmin(caller, for: "calendar import", language: request.language)
            let fileName = try arguments.string("file")
            let text = try arguments.string("content")
            let overrides: [CalendarOverride]
            do {
                overrides = try CalendarFileParser.parse(text, fileName: fileName)
            } catch {
                // Nothing of a bad file is applied; the error names the file and line.
                throw ControlError(
                    code: .invalid,
                    zh: error.text(in: .zh),
                    en: error.text(in: .en),
                    language: request.language
                )
            }
            // The calendar before and after, from the database's overrides (another daemon may have imported since
            // this one loaded them), so the recomputation sees exactly what this import changes.
            let rules = complaintRules
            let now = clock.now()
            let moves = try database.withConnectionBlocking { connection in
                try CalendarStore.importSchedule(
                    overrides,
                    source: fileName,
                    by: caller.name,
                    at: now,
                    warningShare: rules.deadlines.warningShare,
                    on: connection
                ) { stored in
                    (ruleBook.calendar(withImported: stored), ruleBook.calendar(withImported: stored + overrides))
                }
            }
            let stored = try database.withConnectionBlocking { connection in try CalendarStore.load(on: connection) }
            ruleBook.setImported(stored)
            deadlinesChanged()
            let calendar = complaintRules.calendar
            let years = Set(overrides.map(\.date.year)).sorted()
            logger.info(
                "calendar imported",
                metadata: [
                    "file": "\(fileName)", "days": "\(overrides.count)", "deadlines_moved": "\(moves.count)",
                    "official_years": "\(years.filter(calendar.isOfficial(year:)))",
                ]
            )
            for move in moves {
                logger.notice(
                    "deadline moved by the calendar import",
                    metadata: [
                        "complaint_id": "\(move.complaintID)", "deadline": "\(move.kind)",
                        "old_due_at": "\(TimeFormatting.rfc3339(move.oldDueAt, timeZone: timeZone))",
                        "new_due_at": "\(TimeFormatting.rfc3339(move.newDueAt, timeZone: timeZone))",
                        "file": "\(fileName)",
                    ]
                )
            }
            return .object([
                ("file", .string(fileName)),
                ("holidays", .int(Int64(overrides.filter { $0.kind == .holiday }.count))),
                ("workdays", .int(Int64(overrides.filter { $0.kind == .workday }.count))),
                ("official_years", .array(years.filter(calendar.isOfficial(year:)).map { .int(Int64($0)) })),
                ("partial_years", .array(years.filter { !calendar.isOfficial(year: $0) }.map { .int(Int64($0)) })),
                ("calendar_official_through", calendar.officialThrough.map { .string($0.description) } ?? .null),
                (
                    "moved_deadlines",
                    .array(
                        moves.map { move in
                            .object([
                                ("complaint", .string(move.complaintID)),
                                ("kind", .string(move.kind)),
                                ("old_due_at", .string(TimeFormatting.rfc3339(move.oldDueAt, timeZone: timeZone))),
                                ("new_due_at", .string(TimeFormatting.rfc3339(move.newDueAt, timeZone: timeZone))),
                            ])
                        }
                    )
                ),
            ])
        case "calendar.show":
            let monthText = try arguments.optionalString("month")
            let calendar = complaintRules.calendar
            let month: YearMonth
            if let monthText {
                guard let parsed = YearMonth(string: monthText) else {
                    throw ControlError(
                        code: .invalid,
                        zh: "--month 格式应为 2026-10",
                        en: "--month must look like 2026-10",
                        language: request.language
                    )
                }
                month = parsed
            } else {
                month = YearMonth(calendar.localDate(of: clock.now()))
            }
            return .object([
                ("month", .string(month.description)),
                ("time_zone", .string(calendar.timeZone.identifier)),
                ("working_day_minutes", .int(Int64(calendar.standardWorkingDayMinutes))),
                ("official", .bool(calendar.isOfficial(year: month.year))),
                ("calendar_official_through", calendar.officialThrough.map { .string($0.description) } ?? .null),
                (
                    "days",
                    .array(
                        calendar.monthSheet(month).map { day in
                            .object([
                                ("date", .string(day.date.description)),
                                ("weekday", .string(day.weekday.rawValue)),
                                ("working", .bool(day.isWorkingDay)),
                                ("business_minutes", .int(Int64(day.businessMinutes))),
                                ("override", day.override.map { .string($0.kind.rawValue) } ?? .null),
                                ("name", day.override.map { .string($0.name) } ?? .null),
                                ("provisional", .bool(day.override?.provisional == true)),
                            ])
                        }
                    )
                ),
            ])
        case "qa.escalations", "qa.stats":
            guard caller.has(.qa) || caller.has(.supervisor) || caller.has(.admin) else {
                throw ControlError(
                    code: .refused,
                    role: "qa",
                    zh: "QA 报表仅限 qa、supervisor 或 admin 角色；\(caller.name) 没有",
                    en: "QA figures are for the qa, supervisor and admin roles; \(caller.name) has none of them",
                    language: request.language
                )
            }
            let calendar = complaintRules.calendar
            func instant(_ date: LocalDate) -> Date { calendar.instant(on: date, minuteOfDay: 0) }
            if request.command == "qa.stats" {
                let text = try arguments.string("period")
                guard let period = ReportingPeriod(parsing: text) else {
                    throw ControlError(
                        code: .invalid,
                        zh: "--period 应为月份（2026-11）或季度（2026-Q4）",
                        en: "--period must be a month (2026-11) or a quarter (2026-Q4)",
                        language: request.language
                    )
                }
                // Grades from `[qa]`; the whole assessment (totals, calls, trend, rules) only when asked for.
                let grading = ruleBook.qaGrading
                let whole = try arguments.bool("assessment")
                return try database.withConnectionBlocking { connection in
                    try QAAssessment.answer(
                        period: period,
                        whole: whole,
                        policy: grading,
                        instant: instant,
                        on: connection
                    )
                }
            }
            func day(_ name: String) throws -> LocalDate? {
                guard let text = try arguments.optionalString(name) else { return nil }
                guard let date = LocalDate(string: text) else {
                    throw ControlError(
                        code: .invalid,
                        zh: "--\(name) 应为日期，如 2026-11-01",
                        en: "--\(name) must be a date such as 2026-11-01",
                        language: request.language
                    )
                }
                return date
            }
            let from = try day("from").map(instant)
            // --to is the last day included.
            let to = try day("to").map { instant($0.adding(days: 1)) }
            let department = try arguments.optionalString("dept")
            return .array(
                try database.withConnectionBlocking { connection in
                    try QAQueries.escalations(
                        from: from,
                        to: to,
                        department: department,
                        timeZone: timeZone,
                        on: connection
                    )
                }
            )
        case "audit.verify":
            let id = try arguments.optionalString("id")
            let results = try database.withConnectionBlocking { connection in
                try ComplaintQueries.verify(id, on: connection)
            }
            if let id, results.isEmpty {
                throw ControlError(
                    code: .notFound,
                    zh: "没有投诉 \(id)",
                    en: "no complaint \(id)",
                    language: request.language
                )
            }
            let broken = results.filter { !$0.1.isOK }
            let json = JSONValue.object([
                ("complaints", .int(Int64(results.count))),
                ("ok", .bool(broken.isEmpty)),
                (
                    "broken",
                    .array(
                        broken.map { complaint, result in
                            guard case .brokenAt(let sequence, let reason) = result else { return .null }
                            return .object([
                                ("complaint", .string(complaint)),
                                ("hop", .int(Int64(sequence))),
                                ("reason", .string(reason.message.en)),
                            ])
                        }
                    )
                ),
            ])
            if !broken.isEmpty {
                let first = broken[0]
                guard case .brokenAt(let sequence, let reason) = first.1 else { return json }
                let more = broken.count > 1 ? broken.count : 0
                throw ControlError(
                    code: .refused,
                    rule: "R9",
                    zh: "R9：投诉 \(first.0) 的签名记录在第 \(sequence) 步（hop \(sequence)）核验不符：\(reason.message.zh)"
                        + (more > 0 ? "（共 \(more) 件投诉不符）" : ""),
                    en: "R9: the signed trail of complaint \(first.0) does not verify at hop \(sequence): "
                        + reason.message.en + (more > 0 ? " (\(more) complaints broken)" : ""),
                    language: request.language
                )
            }
            return json
        default:
            guard request.command.hasPrefix("complaint.") else { return nil }
            let verb = String(request.command.dropFirst("complaint.".count))
            let actor = try acting(caller, for: "complaint \(verb)", language: request.language)
            let id = try arguments.string("id")
            let action = try complaintAction(verb, arguments)
            let context = try complaintContext()
            let now = clock.now()
            try database.withConnectionBlocking { connection in
                try ComplaintStore.act(action, on: id, by: actor, at: now, context: context, on: connection)
            }
            logger.info(
                "complaint \(verb)",
                metadata: ["complaint_id": "\(id)", "by": "\(caller.name)"]
            )
            deadlinesChanged()
            return try complaintJSON(id, language: request.language)
        }
    }

    private func requireAdmin(_ caller: Caller, for command: String, language: Language) throws {
        guard caller.has(.admin) else {
            throw ControlError(
                code: .refused,
                role: "admin",
                zh: "\(command) 需要 admin 角色；\(caller.name) 没有该角色",
                en: "\(command) needs the admin role; \(caller.name) does not have it",
                language: language
            )
        }
    }

    /// Complaint actions are a staff member's: root names one with --as.
    private func acting(_ caller: Caller, for command: String, language: Language) throws -> ActingStaff {
        switch caller {
        case .root:
            throw ControlError(
                code: .refused,
                role: "staff",
                zh: "\(command) 须由工作人员办理；root 请用 --as 登录名 指定",
                en: "\(command) is done by a staff member; as root, name one with --as LOGIN",
                language: language
            )
        case .staff(let member, let actingRoot):
            return ActingStaff(staff: member, actingRoot: actingRoot)
        }
    }

    private func staffMember(_ login: String, argument: String, language: Language) throws -> StaffMember {
        guard let member = try database.withConnectionBlocking({ try StaffDirectory.staff(login: login, on: $0) })
        else {
            throw ControlError(
                code: .notFound,
                zh: "\(argument)：没有工作人员“\(login)”",
                en: "\(argument): no staff member '\(login)'",
                language: language
            )
        }
        return member
    }

    private func complaintAction(_ verb: String, _ arguments: ArgumentReader) throws -> ComplaintAction {
        switch verb {
        case "resolve": return .resolve(answer: try arguments.optionalString("answer") ?? "")
        case "transfer":
            return .transfer(to: try arguments.string("to"), reason: try arguments.optionalString("reason") ?? "")
        case "accept":
            let handler = try arguments.optionalString("handler").map {
                try staffMember($0, argument: "--handler", language: arguments.request.language)
            }
            return .accept(handler: handler)
        case "return": return .returnToCoordination(reason: try arguments.optionalString("reason") ?? "")
        case "reroute":
            return .reroute(to: try arguments.string("to"), reason: try arguments.optionalString("reason") ?? "")
        case "reply": return .reply(result: try arguments.optionalString("result") ?? "")
        case "urge": return .urge(note: try arguments.optionalString("note"))
        case "escalate":
            let level = try arguments.string("to")
            guard let target = EscalationLevel(rawValue: level), target != .none else {
                throw ControlError(
                    code: .invalid,
                    zh: "--to 须为 qa、vp 或 gm",
                    en: "--to must be qa, vp or gm",
                    language: arguments.request.language
                )
            }
            return .escalate(to: target, reason: try arguments.optionalString("reason") ?? "")
        case "handover":
            return .handover(
                to: try staffMember(try arguments.string("to"), argument: "--to", language: arguments.request.language),
                approvedBy: try staffMember(
                    try arguments.string("approved_by"),
                    argument: "--approved-by",
                    language: arguments.request.language
                )
            )
        case "extend":
            let text = try arguments.string("by")
            let allowance: Allowance
            do {
                allowance = try Allowance(parsing: text)
            } catch {
                throw ControlError(
                    code: .invalid,
                    zh: "--by：\(error.text(in: .zh))",
                    en: "--by: \(error.text(in: .en))",
                    language: arguments.request.language
                )
            }
            return .extend(
                by: allowance,
                reason: try arguments.optionalString("reason") ?? "",
                approvedBy: try staffMember(
                    try arguments.string("approved_by"),
                    argument: "--approved-by",
                    language: arguments.request.language
                )
            )
        case "feedback":
            return .feedback(
                satisfaction: try arguments.int("satisfaction"),
                comment: try arguments.optionalString("comment")
            )
        default:
            throw ControlError(
                code: .invalid,
                zh: "未知命令“complaint \(verb)”",
                en: "unknown command 'complaint \(verb)'",
                language: arguments.request.language
            )
        }
    }

    /// The rules in force: the coordination office is the department flagged so, else the configured one.
    private func complaintContext() throws -> ComplaintContext {
        let coordination = try database.withConnectionBlocking { connection in
            try StaffDirectory.departments(on: connection).first(where: \.isCoordination)?.code
        }
        var context = complaintRules
        if let coordination { context.workflow.coordinationDepartment = coordination }
        return context
    }

    private func complaintJSON(_ id: String, language: Language) throws -> JSONValue {
        guard let details = try database.withConnectionBlocking({ try ComplaintQueries.show(id, on: $0) }) else {
            throw ControlError(code: .notFound, zh: "没有投诉 \(id)", en: "no complaint \(id)", language: language)
        }
        return complaintJSON(details, language: language)
    }

    /// The `complaint show --json` shape of SPEC §6, plus the fields a person needs to act on the case.
    func complaintJSON(_ details: ComplaintDetails, language: Language) -> JSONValue {
        func time(_ date: Date?) -> JSONValue {
            date.map { .string(TimeFormatting.rfc3339($0, timeZone: timeZone)) } ?? .null
        }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let now = clock.now()
        return .object([
            ("id", .string(details.id)),
            ("state", .string(details.state)),
            ("urgent", .bool(details.urgent)),
            ("call", text(details.callID)),
            ("caller_name", text(details.callerName)),
            ("caller_phone", text(details.callerPhone)),
            ("caller_address", text(details.callerAddress)),
            ("matter", .string(details.matter)),
            ("category", text(details.category)),
            ("first_responder", .string(details.firstResponder)),
            ("first_responder_department", .string(details.firstResponderDepartment)),
            ("responsible", .string(details.responsible)),
            ("department", .string(details.department)),
            ("receiving_department", text(details.receivingDepartment)),
            ("handler", text(details.handler)),
            ("received_at", time(details.receivedAt)),
            ("escalation_level", .string(details.escalationLevel)),
            ("satisfaction", details.satisfaction.map { .int(Int64($0)) } ?? .null),
            ("closed_at", time(details.closedAt)),
            (
                "deadlines",
                .array(
                    details.deadlines.map { deadline in
                        .object([
                            ("kind", .string(deadline.kind)),
                            ("department", .string(deadline.department)),
                            ("started_at", time(deadline.startedAt)),
                            ("due_at", time(deadline.dueAt)),
                            ("state", .string(deadline.state)),
                            ("met_at", time(deadline.metAt)),
                            ("breached_at", time(deadline.breachedAt)),
                            (
                                "seconds_left",
                                deadline.state == "pending" ? .int(Int64(deadline.dueAt.timeIntervalSince(now))) : .null
                            ),
                            (
                                "explanation",
                                .string(
                                    DeadlineExplanations.render(deadline.explanation, in: language, timeZone: timeZone)
                                )
                            ),
                            ("provisional", .bool(DeadlineExplanations.isProvisional(deadline.explanation))),
                            (
                                "moves",
                                .array(
                                    deadline.moves.map { move in
                                        .object([
                                            ("at", time(move.at)),
                                            ("old_due_at", time(move.oldDueAt)),
                                            ("new_due_at", time(move.newDueAt)),
                                            ("source", .string(move.source)),
                                            ("changed_days", .array(move.changedDays.map { .string($0.description) })),
                                            ("by", .string(move.by)),
                                            ("reason", .string(move.reason(in: language))),
                                        ])
                                    }
                                )
                            ),
                        ])
                    }
                )
            ),
            (
                "hops",
                .array(
                    details.hops.map { hop in
                        .object([
                            ("seq", .int(Int64(hop.sequence))),
                            ("action", .string(hop.action)),
                            ("by", .string(hop.by)),
                            ("acting_root", .bool(hop.actingRoot)),
                            ("at", time(hop.at)),
                            ("department", text(hop.department)),
                            ("text", .string(hop.text)),
                            ("subject", text(hop.subject)),
                            ("approved_by", text(hop.approvedBy)),
                        ])
                    }
                )
            ),
        ])
    }
}
