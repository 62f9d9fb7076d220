import Foundation
import HotlineCore
import Testing

@Suite("Work calendar: business hours, dates and months")
struct WorkCalendarHoursTests {
    @Test func standardHours() {
        let hours = BusinessHours.standard
        #expect(hours.description == "mon-fri 09:00-12:00,13:00-18:00")
        #expect(Weekday.allCases.map { hours.minutes(on: $0) } == [480, 480, 480, 480, 480, 0, 0])
        #expect(hours.makeUpDayPeriods.map(\.description) == ["09:00-12:00", "13:00-18:00"])
    }

    @Test(
        arguments: [
            "mon-fri 09:00-12:00,13:00-18:00",
            "mon-fri 09:00-12:00,13:00-18:00; sat 09:00-12:00",
            "mon 08:30-17:30; wed 08:30-17:30; fri 08:30-17:30",
            "mon-sun 00:00-24:00",
        ]
    )
    func descriptionReadsBack(_ text: String) throws {
        let hours = try BusinessHours(parsing: text)
        #expect(hours.description == text)
        #expect(try BusinessHours(parsing: hours.description) == hours)
    }

    @Test func parsingIsTolerant() throws {
        let hours = try BusinessHours(parsing: "  Mon-FRI 13:00-18:00, 9:00-12:00 \n sat 09:00-12:00;; sun closed ")
        #expect(hours.periods(on: .monday).map(\.description) == ["09:00-12:00", "13:00-18:00"])
        #expect(hours.minutes(on: .saturday) == 180)
        #expect(hours.periods(on: .sunday).isEmpty)
        #expect(try BusinessHours(parsing: "mon,wed,fri 08:30-17:30").minutes(on: .tuesday) == 0)
        #expect(try BusinessHours(parsing: "monday-wednesday,fri 10:00-11:00").minutes(on: .thursday) == 0)
        #expect(try BusinessHours(parsing: "mon-fri 09:00-12:00,13:00-18:00") == .standard)
    }

    @Test(
        arguments: [
            ("", CalendarConfigError.empty),
            (" ; ", .empty),
            ("funday 09:00-12:00", .unknownDay("funday")),
            ("fri-mon 09:00-12:00", .backwardDayRange("fri-mon")),
            ("mon 09:00-12:00; mon-tue 13:00-18:00", .duplicateDay(.monday)),
            ("mon-fri", .missingHours("mon-fri")),
            ("mon 9-12", .badTime("9")),
            ("mon 25:00-26:00", .badTime("25:00")),
            ("mon 09:60-10:00", .badTime("09:60")),
            ("mon 18:00-09:00", .badRange("18:00-09:00")),
            ("mon 09:00", .badRange("09:00")),
            ("mon 09:00-12:00,11:00-13:00", .overlappingRanges(.monday, "09:00-12:00", "11:00-13:00")),
            ("sun closed", .noBusinessHours),
        ]
    )
    func refuses(_ text: String, _ expected: CalendarConfigError) {
        #expect(throws: expected) { try BusinessHours(parsing: text) }
    }

    @Test func errorMessagesNameTheBadText() {
        #expect(CalendarConfigError.unknownDay("funday").description.contains("\"funday\" is not a day"))
        #expect(CalendarConfigError.badRange("18:00-09:00").description.contains("\"18:00-09:00\""))
        #expect(CalendarConfigError.overlappingRanges(.monday, "a", "b").description.contains("on mon"))
    }

    @Test func makeUpDayTakesTheFirstWeekdayWithHours() throws {
        let hours = try BusinessHours(parsing: "tue-fri 10:00-16:00; sat 09:00-10:00")
        #expect(hours.makeUpDayPeriods.map(\.description) == ["10:00-16:00"])
        let saturday = try WorkCalendarFixtures.date("2026-10-10")
        let sunday = try WorkCalendarFixtures.date("2026-10-11")
        let calendar = WorkCalendar(
            hours: hours,
            overrides: [
                CalendarOverride(date: saturday, kind: .workday), CalendarOverride(date: sunday, kind: .workday),
            ]
        )
        // Saturday keeps its own hours; Sunday has none of its own, so it takes Tuesday's.
        #expect(calendar.periods(on: saturday).map(\.description) == ["09:00-10:00"])
        #expect(calendar.periods(on: sunday).map(\.description) == ["10:00-16:00"])
        #expect(calendar.standardWorkingDayMinutes == 360)
    }

    @Test func hoursAreCodableAsText() throws {
        let data = try JSONEncoder().encode(BusinessHours.standard)
        #expect(String(decoding: data, as: UTF8.self) == #""mon-fri 09:00-12:00,13:00-18:00""#)
        #expect(try JSONDecoder().decode(BusinessHours.self, from: data) == .standard)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(BusinessHours.self, from: Data(#""mon 18:00-09:00""#.utf8))
        }
    }

    @Test(
        arguments: [
            ("1970-01-01", Weekday.thursday),
            ("2000-02-29", .tuesday),
            ("2026-09-20", .sunday),
            ("2026-10-01", .thursday),
            ("2026-10-10", .saturday),
            ("2026-11-30", .monday),
            ("2026-12-31", .thursday),
            ("1969-12-31", .wednesday),
        ]
    )
    func weekdays(_ text: String, _ weekday: Weekday) throws {
        #expect(try WorkCalendarFixtures.date(text).weekday == weekday)
    }

    @Test(arguments: [
        "2026-02-30", "2026-13-01", "2026-00-10", "2026-2-3", "2026/10/01", "2026-10-01x", "", "abcd-ef-gh",
    ])
    func invalidDates(_ text: String) {
        #expect(LocalDate(string: text) == nil)
    }

    @Test func dateArithmeticAndCoding() throws {
        #expect(LocalDate(string: "2024-02-29") != nil)
        #expect(LocalDate(string: "2100-02-29") == nil)
        let start = try WorkCalendarFixtures.date("2026-12-30")
        #expect(start.adding(days: 3).description == "2027-01-02")
        #expect(start.adding(days: -365).description == "2025-12-30")
        #expect(start < start.adding(days: 1))
        for days in stride(from: -800_000, through: 2_900_000, by: 997) {
            #expect(LocalDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(String(decoding: try JSONEncoder().encode(start), as: UTF8.self) == #""2026-12-30""#)
        #expect(try JSONDecoder().decode(LocalDate.self, from: Data(#""2026-10-01""#.utf8)).day == 1)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LocalDate.self, from: Data(#""2026-02-30""#.utf8))
        }
    }

    @Test func yearMonths() throws {
        let month = try #require(YearMonth(string: "2026-02"))
        #expect(month.dates.count == 28)
        #expect(month.description == "2026-02")
        #expect(YearMonth(string: "2026-13") == nil)
        #expect(YearMonth(string: "2026-1") == nil)
        #expect(YearMonth(try WorkCalendarFixtures.date("2026-10-31")) == YearMonth(year: 2026, month: 10))
    }

    @Test func weekdayNames() {
        #expect(Weekday(name: "Mon") == .monday)
        #expect(Weekday(name: "sunday") == .sunday)
        #expect(Weekday(name: "mo") == nil)
        #expect(Weekday.saturday.abbreviation(in: .zh) == "周六")
        #expect(Weekday.saturday.abbreviation(in: .en) == "Sat")
    }
}
