import Foundation

/// The work calendar of SPEC §4: a time zone, weekly business hours and dated overrides (holidays and make-up
/// working days), with the business-time arithmetic the deadline timers need.
///
/// Business time is measured in real elapsed minutes inside the opening periods. Each period is turned into a
/// pair of instants with a Gregorian calendar in the configured zone, so a daylight-saving change (none in
/// Asia/Shanghai, but other zones have them) shortens or lengthens the day instead of shifting it. Arithmetic
/// steps over whole days, never minute by minute, and gives up with ``BusinessTimeError`` rather than search on
/// forever when a calendar has no business time.
public struct WorkCalendar: Sendable, Equatable {
    /// The zone whose wall clock the business hours and dates refer to.
    public let timeZone: TimeZone
    /// The weekly template of opening hours.
    public let hours: BusinessHours
    /// Holidays and make-up working days by date from calendar files and imports; at most one per date.
    public private(set) var overrides: [LocalDate: CalendarOverride]
    /// The years an official schedule covers: those in which every statutory day (``StatutoryHoliday``) is a
    /// holiday of ``overrides``. The State Council's schedule always keeps them all, and a file of a few local
    /// holidays keeps none, so this tells the two apart without asking the importer.
    public private(set) var officialYears: Set<Int>
    /// Whether a year without an official schedule gets the provisional statutory holidays (SPEC §4). On in the
    /// shipped calendar; off for a calendar built from nothing but its own overrides.
    public var usesProvisionalHolidays: Bool
    private let gregorian: Calendar

    /// How many days in a row without any business time the arithmetic crosses before it reports
    /// ``BusinessTimeError/noBusinessTime(after:days:)``: about three years, longer than any real closure.
    public static let noBusinessTimeHorizonDays = 3 * 366
    /// How far (in days) any single computation may reach; about twenty years.
    public static let maximumSpanDays = 20 * 366
    /// Asia/Shanghai, the default zone of SPEC §4 (UTC+8 without daylight saving).
    public static let defaultTimeZone: TimeZone =
        TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600) ?? TimeZone.current

    public init(
        timeZone: TimeZone = WorkCalendar.defaultTimeZone,
        hours: BusinessHours = .standard,
        overrides: [CalendarOverride] = [],
        provisionalHolidays: Bool = false
    ) {
        self.timeZone = timeZone
        self.hours = hours
        self.overrides = [:]
        officialYears = []
        usesProvisionalHolidays = provisionalHolidays
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        gregorian = calendar
        apply(overrides)
    }

    /// A calendar for a zone named in the configuration (`Asia/Shanghai`), refusing unknown names.
    public init(
        timeZoneIdentifier: String,
        hours: BusinessHours = .standard,
        overrides: [CalendarOverride] = [],
        provisionalHolidays: Bool = false
    ) throws(CalendarConfigError) {
        guard let zone = TimeZone(identifier: timeZoneIdentifier) else {
            throw .unknownTimeZone(timeZoneIdentifier)
        }
        self.init(timeZone: zone, hours: hours, overrides: overrides, provisionalHolidays: provisionalHolidays)
    }

    // MARK: - The shipped default

    /// The shipped default: Asia/Shanghai, the standard hours, the overrides of every calendar file built into
    /// the binary (the official China schedule, `cn-2026.txt`, and any later years added beside it), and
    /// provisional statutory holidays for the years none of them covers.
    ///
    /// The embedded files are checked by the tests, so none can fail to parse in a build; if one ever did, it
    /// would be left out rather than stop the daemon (use ``embeddedOverrides()`` to see the error).
    public static var chinaDefault: WorkCalendar { cachedChinaDefault }

    private static let cachedChinaDefault: WorkCalendar = {
        var calendar = WorkCalendar(provisionalHolidays: true)
        for file in EmbeddedCalendars.files.sorted(by: { $0.name < $1.name }) {
            if let overrides = try? CalendarFileParser.parse(file.contents, fileName: file.name) {
                calendar.apply(overrides)
            }
        }
        return calendar
    }()

    /// The overrides of all embedded calendar files in file-name order (a later file wins a date).
    public static func embeddedOverrides() throws(CalendarImportError) -> [CalendarOverride] {
        var result: [CalendarOverride] = []
        for file in EmbeddedCalendars.files.sorted(by: { $0.name < $1.name }) {
            result += try CalendarFileParser.parse(file.contents, fileName: file.name)
        }
        return result
    }

    // MARK: - Overrides

    /// Adds or replaces overrides; for a date given twice the later one wins, as with an imported file that
    /// corrects the shipped one.
    public mutating func apply(_ overrides: [CalendarOverride]) {
        var years = Set<Int>()
        for override in overrides {
            // A provisional day is never stored as an override: the calendar computes those itself.
            guard !override.provisional else { continue }
            self.overrides[override.date] = override
            years.insert(override.date.year)
        }
        updateOfficialYears(years)
    }

    /// Drops the override of a date, so the weekly template (or the provisional schedule) applies again.
    public mutating func removeOverride(on date: LocalDate) {
        overrides[date] = nil
        updateOfficialYears([date.year])
    }

    private mutating func updateOfficialYears(_ years: Set<Int>) {
        for year in years {
            let covered = StatutoryHoliday.days(in: year).allSatisfy { overrides[$0.date]?.kind == .holiday }
            if covered { officialYears.insert(year) } else { officialYears.remove(year) }
        }
    }

    /// True when an official schedule covers the year.
    public func isOfficial(year: Int) -> Bool { officialYears.contains(year) }

    /// The last date of the last year an official schedule covers (`calendar_official_through` of `status`).
    public var officialThrough: LocalDate? {
        officialYears.max().flatMap { LocalDate(year: $0, month: 12, day: 31) }
    }

    /// The override in force on a date: an official one, else (in a year no official schedule covers) the
    /// provisional statutory holiday or day off in lieu, else none.
    public func override(on date: LocalDate) -> CalendarOverride? {
        if let official = overrides[date] { return official }
        guard usesProvisionalHolidays, !officialYears.contains(date.year) else { return nil }
        return StatutoryHoliday.provisionalSchedule(for: date.year)[date]
    }

    /// True when the date's status comes from the provisional schedule.
    public func isProvisional(_ date: LocalDate) -> Bool {
        override(on: date)?.provisional == true
    }

    /// The overrides in force in a month (official and provisional), by date.
    public func overrides(in month: YearMonth) -> [CalendarOverride] {
        month.dates.compactMap { override(on: $0) }
    }

    /// The overrides of a month given by number; empty for a month that does not exist.
    public func overrides(year: Int, month: Int) -> [CalendarOverride] {
        guard let month = YearMonth(year: year, month: month) else { return [] }
        return overrides(in: month)
    }

    // MARK: - Days

    /// The opening periods in force on a date.
    ///
    /// A holiday has none. A make-up working day on a day without template hours (a weekend) gets the weekday
    /// template, ``BusinessHours/makeUpDayPeriods``; on a day that has hours anyway it keeps them.
    public func periods(on date: LocalDate) -> [BusinessHours.Period] {
        let own = hours.periods(on: date.weekday)
        switch override(on: date)?.kind {
        case .holiday: return []
        case .workday: return own.isEmpty ? hours.makeUpDayPeriods : own
        case nil: return own
        }
    }

    /// Why a date has no business time, or nil when it has some.
    public func nonWorkingReason(on date: LocalDate) -> NonWorkingReason? {
        guard periods(on: date).isEmpty else { return nil }
        let override = override(on: date)
        if let override, override.kind == .holiday {
            return .holiday(name: override.name)
        }
        if date.weekday.isWeekend && override?.kind != .workday {
            return .weekend
        }
        return .closedDay
    }

    /// Everything the month sheet shows about one date.
    public func dayInfo(on date: LocalDate) -> DayInfo {
        let periods = periods(on: date)
        return DayInfo(
            date: date,
            weekday: date.weekday,
            isWorkingDay: !periods.isEmpty,
            override: override(on: date),
            periods: periods,
            businessMinutes: periods.reduce(0) { $0 + $1.minutes },
            nonWorkingReason: nonWorkingReason(on: date)
        )
    }

    /// One row per date of a month, for `hotlinectl calendar show --month 2026-10`.
    public func monthSheet(_ month: YearMonth) -> [DayInfo] {
        month.dates.map { dayInfo(on: $0) }
    }

    /// The month sheet for a month given by number; empty for a month that does not exist.
    public func monthSheet(year: Int, month: Int) -> [DayInfo] {
        guard let month = YearMonth(year: year, month: month) else { return [] }
        return monthSheet(month)
    }

    /// Minutes of a normal working day: the weekday template (Monday's hours; 480 with the standard hours).
    ///
    /// SPEC R6 makes "1 working day" business-time arithmetic; this is the number of business minutes it stands
    /// for, so that a working-day allowance means the same length whatever weekday it starts on.
    public var standardWorkingDayMinutes: Int {
        hours.makeUpDayPeriods.reduce(0) { $0 + $1.minutes }
    }

    /// The business minutes an allowance stands for on this calendar; nil for a wall-clock allowance.
    public func businessMinutes(for allowance: Allowance) -> Int? {
        allowance.businessMinutes(workingDayMinutes: standardWorkingDayMinutes)
    }

    // MARK: - Local time

    /// The local date of an instant in the calendar's zone.
    public func localDate(of instant: Date) -> LocalDate {
        let parts = gregorian.dateComponents([.year, .month, .day], from: instant)
        if let year = parts.year, let month = parts.month, let day = parts.day,
            let date = LocalDate(year: year, month: month, day: day)
        {
            return date
        }
        let local = instant.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: instant))
        return LocalDate(daysSinceEpoch: Int((local / 86_400).rounded(.down)))
    }

    /// The instant at which the wall clock of the zone shows `minuteOfDay` on `date` (1440 is the next midnight).
    ///
    /// A wall time skipped by a daylight-saving jump resolves as the Gregorian calendar resolves it (forward).
    public func instant(on date: LocalDate, minuteOfDay: Int) -> Date {
        let day = date.adding(days: minuteOfDay / 1440)
        let minute = minuteOfDay % 1440
        let parts = DateComponents(
            year: day.year,
            month: day.month,
            day: day.day,
            hour: minute / 60,
            minute: minute % 60
        )
        if let instant = gregorian.date(from: parts) {
            return instant
        }
        let guess = Date(timeIntervalSince1970: Double(day.daysSinceEpoch * 86_400 + minute * 60))
        return guess.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: guess)))
    }

    /// The opening periods of a date as instants, in order and not overlapping.
    public func openIntervals(on date: LocalDate) -> [DateInterval] {
        var intervals: [DateInterval] = []
        for period in periods(on: date) {
            var start = instant(on: date, minuteOfDay: period.start)
            let end = instant(on: date, minuteOfDay: period.end)
            if let previous = intervals.last, previous.end > start {
                start = previous.end
            }
            if end > start {
                intervals.append(DateInterval(start: start, end: end))
            }
        }
        return intervals
    }

    // MARK: - Business-time arithmetic

    /// True when the instant lies inside an opening period (the opening minute counts, the closing one does not).
    public func isBusinessTime(_ instant: Date) -> Bool {
        openIntervals(on: localDate(of: instant)).contains { $0.start <= instant && instant < $0.end }
    }

    /// The instant itself when it is business time, else the next opening after it.
    public func nextOpening(atOrAfter instant: Date) throws(BusinessTimeError) -> Date {
        try adding(businessMinutes: 0, to: instant)
    }

    /// The earliest instant by which `businessMinutes` minutes of business time have passed since `start`.
    ///
    /// A start outside business hours counts from the next opening, so adding 0 gives ``nextOpening(atOrAfter:)``;
    /// a count that runs out exactly at a closing time gives that closing time (18:00), not the next opening.
    public func adding(businessMinutes: Int, to start: Date) throws(BusinessTimeError) -> Date {
        guard businessMinutes >= 0 else { throw .negativeMinutes(businessMinutes) }
        var remaining = TimeInterval(businessMinutes) * 60
        var date = localDate(of: start)
        var daysWalked = 0
        var closedRun = 0
        while true {
            let intervals = openIntervals(on: date)
            closedRun = intervals.isEmpty ? closedRun + 1 : 0
            for interval in intervals where interval.end > start {
                let from = max(interval.start, start)
                let available = interval.end.timeIntervalSince(from)
                if remaining <= available {
                    return from.addingTimeInterval(remaining)
                }
                remaining -= available
            }
            daysWalked += 1
            if closedRun > WorkCalendar.noBusinessTimeHorizonDays {
                throw .noBusinessTime(after: start, days: daysWalked)
            }
            if daysWalked > WorkCalendar.maximumSpanDays {
                throw .beyondHorizon(start: start, businessMinutes: businessMinutes, days: daysWalked)
            }
            date = date.adding(days: 1)
        }
    }

    /// Whole business minutes between two instants (0 when `end` is not after `start`).
    ///
    /// For any start, `businessMinutes(from: start, to: adding(businessMinutes: n, to: start))` is `n`.
    public func businessMinutes(from start: Date, to end: Date) -> Int {
        guard end > start else { return 0 }
        var seconds: TimeInterval = 0
        var date = localDate(of: start)
        let last = localDate(of: end)
        while date <= last {
            for interval in openIntervals(on: date) {
                let overlap = min(interval.end, end).timeIntervalSince(max(interval.start, start))
                if overlap > 0 {
                    seconds += overlap
                }
            }
            date = date.adding(days: 1)
        }
        // A hair of tolerance so that floating-point sums of whole minutes never round down by one.
        return Int(((seconds + 0.000_001) / 60).rounded(.down))
    }
}
