import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import Logging

/// The `complaint` verbs (SPEC §6, R1–R16): identity and staff lookups here, the rules in ``ComplaintWorkflow``,
/// the writing behind ``ComplaintRecords`` (``ComplaintStore`` in PostgreSQL), one transaction per command: the
/// staff and matters it names, the coordination office, the transition and the complaint as it is afterwards are
/// all read and written on one snapshot. What must follow the commit (anchoring the hops, waking the scheduler)
/// happens after it.
extension ControlHandler {
    func fileComplaint(_ filing: ComplaintFiling, caller: Caller, language: Language) throws -> JSONValue {
        let actor = try acting(caller, for: "complaint file", language: language)
        let now = clock.now()
        let (id, hops, shown) = try complaintRecords.inOneTransaction { records in
            let (id, hops) = try records.file(filing, by: actor, at: now, context: try complaintContext(records))
            return (id, hops, try complaintJSON(id, language: language, in: records))
        }
        anchors.anchorCommitted(hops, logger: logger)
        logger.info("complaint filed", metadata: ["complaint_id": "\(id)", "by": "\(caller.name)"])
        deadlinesChanged()
        return shown
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
        let now = clock.now()
        let (hops, shown) = try complaintRecords.inOneTransaction { records in
            let action = try complaintAction(verb, language: language, in: records)
            let hops = try records.act(action, on: id, by: actor, at: now, context: try complaintContext(records))
            return (hops, try complaintJSON(id, language: language, in: records))
        }
        anchors.anchorCommitted(hops, logger: logger)
        logger.info("complaint \(verb.name)", metadata: ["complaint_id": "\(id)", "by": "\(caller.name)"])
        deadlinesChanged()
        return shown
    }

    /// `complaint merge`: closes a duplicate into the case that carries on (并单, SPEC §12); answers with the
    /// duplicate as it is afterwards.
    func mergeComplaint(_ id: String, into survivor: String, reason: String, caller: Caller, language: Language)
        throws -> JSONValue
    {
        let actor = try acting(caller, for: "complaint merge", language: language)
        let now = clock.now()
        let (hops, shown) = try complaintRecords.inOneTransaction { records in
            let hops = try records.merge(
                id,
                into: survivor,
                reason: reason,
                by: actor,
                at: now,
                context: try complaintContext(records)
            )
            return (hops, try complaintJSON(id, language: language, in: records))
        }
        anchors.anchorCommitted(hops, logger: logger)
        logger.info(
            "complaint merged",
            metadata: ["complaint_id": "\(id)", "into": "\(survivor)", "by": "\(caller.name)"]
        )
        deadlinesChanged()
        return shown
    }

    /// Complaint actions are a staff member's: an administrator (root, the daemon's user) names one with --as.
    func acting(_ caller: Caller, for command: String, language: Language) throws -> ActingStaff {
        switch caller {
        case .administrator(let name):
            throw ControlError(
                code: .refused,
                role: "staff",
                zh: "\(command) 须由工作人员办理；\(name) 请用 --as 登录名 指定，或先用 staff add 登记自己",
                en: "\(command) is done by a staff member; as \(name), name one with --as LOGIN (or add yourself with "
                    + "`hotlinectl staff add \(name) …`)",
                language: language
            )
        case .staff(let member, let actingFor, _):
            return ActingStaff(staff: member, actingRoot: actingFor != nil)
        }
    }

    private func staffMember(
        _ login: String,
        argument: String,
        language: Language,
        in records: any ComplaintTransaction
    ) throws -> StaffMember {
        guard let member = try records.staff(login: login) else {
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
    private func complaintAction(_ verb: ComplaintVerb, language: Language, in records: any ComplaintTransaction)
        throws -> ComplaintAction
    {
        func staffMember(_ login: String, argument: String) throws -> StaffMember {
            try self.staffMember(login, argument: argument, language: language, in: records)
        }
        switch verb {
        case .resolve(let answer, let told):
            let matters = try translatingMatterErrors(language) { try records.matterReferences(told) }
            return .resolve(answer: answer, told: matters)
        case .transfer(let to, let reason): return .transfer(to: to, reason: reason)
        case .accept(let handler):
            return .accept(handler: try handler.map { try staffMember($0, argument: "--handler") })
        case .returnToCoordination(let reason): return .returnToCoordination(reason: reason)
        case .reroute(let to, let reason): return .reroute(to: to, reason: reason)
        case .reply(let result): return .reply(result: result)
        case .urge(let note): return .urge(note: note)
        case .escalate(let level, let reason): return .escalate(to: level, reason: reason)
        case .handover(let to, let approvedBy):
            return .handover(
                to: try staffMember(to, argument: "--to"),
                approvedBy: try staffMember(approvedBy, argument: "--approved-by")
            )
        case .extend(let allowance, let reason, let approvedBy):
            return .extend(
                by: allowance,
                reason: reason,
                approvedBy: try staffMember(approvedBy, argument: "--approved-by")
            )
        case .feedback(let satisfaction, let comment): return .feedback(satisfaction: satisfaction, comment: comment)
        }
    }

    /// The rules in force: the coordination office is the department flagged so, else the configured one.
    private func complaintContext(_ records: any ComplaintTransaction) throws -> ComplaintContext {
        let coordination = try records.coordinationDepartment()
        var context = complaintRules
        if let coordination { context.workflow.coordinationDepartment = coordination }
        return context
    }

    func complaintJSON(_ id: String, language: Language) throws -> JSONValue {
        try complaintRecords.inOneTransaction { records in try complaintJSON(id, language: language, in: records) }
    }

    /// The complaint as `complaint show` answers it, read in `records` (inside the command's transaction, the
    /// writes of the transaction included).
    func complaintJSON(_ id: String, language: Language, in records: any ComplaintTransaction) throws -> JSONValue {
        guard let details = try records.details(id) else {
            throw ControlError(code: .notFound, zh: "没有投诉 \(id)", en: "no complaint \(id)", language: language)
        }
        let told = details.hops.flatMap { $0.told.compactMap(MatterReference.init) }
        let titles = try records.matterTitles(told)
        return complaintJSON(details, toldTitles: titles, language: language)
    }

    /// The `complaint show --json` document of SPEC §6, with what a person needs to act on the case.
    func complaintJSON(
        _ details: ComplaintDetails,
        toldTitles: [MatterReference: String] = [:],
        language: Language
    ) -> JSONValue {
        func time(_ date: Date) -> String { TimeFormatting.rfc3339(date, timeZone: timeZone) }
        let now = clock.now()
        let view = ComplaintView(
            id: details.id,
            state: details.state,
            urgent: details.urgent,
            call: details.callID,
            callerName: details.callerName,
            callerPhone: details.callerPhone,
            callerAddress: details.callerAddress,
            matter: details.matter,
            category: details.category,
            firstResponder: details.firstResponder,
            firstResponderDepartment: details.firstResponderDepartment,
            responsible: details.responsible,
            department: details.department,
            receivingDepartment: details.receivingDepartment,
            handler: details.handler,
            receivedAt: time(details.receivedAt),
            escalationLevel: details.escalationLevel,
            satisfaction: details.satisfaction,
            closedAt: details.closedAt.map(time),
            mergedInto: details.mergedInto,
            related: details.related,
            deadlines: details.deadlines.map { deadline in
                ComplaintView.Deadline(
                    kind: deadline.kind,
                    department: deadline.department,
                    startedAt: time(deadline.startedAt),
                    dueAt: time(deadline.dueAt),
                    state: deadline.state,
                    metAt: deadline.metAt.map(time),
                    breachedAt: deadline.breachedAt.map(time),
                    secondsLeft: deadline.state == "pending" ? Int(deadline.dueAt.timeIntervalSince(now)) : nil,
                    explanation: DeadlineExplanations.render(deadline.explanation, in: language, timeZone: timeZone),
                    provisional: DeadlineExplanations.isProvisional(deadline.explanation),
                    moves: deadline.moves.map { move in
                        ComplaintView.Move(
                            at: time(move.at),
                            oldDueAt: time(move.oldDueAt),
                            newDueAt: time(move.newDueAt),
                            source: move.source,
                            changedDays: move.changedDays.map(\.description),
                            by: move.by,
                            reason: move.reason(in: language)
                        )
                    }
                )
            },
            hops: details.hops.map { hop in
                ComplaintView.Hop(
                    seq: hop.sequence,
                    action: hop.action,
                    by: hop.by,
                    actingRoot: hop.actingRoot,
                    at: time(hop.at),
                    department: hop.department,
                    text: hop.text,
                    subject: hop.subject,
                    approvedBy: hop.approvedBy,
                    told: hop.told.compactMap(MatterReference.init).map { reference in
                        ComplaintView.ToldMatter(
                            code: reference.code,
                            version: reference.version,
                            title: toldTitles[reference] ?? ""
                        )
                    }
                )
            }
        )
        return view.json
    }
}
