import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import Logging

/// `duty set|show`, `inbox`, `inbox read`, `notices failed|retry` (SPEC §10): the people who must act are told.
extension ControlHandler {
    func setDuty(login: String, from: Date, to: Date, caller: Caller, language: Language) throws -> JSONValue {
        try requireAdminOrSupervisor(caller, for: "duty set", language: language)
        guard let leader = try lookupStaff(login) else {
            throw ControlError(
                code: .notFound,
                zh: "没有工作人员“\(login)”",
                en: "no staff member '\(login)'",
                language: language
            )
        }
        // R12: the leader on duty takes urgent cases, so must be a leader.
        guard leader.has(.supervisor) || leader.has(.vp) else {
            throw ControlError(
                code: .refused,
                rule: "R12",
                role: "supervisor",
                zh: "R12：值班领导须有 supervisor 或 vp 角色；\(login) 都没有",
                en: "R12: a leader on duty must hold the supervisor or vp role; \(login) holds neither",
                language: language
            )
        }
        let now = clock.now()
        let id = try database.withConnectionBlocking { connection in
            try DutyRoster.add(login: login, from: from, to: to, by: caller.name, at: now, on: connection)
        }
        logger.info("duty shift set", metadata: ["login": "\(login)", "by": "\(caller.name)"])
        return DutyShiftView(
            id: String(id),
            login: leader.login,
            name: leader.name,
            from: time(from),
            to: time(to),
            setBy: caller.name
        ).json
    }

    func dutyShifts(at moment: Date?) throws -> JSONValue {
        let now = clock.now()
        let shifts = try database.withConnectionBlocking { connection in
            try DutyRoster.shifts(at: moment, notEndedBy: now, on: connection)
        }
        return shifts.map { shift in
            DutyShiftView(
                id: String(shift.id),
                login: shift.login,
                name: shift.name,
                from: time(shift.startsAt),
                to: time(shift.endsAt),
                setBy: shift.setBy
            )
        }.json
    }

    func inbox(all: Bool, caller: Caller, language: Language) throws -> JSONValue {
        let reader = try noticeReader(caller, for: "inbox", language: language)
        let notices = try database.withConnectionBlocking { connection in
            try NoticeQueries.inbox(for: reader, includeRead: all, limit: 500, on: connection)
        }
        return notices.map { inboxView($0, language: language) }.json
    }

    func readInbox(ids: [Int64], all: Bool, caller: Caller, language: Language) throws -> JSONValue {
        let reader = try noticeReader(caller, for: "inbox read", language: language)
        let now = clock.now()
        let result = try database.withConnectionBlocking { connection in
            try NoticeQueries.markRead(all ? nil : ids, by: reader, at: now, on: connection)
        }
        guard result.notMine.isEmpty else {
            let list = result.notMine.map(String.init).joined(separator: ", ")
            throw ControlError(
                code: .notFound,
                zh: "收件箱中没有通知 \(list)；未做任何标记",
                en: "no notice \(list) in your inbox; nothing was marked",
                language: language
            )
        }
        return InboxReadReport(read: result.marked).json
    }

    func failedDeliveries(caller: Caller, language: Language) throws -> JSONValue {
        try requireAdminOrSupervisor(caller, for: "notices failed", language: language)
        let failed = try database.withConnectionBlocking { connection in
            try NoticeQueries.failedDeliveries(limit: 1000, on: connection)
        }
        return failed.map { delivery in
            FailedDeliveryView(
                notice: String(delivery.notice),
                route: delivery.route,
                attempts: delivery.attempts,
                lastError: delivery.lastError,
                failedAt: time(delivery.failedAt),
                topic: delivery.topic,
                complaint: delivery.complaint
            )
        }.json
    }

    func retryDeliveries(of notice: Int64, caller: Caller, language: Language) throws -> JSONValue {
        try requireAdminOrSupervisor(caller, for: "notices retry", language: language)
        let now = clock.now()
        let count = try database.withConnectionBlocking { connection in
            try NoticeQueries.retryDeliveries(of: notice, at: now, on: connection)
        }
        guard count > 0 else {
            throw ControlError(
                code: .notFound,
                zh: "通知 \(notice) 没有放弃投递的记录",
                en: "notice \(notice) has no delivery that was given up",
                language: language
            )
        }
        logger.info("notice deliveries queued again", metadata: ["notice": "\(notice)", "by": "\(caller.name)"])
        return NoticeRetryReport(notice: String(notice), deliveries: count).json
    }

    /// A notice as the reader's inbox shows it.
    func inboxView(_ notice: InboxNotice, language: Language) -> InboxNoticeView {
        InboxNoticeView(
            id: String(notice.id),
            at: time(notice.at),
            topic: notice.topic,
            complaint: notice.complaint,
            to: NoticeAddress(kind: notice.recipientKind, name: notice.recipientName),
            text: notice.text.text(in: language),
            readAt: notice.readAt.map(time)
        )
    }

    /// An inbox is a staff member's: root names one with `--as`.
    func noticeReader(_ caller: Caller, for command: String, language: Language) throws -> NoticeReader {
        NoticeReader(try acting(caller, for: command, language: language).staff)
    }

    func requireAdminOrSupervisor(_ caller: Caller, for command: String, language: Language) throws {
        guard caller.has(.admin) || caller.has(.supervisor) else {
            throw ControlError(
                code: .refused,
                role: "supervisor",
                zh: "\(command) 需要 admin 或 supervisor 角色；\(caller.name) 没有",
                en: "\(command) needs the admin or supervisor role; \(caller.name) has neither",
                language: language
            )
        }
    }

    private func time(_ date: Date) -> String { TimeFormatting.rfc3339(date, timeZone: timeZone) }
}
