import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import Logging

/// The `complaint` verbs (SPEC §6, R1–R16): identity and staff lookups here, the rules in ``ComplaintWorkflow``,
/// the writing in ``ComplaintStore``.
extension ControlHandler {
    func fileComplaint(_ filing: ComplaintFiling, caller: Caller, language: Language) throws -> JSONValue {
        let actor = try acting(caller, for: "complaint file", language: language)
        let context = try complaintContext()
        let now = clock.now()
        let id = try database.withConnectionBlocking { connection in
            try ComplaintStore.file(filing, by: actor, at: now, context: context, on: connection)
        }
        logger.info("complaint filed", metadata: ["complaint_id": "\(id)", "by": "\(caller.name)"])
        deadlinesChanged()
        return try complaintJSON(id, language: language)
    }

    func listComplaints(_ query: ComplaintListQuery, caller: Caller, language: Language) throws -> JSONValue {
        let responsible =
            query.mine ? try acting(caller, for: "complaint list --mine", language: language).login : nil
        let overdue = query.overdue ? clock.now() : nil
        let complaints = try database.withConnectionBlocking { connection in
            try ComplaintQueries.list(
                responsible: responsible,
                department: query.department,
                state: query.state?.rawValue,
                overdueAt: overdue,
                limit: query.limit,
                on: connection
            )
        }
        return .array(complaints.map { complaintJSON($0, language: language) })
    }

    /// One verb on one complaint, answered with the complaint as it is afterwards.
    func act(_ verb: ComplaintVerb, on id: String, caller: Caller, language: Language) throws -> JSONValue {
        let actor = try acting(caller, for: "complaint \(verb.name)", language: language)
        let action = try complaintAction(verb, language: language)
        let context = try complaintContext()
        let now = clock.now()
        try database.withConnectionBlocking { connection in
            try ComplaintStore.act(action, on: id, by: actor, at: now, context: context, on: connection)
        }
        logger.info("complaint \(verb.name)", metadata: ["complaint_id": "\(id)", "by": "\(caller.name)"])
        deadlinesChanged()
        return try complaintJSON(id, language: language)
    }

    /// Complaint actions are a staff member's: root names one with --as.
    func acting(_ caller: Caller, for command: String, language: Language) throws -> ActingStaff {
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

    /// The workflow's action for a verb, with the staff it names looked up.
    private func complaintAction(_ verb: ComplaintVerb, language: Language) throws -> ComplaintAction {
        switch verb {
        case .resolve(let answer): return .resolve(answer: answer)
        case .transfer(let to, let reason): return .transfer(to: to, reason: reason)
        case .accept(let handler):
            return .accept(handler: try handler.map { try staffMember($0, argument: "--handler", language: language) })
        case .returnToCoordination(let reason): return .returnToCoordination(reason: reason)
        case .reroute(let to, let reason): return .reroute(to: to, reason: reason)
        case .reply(let result): return .reply(result: result)
        case .urge(let note): return .urge(note: note)
        case .escalate(let level, let reason): return .escalate(to: level, reason: reason)
        case .handover(let to, let approvedBy):
            return .handover(
                to: try staffMember(to, argument: "--to", language: language),
                approvedBy: try staffMember(approvedBy, argument: "--approved-by", language: language)
            )
        case .extend(let allowance, let reason, let approvedBy):
            return .extend(
                by: allowance,
                reason: reason,
                approvedBy: try staffMember(approvedBy, argument: "--approved-by", language: language)
            )
        case .feedback(let satisfaction, let comment): return .feedback(satisfaction: satisfaction, comment: comment)
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

    func complaintJSON(_ id: String, language: Language) throws -> JSONValue {
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
