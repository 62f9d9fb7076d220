import Foundation
import HotlineCore
import Testing

@Suite("Calendar files: text format and iCalendar")
struct CalendarFileParserTests {
    @Test func everyEmbeddedFileParses() throws {
        #expect(!EmbeddedCalendars.files.isEmpty)
        for file in EmbeddedCalendars.files {
            #expect(throws: Never.self, "\(file.name)") {
                try CalendarFileParser.parse(file.contents, fileName: file.name)
            }
        }
    }

    /// Shipping a later year's official schedule is a data file `calendars/cn-YYYY.txt`: this checks that each
    /// shipped file names every statutory holiday of its year (so the year counts as official, its provisional
    /// days give way) and that the shipped calendar is official through the last of them.
    @Test func everyShippedScheduleMakesItsYearOfficial() throws {
        var years: [Int] = []
        for file in EmbeddedCalendars.files where file.name.hasPrefix("cn-") {
            let year = try #require(Int(file.name.dropFirst(3).prefix(4)), "\(file.name)")
            let overrides = try CalendarFileParser.parse(file.contents, fileName: file.name)
            let holidays = Set(overrides.filter { $0.kind == .holiday }.map(\.date))
            for day in StatutoryHoliday.days(in: year) {
                #expect(holidays.contains(day.date), "\(file.name) lacks \(day.date) (\(day.holiday.name))")
            }
            #expect(WorkCalendar.chinaDefault.isOfficial(year: year), "\(file.name)")
            years.append(year)
        }
        #expect(years.contains(2026))
        #expect(
            WorkCalendar.chinaDefault.officialThrough == LocalDate(year: try #require(years.max()), month: 12, day: 31)
        )
    }

    @Test func shippedChinaFileParses() throws {
        let file = try #require(EmbeddedCalendars.files.first { $0.name == "cn-2026.txt" }?.contents)
        let overrides = try CalendarFileParser.parseText(file, fileName: "cn-2026.txt")
        #expect(overrides.count == 39)
        #expect(overrides.filter { $0.kind == .workday }.count == 6)
        #expect(overrides.first?.description == "2026-01-01 holiday 元旦 New Year's Day")
        #expect(overrides.last?.description == "2026-10-10 workday 国庆节调休 make-up working day")
    }

    @Test func textFormatDetails() throws {
        let text =
            "\u{FEFF}# header\r\n\r\n  2026-10-01   HOLIDAY   国庆节  National Day  # inline note\r\n"
            + "2026-10-10 workday\n#2026-10-11 holiday commented out\n2026-10-01 holiday duplicate same kind\n"
        let overrides = try CalendarFileParser.parseText(text, fileName: "x.txt")
        let first = try WorkCalendarFixtures.date("2026-10-01")
        let second = try WorkCalendarFixtures.date("2026-10-10")
        #expect(
            overrides == [
                CalendarOverride(date: first, kind: .holiday, name: "国庆节  National Day"),
                CalendarOverride(date: second, kind: .workday, name: ""),
            ]
        )
        #expect(try CalendarFileParser.parseText("", fileName: "empty.txt").isEmpty)
    }

    struct BadFile: Sendable, CustomTestStringConvertible {
        let text: String
        let line: Int
        let problem: CalendarImportError.Problem
        var testDescription: String { "line \(line): \(problem)" }
    }

    static let badTextFiles: [BadFile] = [
        BadFile(text: "# c\n2026-10-01 holiday A\n2026-02-30 holiday B\n", line: 3, problem: .badDate("2026-02-30")),
        BadFile(text: "2026-10-01 holliday", line: 1, problem: .unknownKind("holliday")),
        BadFile(text: "\n\n2026-10-01\n", line: 3, problem: .missingKind),
        BadFile(text: "2026/10/01 holiday", line: 1, problem: .badDate("2026/10/01")),
        BadFile(text: "holiday 2026-10-01", line: 1, problem: .badDate("holiday")),
        BadFile(
            text: "2026-10-01 holiday A\n# c\n2026-10-01 workday B\n",
            line: 3,
            problem: .conflictingDate(
                LocalDate(year: 2026, month: 10, day: 1) ?? LocalDate(daysSinceEpoch: 0),
                firstLine: 1
            )
        ),
    ]

    @Test(arguments: badTextFiles)
    func textErrorsNameTheLine(_ bad: BadFile) {
        #expect(throws: CalendarImportError(fileName: "holidays.txt", line: bad.line, problem: bad.problem)) {
            try CalendarFileParser.parseText(bad.text, fileName: "holidays.txt")
        }
    }

    @Test func errorDescriptionNamesFileLineAndText() {
        let error = CalendarImportError(fileName: "holidays.txt", line: 3, problem: .badDate("2026-02-30"))
        #expect(error.description.hasPrefix("holidays.txt:3: \"2026-02-30\" is not a valid date"))
        let conflict = CalendarImportError(
            fileName: "a.ics",
            line: 9,
            problem: .conflictingDate(LocalDate(daysSinceEpoch: 0), firstLine: 4)
        )
        #expect(
            conflict.description
                == "a.ics:9: 1970-01-01 conflicts with line 4, which gives the same date the other kind"
        )
        #expect(
            CalendarImportError(fileName: "f", line: 2, problem: .unknownKind("x")).description.contains(
                "holiday or workday"
            )
        )
    }

    @Test func importIsAllOrNothing() throws {
        var calendar = WorkCalendar.chinaDefault
        let before = calendar
        let text = "2026-11-30 holiday A\n2026-12-01 holiday B\n2026-12-02 holidya C\n"
        do {
            calendar.apply(try CalendarFileParser.parse(text, fileName: "bad.txt"))
            Issue.record("a bad file must not import")
        } catch {
            #expect(error.line == 3)
        }
        #expect(calendar == before)
    }

    static let feed =
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Test//CN Holidays//EN",
            "BEGIN:VEVENT",
            "UID:1@test",
            "DTSTART;VALUE=DATE:20261001",
            "DTEND;VALUE=DATE:20261008",
            "SUMMARY:国庆节\\, National Day",
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            "DESCRIPTION:should not be the summary",
            "SUMMARY:alarm summary",
            "TRIGGER:-PT15M",
            "END:VALARM",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20261010",
            "SUMMARY:国庆节调休上班",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART:20260920",
            "SUMMARY:Make-up work",
            " ing day",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20260925",
            "DURATION:P3D",
            "SUMMARY:中秋节",
            "CATEGORIES:Holiday",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20261225",
            "SUMMARY:Cancelled party",
            "STATUS:CANCELLED",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=\"DATE\":20260214",
            "SUMMARY:春节",
            "CATEGORIES:补班",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "DTSTART;VALUE=DATE:20260101",
            "SUMMARY:A\\;B\\nC\\\\D",
            "END:VEVENT",
            "END:VCALENDAR",
        ].joined(separator: "\r\n") + "\r\n"

    @Test func iCalendarFeed() throws {
        let overrides = try CalendarFileParser.parseICalendar(Self.feed, fileName: "cn.ics")
        let byDate = Dictionary(uniqueKeysWithValues: overrides.map { ($0.date.description, $0) })
        #expect(overrides.count == 7 + 1 + 1 + 3 + 1 + 1)
        #expect((1...7).allSatisfy { byDate["2026-10-0\($0)"]?.kind == .holiday })
        #expect(byDate["2026-10-01"]?.name == "国庆节, National Day")
        #expect(byDate["2026-10-08"] == nil)
        #expect(byDate["2026-10-10"]?.kind == .workday)
        #expect(
            byDate["2026-09-20"]
                == CalendarOverride(
                    date: try WorkCalendarFixtures.date("2026-09-20"),
                    kind: .workday,
                    name: "Make-up working day"
                )
        )
        #expect(
            ["2026-09-25", "2026-09-26", "2026-09-27"].allSatisfy {
                byDate[$0]?.name == "中秋节" && byDate[$0]?.kind == .holiday
            }
        )
        #expect(byDate["2026-09-28"] == nil)
        #expect(byDate["2026-12-25"] == nil)
        #expect(byDate["2026-02-14"]?.kind == .workday)
        #expect(byDate["2026-01-01"]?.name == "A;B\nC\\D")
        #expect(try CalendarFileParser.parse(Self.feed, fileName: "cn.ics") == overrides)
    }

    @Test func iCalendarFeedDrivesTheArithmetic() throws {
        let calendar = WorkCalendar(overrides: try CalendarFileParser.parse(Self.feed, fileName: "cn.ics"))
        let start = try WorkCalendarFixtures.shanghai("2026-09-30 17:00")
        #expect(
            try calendar.adding(businessMinutes: 480, to: start)
                == (try WorkCalendarFixtures.shanghai("2026-10-08 17:00"))
        )
    }

    static func event(_ lines: String...) -> String {
        (["BEGIN:VCALENDAR", "BEGIN:VEVENT"] + lines + ["END:VEVENT", "END:VCALENDAR"]).joined(separator: "\n")
    }

    static let badFeeds: [BadFile] = [
        BadFile(text: event("SUMMARY:no start"), line: 2, problem: .missingStart),
        BadFile(text: event("SUMMARY:x", "DTSTART:20261001T090000Z"), line: 4, problem: .notAllDay("20261001T090000Z")),
        BadFile(
            text: event("DTSTART;VALUE=DATE-TIME;TZID=Asia/Shanghai:20261001"),
            line: 3,
            problem: .notAllDay("20261001")
        ),
        BadFile(text: event("DTSTART;VALUE=DATE:20260230"), line: 3, problem: .badDate("20260230")),
        BadFile(text: event("DTSTART;VALUE=DATE:2026-10-01"), line: 3, problem: .badDate("2026-10-01")),
        BadFile(
            text: event("DTSTART;VALUE=DATE:20261002", "SUMMARY:x", "DTEND;VALUE=DATE:20261002"),
            line: 5,
            problem: .endNotAfterStart
        ),
        BadFile(text: event("DTSTART;VALUE=DATE:20261002", "DURATION:PT1H"), line: 4, problem: .badDuration("PT1H")),
        BadFile(
            text: event("DTSTART;VALUE=DATE:20260101", "DTEND;VALUE=DATE:20280101"),
            line: 2,
            problem: .eventTooLong(days: 730)
        ),
        BadFile(
            text: event("DTSTART;VALUE=DATE:20261001", "RRULE:FREQ=YEARLY"),
            line: 4,
            problem: .recurrenceNotSupported("RRULE")
        ),
        BadFile(
            text: "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261001\n",
            line: 2,
            problem: .unterminated("VEVENT")
        ),
        BadFile(text: "BEGIN:VCALENDAR\nEND:VEVENT\nEND:VCALENDAR", line: 2, problem: .unexpectedEnd("VEVENT")),
        BadFile(text: "BEGIN:VCALENDAR\nGARBAGE\nEND:VCALENDAR", line: 2, problem: .malformedLine("GARBAGE")),
        BadFile(
            text: [
                "BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261010", "SUMMARY:国庆节", "END:VEVENT",
                "BEGIN:VEVENT", "SUMMARY:国庆节调休", " 上班", "DTSTART;VALUE=DATE:20261010", "END:VEVENT", "END:VCALENDAR",
            ].joined(separator: "\r\n"),
            line: 9,
            problem: .conflictingDate(
                LocalDate(year: 2026, month: 10, day: 10) ?? LocalDate(daysSinceEpoch: 0),
                firstLine: 3
            )
        ),
    ]

    @Test(arguments: badFeeds)
    func iCalendarErrorsNameTheLine(_ bad: BadFile) {
        #expect(throws: CalendarImportError(fileName: "feed.ics", line: bad.line, problem: bad.problem)) {
            try CalendarFileParser.parse(bad.text, fileName: "feed.ics")
        }
    }
}
