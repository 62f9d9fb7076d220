import Foundation
import HotlineCore
import Testing

/// Fixtures shared by the work-calendar tests: instants written as Asia/Shanghai wall-clock text (UTC+8).
enum WorkCalendarFixtures {
    /// The instant of `2026-09-30 17:00` (or `…17:00:30`) in Asia/Shanghai, parsed independently of the code
    /// under test through ISO 8601 with an explicit +08:00 offset.
    static func shanghai(_ text: String) throws -> Date {
        let withSeconds = text.count == 16 ? text + ":00" : text
        let iso = withSeconds.replacingOccurrences(of: " ", with: "T") + "+08:00"
        return try Date(iso, strategy: .iso8601)
    }

    /// An instant given in ISO 8601 with its own offset, e.g. `2026-03-09T14:00:00Z`.
    static func utc(_ text: String) throws -> Date {
        try Date(text, strategy: .iso8601)
    }

    static func date(_ text: String) throws -> LocalDate {
        try #require(LocalDate(string: text))
    }
}

@Suite("Work calendar: business-time arithmetic on the China 2026 calendar")
struct WorkCalendarTests {
    let calendar = WorkCalendar.chinaDefault

    struct AddCase: CustomTestStringConvertible, Sendable {
        let start: String
        let minutes: Int
        let expected: String
        let why: String
        var testDescription: String { "\(start) + \(minutes) → \(expected) (\(why))" }
    }

    static let addCases: [AddCase] = [
        AddCase(start: "2026-11-30 11:30", minutes: 480, expected: "2026-12-01 11:30", why: "lunch and close crossed"),
        AddCase(start: "2026-11-27 15:00", minutes: 480, expected: "2026-11-30 15:00", why: "Friday into next week"),
        AddCase(start: "2026-09-30 17:00", minutes: 480, expected: "2026-10-08 17:00", why: "National Day week"),
        AddCase(start: "2026-10-09 17:00", minutes: 480, expected: "2026-10-10 17:00", why: "into make-up Saturday"),
        AddCase(start: "2026-10-10 16:00", minutes: 480, expected: "2026-10-12 16:00", why: "out of make-up Saturday"),
        AddCase(start: "2026-09-18 17:30", minutes: 120, expected: "2026-09-20 10:30", why: "into make-up Sunday"),
        AddCase(start: "2026-09-19 10:00", minutes: 60, expected: "2026-09-20 10:00", why: "Saturday start"),
        AddCase(start: "2026-09-24 17:00", minutes: 480, expected: "2026-09-28 17:00", why: "Mid-Autumn Fri–Sun"),
        AddCase(start: "2026-11-30 20:00", minutes: 60, expected: "2026-12-01 10:00", why: "evening start"),
        AddCase(start: "2026-11-30 12:15", minutes: 30, expected: "2026-11-30 13:30", why: "lunch start"),
        AddCase(start: "2026-11-30 07:00", minutes: 30, expected: "2026-11-30 09:30", why: "before opening"),
        AddCase(start: "2026-10-03 10:00", minutes: 120, expected: "2026-10-08 11:00", why: "holiday start"),
        AddCase(start: "2026-11-30 09:00", minutes: 180, expected: "2026-11-30 12:00", why: "at opening, to lunch"),
        AddCase(start: "2026-11-30 18:00", minutes: 1, expected: "2026-12-01 09:01", why: "exactly at closing"),
        AddCase(start: "2026-11-30 12:00", minutes: 1, expected: "2026-11-30 13:01", why: "exactly at lunch"),
        AddCase(start: "2026-11-30 17:59", minutes: 1, expected: "2026-11-30 18:00", why: "ends at closing"),
        AddCase(start: "2026-11-30 10:00:30", minutes: 1, expected: "2026-11-30 10:01:30", why: "seconds kept"),
        AddCase(start: "2026-02-13 17:00", minutes: 480, expected: "2026-02-14 17:00", why: "Spring make-up Sat"),
        AddCase(start: "2026-02-14 17:00", minutes: 480, expected: "2026-02-24 17:00", why: "Spring Festival"),
        AddCase(start: "2025-12-31 17:00", minutes: 480, expected: "2026-01-04 17:00", why: "New Year, make-up Sun"),
        AddCase(start: "2026-04-03 17:00", minutes: 480, expected: "2026-04-07 17:00", why: "Qingming Sat–Mon"),
        AddCase(start: "2026-04-30 17:00", minutes: 480, expected: "2026-05-06 17:00", why: "Labour Day Fri–Tue"),
        AddCase(start: "2026-05-08 17:00", minutes: 480, expected: "2026-05-09 17:00", why: "Labour make-up Sat"),
        AddCase(start: "2026-06-18 17:00", minutes: 480, expected: "2026-06-22 17:00", why: "Dragon Boat Fri–Sun"),
        AddCase(start: "2026-11-02 09:00", minutes: 4800, expected: "2026-11-13 18:00", why: "ten working days"),
        AddCase(start: "2026-11-30 10:00", minutes: 0, expected: "2026-11-30 10:00", why: "zero inside hours"),
        AddCase(start: "2026-11-28 10:00", minutes: 0, expected: "2026-11-30 09:00", why: "zero at a weekend"),
    ]

    @Test(arguments: addCases)
    func addingBusinessMinutes(_ example: AddCase) throws {
        let start = try WorkCalendarFixtures.shanghai(example.start)
        let expected = try WorkCalendarFixtures.shanghai(example.expected)
        #expect(try calendar.adding(businessMinutes: example.minutes, to: start) == expected)
    }

    @Test func nationalDayWeekIsOneWorkingDayAfterTheHolidays() throws {
        // 09-30 Wed 17:00–18:00 = 60 min; Oct 1–7 holidays; Oct 8 Thu 09:00–12:00 (180) + 13:00–17:00 (240).
        let start = try WorkCalendarFixtures.shanghai("2026-09-30 17:00")
        let result = try calendar.due(after: start, allowance: .workingDays(1))
        #expect(result.dueAt == (try WorkCalendarFixtures.shanghai("2026-10-08 17:00")))
        #expect(result.explanation.businessMinutes == 480)
        #expect(result.explanation.effectiveStart == nil)
        #expect(result.explanation.skippedDays.map(\.date.description) == (1...7).map { "2026-10-0\($0)" })
        #expect(result.explanation.skippedDays.allSatisfy { $0.reason == .holiday(name: "国庆节 National Day") })
        #expect(result.explanation.makeUpDays.isEmpty)
    }

    @Test func defaultCalendarIsShanghaiWithStandardHoursAndTheEmbeddedFile() throws {
        #expect(calendar.timeZone.identifier == "Asia/Shanghai")
        #expect(calendar.hours == .standard)
        #expect(calendar.standardWorkingDayMinutes == 480)
        #expect(calendar.overrides.count == 39)
        #expect(try WorkCalendar.embeddedOverrides().count == 39)
        let october = try WorkCalendarFixtures.date("2026-10-10")
        #expect(
            calendar.overrides[october]
                == CalendarOverride(date: october, kind: .workday, name: "国庆节调休 make-up working day")
        )
        #expect(calendar.businessMinutes(for: .workingDays(2)) == 960)
        #expect(calendar.businessMinutes(for: .wallClock(minutes: 60)) == nil)
    }

    struct BusinessTimeCase: Sendable {
        let instant: String
        let open: Bool
    }

    @Test(
        arguments: [
            BusinessTimeCase(instant: "2026-11-30 08:59", open: false),
            BusinessTimeCase(instant: "2026-11-30 09:00", open: true),
            BusinessTimeCase(instant: "2026-11-30 11:59", open: true),
            BusinessTimeCase(instant: "2026-11-30 12:00", open: false),
            BusinessTimeCase(instant: "2026-11-30 12:59", open: false),
            BusinessTimeCase(instant: "2026-11-30 13:00", open: true),
            BusinessTimeCase(instant: "2026-11-30 17:59", open: true),
            BusinessTimeCase(instant: "2026-11-30 18:00", open: false),
            BusinessTimeCase(instant: "2026-11-28 10:00", open: false),
            BusinessTimeCase(instant: "2026-10-01 10:00", open: false),
            BusinessTimeCase(instant: "2026-10-10 10:00", open: true),
            BusinessTimeCase(instant: "2026-10-11 10:00", open: false),
            BusinessTimeCase(instant: "2026-09-20 10:00", open: true),
            BusinessTimeCase(instant: "2026-09-20 12:30", open: false),
        ]
    )
    func businessTime(_ example: BusinessTimeCase) throws {
        #expect(calendar.isBusinessTime(try WorkCalendarFixtures.shanghai(example.instant)) == example.open)
    }

    @Test(
        arguments: [
            ("2026-11-28 10:00", "2026-11-30 09:00"),
            ("2026-11-30 10:00", "2026-11-30 10:00"),
            ("2026-11-30 12:30", "2026-11-30 13:00"),
            ("2026-11-30 18:00", "2026-12-01 09:00"),
            ("2026-09-30 18:00", "2026-10-08 09:00"),
            ("2026-10-09 23:59", "2026-10-10 09:00"),
        ]
    )
    func nextOpening(_ instant: String, _ expected: String) throws {
        let opening = try calendar.nextOpening(atOrAfter: try WorkCalendarFixtures.shanghai(instant))
        #expect(opening == (try WorkCalendarFixtures.shanghai(expected)))
    }

    @Test(
        arguments: [
            ("2026-11-30 09:00", "2026-11-30 18:00", 480),
            ("2026-11-30 08:00", "2026-11-30 20:00", 480),
            ("2026-11-30 11:00", "2026-11-30 14:00", 120),
            ("2026-11-27 17:00", "2026-11-30 10:00", 120),
            ("2026-09-30 00:00", "2026-10-09 00:00", 960),
            ("2026-10-01 00:00", "2026-10-08 00:00", 0),
            ("2026-10-01 00:00", "2026-11-01 00:00", 18 * 480),
            ("2026-11-30 10:00", "2026-11-30 10:00", 0),
            ("2026-11-30 14:00", "2026-11-30 10:00", 0),
            ("2026-11-30 10:00:30", "2026-11-30 10:02:29", 1),
        ]
    )
    func businessMinutesBetween(_ from: String, _ to: String, _ expected: Int) throws {
        let start = try WorkCalendarFixtures.shanghai(from)
        let end = try WorkCalendarFixtures.shanghai(to)
        #expect(calendar.businessMinutes(from: start, to: end) == expected)
    }

    @Test(arguments: ["2026-11-30 11:30", "2026-09-30 17:00", "2026-10-09 20:00", "2026-02-13 12:30:15"])
    func businessMinutesUndoesAdding(_ startText: String) throws {
        let start = try WorkCalendarFixtures.shanghai(startText)
        for minutes in [1, 29, 59, 60, 179, 180, 181, 300, 479, 480, 481, 960, 2400, 10_000, 48_000] {
            let end = try calendar.adding(businessMinutes: minutes, to: start)
            #expect(calendar.businessMinutes(from: start, to: end) == minutes, "\(minutes) minutes")
            #expect(end > start)
        }
    }

    @Test func largeAllowancesStepWholeDays() throws {
        // 100 working days from Mon 2026-11-02: the answer must agree with counting back, and come quickly.
        let start = try WorkCalendarFixtures.shanghai("2026-11-02 09:00")
        let end = try calendar.adding(businessMinutes: 100 * 480, to: start)
        #expect(calendar.businessMinutes(from: start, to: end) == 100 * 480)
        #expect(calendar.isBusinessTime(end.addingTimeInterval(-1)))
    }

    @Test func applyingOverridesChangesTheArithmeticAndLaterWins() throws {
        var changed = calendar
        let monday = try WorkCalendarFixtures.date("2026-11-30")
        changed.apply([CalendarOverride(date: monday, kind: .workday, name: "first")])
        changed.apply([CalendarOverride(date: monday, kind: .holiday, name: "Closure")])
        #expect(changed.overrides[monday]?.name == "Closure")
        let start = try WorkCalendarFixtures.shanghai("2026-11-30 11:30")
        #expect(
            try changed.adding(businessMinutes: 480, to: start)
                == (try WorkCalendarFixtures.shanghai("2026-12-01 18:00"))
        )
        changed.removeOverride(on: monday)
        #expect(
            try changed.adding(businessMinutes: 480, to: start)
                == (try WorkCalendarFixtures.shanghai("2026-12-01 11:30"))
        )
    }

    @Test func noBusinessHoursFailsInsteadOfLoopingForever() throws {
        let closed = WorkCalendar(hours: try BusinessHours([:]))
        let start = try WorkCalendarFixtures.shanghai("2026-11-30 10:00")
        #expect {
            _ = try closed.adding(businessMinutes: 1, to: start)
        } throws: { error in
            guard case BusinessTimeError.noBusinessTime(let after, let days)? = error as? BusinessTimeError else {
                return false
            }
            return after == start && days > WorkCalendar.noBusinessTimeHorizonDays
        }
        #expect(throws: BusinessTimeError.self) { try closed.nextOpening(atOrAfter: start) }
        #expect(closed.businessMinutes(from: start, to: start.addingTimeInterval(86_400 * 30)) == 0)
        #expect(!closed.isBusinessTime(start))
    }

    @Test func yearsOfHolidaysFailToo() throws {
        var holidays: [CalendarOverride] = []
        var day = try WorkCalendarFixtures.date("2027-01-01")
        while day.year < 2031 {
            holidays.append(CalendarOverride(date: day, kind: .holiday, name: "closure"))
            day = day.adding(days: 1)
        }
        let shut = WorkCalendar(overrides: holidays)
        let start = try WorkCalendarFixtures.shanghai("2026-12-31 18:00")
        #expect(throws: BusinessTimeError.self) { try shut.adding(businessMinutes: 1, to: start) }
        // Before the closure there is still time to count.
        let earlier = try WorkCalendarFixtures.shanghai("2026-12-31 17:00")
        #expect(try shut.adding(businessMinutes: 60, to: earlier) == start)
    }

    @Test func negativeAndHugeCountsAreRefused() throws {
        let start = try WorkCalendarFixtures.shanghai("2026-11-30 10:00")
        #expect(throws: BusinessTimeError.negativeMinutes(-1)) { try calendar.adding(businessMinutes: -1, to: start) }
        #expect {
            _ = try calendar.adding(businessMinutes: 100_000_000, to: start)
        } throws: { error in
            if case BusinessTimeError.beyondHorizon? = error as? BusinessTimeError { return true }
            return false
        }
    }

    @Test func wallClockAllowanceIgnoresTheCalendar() throws {
        let evening = try WorkCalendarFixtures.shanghai("2026-09-30 17:30")
        let result = try calendar.due(after: evening, allowance: .wallClock(minutes: 60))
        #expect(result.dueAt == (try WorkCalendarFixtures.shanghai("2026-09-30 18:30")))
        #expect(result.explanation.isWallClock)
        #expect(result.explanation.skippedDays.isEmpty)
        let holiday = try WorkCalendarFixtures.shanghai("2026-10-01 23:30")
        #expect(
            try calendar.due(after: holiday, allowance: .wallClock(minutes: 60)).dueAt
                == (try WorkCalendarFixtures.shanghai("2026-10-02 00:30"))
        )
    }

    @Test func urgentScalingShortensTheDeadline() throws {
        // R12: an urgent reply at scale 0.25 has 120 business minutes: 09-30 17:00–18:00, then Oct 8 09:00–10:00.
        let start = try WorkCalendarFixtures.shanghai("2026-09-30 17:00")
        let urgent = Allowance.workingDays(1).scaled(by: 0.25, workingDayMinutes: calendar.standardWorkingDayMinutes)
        #expect(urgent == .businessMinutes(120))
        #expect(
            try calendar.due(after: start, allowance: urgent).dueAt
                == (try WorkCalendarFixtures.shanghai("2026-10-08 10:00"))
        )
        let transfer = Allowance.wallClock(minutes: 60).scaled(by: 0.25)
        #expect(
            try calendar.due(after: start, allowance: transfer).dueAt
                == (try WorkCalendarFixtures.shanghai("2026-09-30 17:15"))
        )
    }

    @Test func monthSheetOfOctober2026() throws {
        let sheet = calendar.monthSheet(year: 2026, month: 10)
        #expect(sheet.count == 31)
        #expect(sheet.filter(\.isWorkingDay).count == 18)
        #expect(sheet.reduce(0) { $0 + $1.businessMinutes } == 18 * 480)
        let first = try #require(sheet.first)
        #expect(first.date.description == "2026-10-01")
        #expect(first.weekday == .thursday)
        #expect(!first.isWorkingDay)
        #expect(first.overrideName == "国庆节 National Day")
        #expect(first.nonWorkingReason == .holiday(name: "国庆节 National Day"))
        #expect(first.businessMinutes == 0)
        let makeUp = sheet[9]
        #expect(makeUp.date.description == "2026-10-10" && makeUp.weekday == .saturday)
        #expect(makeUp.isWorkingDay && makeUp.businessMinutes == 480 && makeUp.override?.kind == .workday)
        #expect(makeUp.periods.map(\.description) == ["09:00-12:00", "13:00-18:00"])
        #expect(sheet[10].nonWorkingReason == .weekend && sheet[10].overrideName == nil)
        #expect(sheet[11].isWorkingDay && sheet[11].override == nil && sheet[11].weekday == .monday)
        #expect(calendar.monthSheet(year: 2026, month: 13).isEmpty)
    }

    @Test func overridesOfAMonth() throws {
        #expect(
            calendar.overrides(year: 2026, month: 10).map(\.date.description) == [
                "2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
                "2026-10-10",
            ]
        )
        let september = try #require(YearMonth(string: "2026-09"))
        #expect(
            calendar.overrides(in: september).map(\.date.description) == [
                "2026-09-20", "2026-09-25", "2026-09-26", "2026-09-27",
            ]
        )
        #expect(calendar.overrides(year: 2026, month: 3).isEmpty)
    }

    @Test func closedWeekdayIsAClosedDayNotAWeekend() throws {
        let hours = try BusinessHours(parsing: "mon-thu 09:00-17:00")
        let shortWeek = WorkCalendar(hours: hours)
        #expect(shortWeek.nonWorkingReason(on: try WorkCalendarFixtures.date("2026-11-27")) == .closedDay)
        #expect(shortWeek.nonWorkingReason(on: try WorkCalendarFixtures.date("2026-11-28")) == .weekend)
        #expect(shortWeek.nonWorkingReason(on: try WorkCalendarFixtures.date("2026-11-26")) == nil)
        #expect(shortWeek.standardWorkingDayMinutes == 480)
    }

    @Test func unknownTimeZoneIsRefused() {
        #expect(throws: CalendarConfigError.unknownTimeZone("Mars/Olympus")) {
            try WorkCalendar(timeZoneIdentifier: "Mars/Olympus")
        }
    }
}

@Suite("Work calendar: daylight saving time in America/New_York")
struct WorkCalendarDaylightSavingTests {
    let zone = TimeZone(identifier: "America/New_York")

    @Test func weekendAcrossSpringForwardKeepsLocalOpeningHours() throws {
        let zone = try #require(zone)
        let calendar = WorkCalendar(timeZone: zone, hours: try BusinessHours(parsing: "mon-fri 09:00-17:00"))
        // Fri 2026-03-06 16:00 EST (21:00Z) + 120: 60 on Friday, then Mon 03-09 09:00 EDT (13:00Z) + 60 = 14:00Z.
        let start = try WorkCalendarFixtures.utc("2026-03-06T21:00:00Z")
        let due = try calendar.adding(businessMinutes: 120, to: start)
        #expect(due == (try WorkCalendarFixtures.utc("2026-03-09T14:00:00Z")))
        #expect(calendar.businessMinutes(from: start, to: due) == 120)
        #expect(calendar.isBusinessTime(try WorkCalendarFixtures.utc("2026-03-09T13:00:00Z")))
        #expect(!calendar.isBusinessTime(try WorkCalendarFixtures.utc("2026-03-09T12:59:00Z")))
    }

    @Test func shortAndLongDaysCountElapsedMinutes() throws {
        let zone = try #require(zone)
        let calendar = WorkCalendar(timeZone: zone, hours: try BusinessHours(parsing: "mon-sun 00:00-24:00"))
        // 2026-03-08 has 23 hours: from Sun 00:00 EST (05:00Z) 1380 minutes reach Mon 00:00 EDT (04:00Z).
        let springStart = try WorkCalendarFixtures.utc("2026-03-08T05:00:00Z")
        #expect(
            try calendar.adding(businessMinutes: 1380, to: springStart)
                == (try WorkCalendarFixtures.utc("2026-03-09T04:00:00Z"))
        )
        // 2026-11-01 has 25 hours: from Sun 00:00 EDT (04:00Z) 1500 minutes reach Mon 00:00 EST (05:00Z).
        let autumnStart = try WorkCalendarFixtures.utc("2026-11-01T04:00:00Z")
        let autumnEnd = try WorkCalendarFixtures.utc("2026-11-02T05:00:00Z")
        #expect(try calendar.adding(businessMinutes: 1500, to: autumnStart) == autumnEnd)
        #expect(calendar.businessMinutes(from: autumnStart, to: autumnEnd) == 1500)
    }
}
