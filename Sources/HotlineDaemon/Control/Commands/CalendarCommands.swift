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
        return .object([
            ("file", .string(file)),
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
    }

    func calendarMonth(_ requested: YearMonth?) -> JSONValue {
        let calendar = complaintRules.calendar
        let month = requested ?? YearMonth(calendar.localDate(of: clock.now()))
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
    }
}
