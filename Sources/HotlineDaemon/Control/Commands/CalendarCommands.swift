import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import Logging

/// `calendar import|show`: holidays and make-up working days, and the provisional statutory days of years no
/// official schedule covers (SPEC §4).
extension ControlHandler {
    func importCalendar(file: String, content text: String, caller: Caller, language: Language) throws -> JSONValue {
        try require(.admin, of: caller, for: "calendar import", language: language)
        let overrides: [CalendarOverride]
        do {
            overrides = try CalendarFileParser.parse(text, fileName: file)
        } catch {
            // Nothing of a bad file is applied; the error names the file and line.
            throw ControlError(
                code: .invalid,
                zh: error.text(in: .zh),
                en: error.text(in: .en),
                language: language
            )
        }
        for override in overrides {
            do {
                try InputLimits.calendarName.check(override.name)
            } catch {
                throw ControlError(
                    code: .invalid,
                    zh: "\(file)：\(override.date) 的\(error.text(in: .zh))",
                    en: "\(file): \(override.date): \(error.text(in: .en))",
                    language: language
                )
            }
        }
        // The calendar before and after, from the database's overrides (another daemon may have imported since
        // this one loaded them), so the recomputation sees exactly what this import changes.
        let rules = complaintRules
        let now = clock.now()
        let moves = try database.withConnectionBlocking { connection in
            try CalendarStore.importSchedule(
                overrides,
                source: file,
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
                "file": "\(file)", "days": "\(overrides.count)", "deadlines_moved": "\(moves.count)",
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
                    "file": "\(file)",
                ]
            )
        }
        func time(_ date: Date) -> String { TimeFormatting.rfc3339(date, timeZone: timeZone) }
        return CalendarImportReport(
            file: file,
            holidays: overrides.filter { $0.kind == .holiday }.count,
            workdays: overrides.filter { $0.kind == .workday }.count,
            officialYears: years.filter(calendar.isOfficial(year:)),
            partialYears: years.filter { !calendar.isOfficial(year: $0) },
            calendarOfficialThrough: calendar.officialThrough?.description,
            movedDeadlines: moves.map { move in
                CalendarImportReport.MovedDeadline(
                    complaint: move.complaintID,
                    kind: move.kind,
                    oldDueAt: time(move.oldDueAt),
                    newDueAt: time(move.newDueAt)
                )
            }
        ).json
    }

    func calendarMonth(_ requested: YearMonth?) -> JSONValue {
        let calendar = complaintRules.calendar
        let month = requested ?? YearMonth(calendar.localDate(of: clock.now()))
        return CalendarMonthView(
            month: month.description,
            timeZone: calendar.timeZone.identifier,
            workingDayMinutes: calendar.standardWorkingDayMinutes,
            official: calendar.isOfficial(year: month.year),
            calendarOfficialThrough: calendar.officialThrough?.description,
            days: calendar.monthSheet(month).map { day in
                CalendarMonthView.Day(
                    date: day.date.description,
                    weekday: day.weekday.rawValue,
                    working: day.isWorkingDay,
                    businessMinutes: day.businessMinutes,
                    override: day.override?.kind.rawValue,
                    name: day.override?.name,
                    provisional: day.override?.provisional == true
                )
            }
        ).json
    }
}
