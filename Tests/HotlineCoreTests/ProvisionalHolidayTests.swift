import Foundation
import HotlineCore
import Testing

@Suite("Statutory holidays computed for years without an official schedule (SPEC §4)")
struct ProvisionalHolidayTests {
    let calendar = WorkCalendar.chinaDefault

    /// 清明 in the official schedules of 2008–2026 (the day the State Council named), and the dates for 2027–2030
    /// from the almanacs.
    static let qingmingDates: [(year: Int, date: String)] = [
        (2008, "2008-04-04"), (2009, "2009-04-04"), (2010, "2010-04-05"), (2011, "2011-04-05"),
        (2012, "2012-04-04"), (2013, "2013-04-04"), (2014, "2014-04-05"), (2015, "2015-04-05"),
        (2016, "2016-04-04"), (2017, "2017-04-04"), (2018, "2018-04-05"), (2019, "2019-04-05"),
        (2020, "2020-04-04"), (2021, "2021-04-04"), (2022, "2022-04-05"), (2023, "2023-04-05"),
        (2024, "2024-04-04"), (2025, "2025-04-04"), (2026, "2026-04-05"), (2027, "2027-04-05"),
        (2028, "2028-04-04"), (2029, "2029-04-04"), (2030, "2030-04-05"),
    ]

    @Test("清明 falls on the solar term", arguments: qingmingDates)
    func qingmingSolarTerm(year: Int, date: String) {
        #expect(SolarTerm.qingming(year: year).description == date)
    }

    /// A second, independent method: the almanacs' empirical rule for the 21st century,
    /// ⌊Y × 0.2422 + 4.81⌋ − ⌊Y / 4⌋ with Y the year's last two digits, must agree every year.
    @Test func qingmingAgreesWithTheCenturyRule() {
        for year in 2000...2099 {
            let y = year % 100
            let day = Int((Double(y) * 0.2422 + 4.81).rounded(.down)) - y / 4
            #expect(SolarTerm.qingming(year: year) == LocalDate(year: year, month: 4, day: day), "\(year)")
        }
    }

    @Test func lunarFestivalsMatchTheOfficialSchedules() throws {
        // 2026's official schedule: 春节 from 16 February (除夕), 端午 19 June, 中秋 25 September.
        let days2026 = Dictionary(
            StatutoryHoliday.days(in: 2026).map { ($0.date.description, $0.holiday) },
            uniquingKeysWith: { first, _ in first }
        )
        #expect(days2026["2026-02-16"] == .springFestival)
        #expect(days2026["2026-02-19"] == .springFestival)
        #expect(days2026["2026-02-20"] == nil)
        #expect(days2026["2026-06-19"] == .dragonBoat)
        #expect(days2026["2026-09-25"] == .midAutumn)
        // 2025: 春节 28 January (除夕) to 31 January, 端午 31 May, 中秋 6 October.
        let days2025 = StatutoryHoliday.days(in: 2025).map(\.date.description)
        #expect(days2025.contains("2025-01-28") && days2025.contains("2025-01-31"))
        #expect(days2025.contains("2025-05-31") && days2025.contains("2025-10-06"))
    }

    @Test func thirteenStatutoryDaysIn2027() {
        let days = StatutoryHoliday.days(in: 2027).map { "\($0.date) \($0.holiday.rawValue)" }
        #expect(
            days == [
                "2027-01-01 newYear",
                "2027-02-05 springFestival", "2027-02-06 springFestival", "2027-02-07 springFestival",
                "2027-02-08 springFestival",
                "2027-04-05 qingming",
                "2027-05-01 labourDay", "2027-05-02 labourDay",
                "2027-06-09 dragonBoat",
                "2027-09-15 midAutumn",
                "2027-10-01 nationalDay", "2027-10-02 nationalDay", "2027-10-03 nationalDay",
            ]
        )
    }

    @Test func weekendStatutoryDaysAreCompensatedOnTheNextFreeWeekday() {
        let schedule = StatutoryHoliday.provisionalSchedule(for: 2027)
        func name(_ text: String) -> String? { LocalDate(string: text).flatMap { schedule[$0]?.name } }
        // 春节 2027: 初一 and 初二 fall on Saturday 6 and Sunday 7 February; 初三 takes Monday 8, so the two days
        // in lieu are Tuesday 9 and Wednesday 10.
        #expect(name("2027-02-09") == "春节补休 Spring Festival, day off in lieu")
        #expect(name("2027-02-10") == "春节补休 Spring Festival, day off in lieu")
        #expect(name("2027-02-11") == nil)
        // 劳动节: 1–2 May 2027 are Saturday and Sunday → Monday 3 and Tuesday 4 May.
        #expect(name("2027-05-03") == "劳动节补休 Labour Day, day off in lieu")
        #expect(name("2027-05-04") == "劳动节补休 Labour Day, day off in lieu")
        // 国庆: 2 and 3 October are Saturday and Sunday → Monday 4 and Tuesday 5.
        #expect(name("2027-10-04") != nil && name("2027-10-05") != nil && name("2027-10-06") == nil)
        // 清明 on Monday 5 April: nothing in lieu.
        #expect(name("2027-04-06") == nil)
        #expect(schedule.values.allSatisfy { $0.provisional && $0.kind == .holiday })
        #expect(schedule.count == 13 + 6)
    }

    @Test func theShippedScheduleMakes2026OfficialAnd2027Provisional() throws {
        #expect(calendar.officialYears == [2026])
        #expect(calendar.officialThrough?.description == "2026-12-31")
        let newYear2027 = try WorkCalendarFixtures.date("2027-01-01")
        #expect(calendar.isProvisional(newYear2027))
        #expect(calendar.dayInfo(on: newYear2027).isWorkingDay == false)
        #expect(calendar.nonWorkingReason(on: newYear2027) == .holiday(name: "元旦 New Year's Day"))
        // 2026 follows the official file only: 2026-02-15 is a holiday there, a Sunday the rules would not name.
        let official = try WorkCalendarFixtures.date("2026-02-15")
        #expect(calendar.isProvisional(official) == false)
        #expect(calendar.override(on: official)?.name == "春节 Spring Festival")
    }

    struct DueCase: Sendable, CustomTestStringConvertible {
        let start: String
        let due: String
        let provisional: [String]
        var testDescription: String { "\(start) → \(due)" }
    }

    /// The cases of the issue: one working day from a transfer at 10:00.
    static let dueCases: [DueCase] = [
        DueCase(start: "2026-12-31 10:00", due: "2027-01-04 10:00", provisional: ["2027-01-01"]),
        DueCase(start: "2027-06-08 10:00", due: "2027-06-10 10:00", provisional: ["2027-06-09"]),
        DueCase(start: "2027-09-14 10:00", due: "2027-09-16 10:00", provisional: ["2027-09-15"]),
        DueCase(
            start: "2027-02-04 10:00",
            due: "2027-02-11 10:00",
            provisional: (5...10).map { "2027-02-\(String(format: "%02d", $0))" }
        ),
    ]

    @Test("one working day over provisional holidays", arguments: dueCases)
    func replyDueOverProvisionalDays(_ testCase: DueCase) throws {
        let start = try WorkCalendarFixtures.shanghai(testCase.start)
        let result = try calendar.due(after: start, allowance: .workingDays(1))
        #expect(result.dueAt == (try WorkCalendarFixtures.shanghai(testCase.due)))
        #expect(result.explanation.provisionalDays.map(\.date.description) == testCase.provisional)
    }

    @Test func theExplanationSaysADayIsProvisional() throws {
        let start = try WorkCalendarFixtures.shanghai("2026-12-31 10:00")
        let explanation = try calendar.due(after: start, allowance: .workingDays(1)).explanation
        let english = explanation.render(in: .en, timeZone: calendar.timeZone)
        #expect(english.contains("Provisional: Fri 2027-01-01 (元旦 New Year's Day) computed from the statutory"))
        #expect(english.contains("no official schedule for 2027 is imported; the due time may move when it is."))
        let chinese = explanation.render(in: .zh, timeZone: calendar.timeZone)
        #expect(chinese.contains("暂定:2027-01-01(周五)(元旦 New Year's Day)系按法定节假日规则推算,2027 年官方放假安排尚未导入"))
        // A deadline inside the official year says nothing of the kind.
        let official = try calendar.due(
            after: try WorkCalendarFixtures.shanghai("2026-11-30 10:00"),
            allowance: .workingDays(1)
        )
        #expect(official.explanation.provisionalDays.isEmpty)
        #expect(!official.explanation.render(in: .en, timeZone: calendar.timeZone).contains("Provisional"))
    }

    @Test func anExplanationStoredBeforeProvisionalDaysStillDecodes() throws {
        let start = try WorkCalendarFixtures.shanghai("2026-11-30 10:00")
        let explanation = try calendar.due(after: start, allowance: .workingDays(1)).explanation
        var object = try #require(
            try JSONSerialization.jsonObject(with: JSONEncoder().encode(explanation)) as? [String: Any]
        )
        object["provisionalDays"] = nil
        let old = try JSONSerialization.data(withJSONObject: object)
        #expect(try JSONDecoder().decode(DeadlineExplanation.self, from: old) == explanation)
    }

    @Test func anOfficialScheduleReplacesTheProvisionalDaysOfItsYear() throws {
        var calendar = calendar
        // A made-up 2027 schedule in the State Council's shape: every statutory day off, the Spring Festival week
        // bridged, one Saturday worked.
        var overrides = StatutoryHoliday.days(in: 2027).map {
            CalendarOverride(date: $0.date, kind: .holiday, name: $0.holiday.name)
        }
        let bridge = try WorkCalendarFixtures.date("2027-02-12")
        overrides.append(CalendarOverride(date: bridge, kind: .holiday, name: "春节 Spring Festival"))
        let saturday = try WorkCalendarFixtures.date("2027-02-20")
        overrides.append(CalendarOverride(date: saturday, kind: .workday, name: "春节调休 make-up working day"))
        calendar.apply(overrides)
        #expect(calendar.officialYears == [2026, 2027])
        #expect(calendar.officialThrough?.description == "2027-12-31")
        // The provisional day in lieu of 10 February is gone; the official bridge and make-up day are in force.
        #expect(calendar.dayInfo(on: try WorkCalendarFixtures.date("2027-02-10")).isWorkingDay)
        #expect(calendar.dayInfo(on: bridge).isWorkingDay == false)
        #expect(calendar.dayInfo(on: saturday).isWorkingDay)
        #expect(!calendar.isProvisional(try WorkCalendarFixtures.date("2027-01-01")))
        // 2028 is still provisional.
        #expect(calendar.isProvisional(try WorkCalendarFixtures.date("2028-01-01")))
    }

    @Test func aFileOfLocalHolidaysDoesNotMakeAYearOfficial() throws {
        var calendar = calendar
        let local = try WorkCalendarFixtures.date("2027-03-10")
        calendar.apply([CalendarOverride(date: local, kind: .holiday, name: "Local closure")])
        #expect(calendar.officialYears == [2026])
        #expect(calendar.override(on: local)?.name == "Local closure")
        #expect(calendar.isProvisional(try WorkCalendarFixtures.date("2027-01-01")))
    }

    @Test func aCalendarWithoutProvisionalHolidaysKeepsPlainWeekdays() throws {
        let plain = WorkCalendar()
        #expect(plain.dayInfo(on: try WorkCalendarFixtures.date("2027-01-01")).isWorkingDay)
        #expect(plain.officialYears.isEmpty && plain.officialThrough == nil)
    }

    @Test func warningsFromWarnFrom() throws {
        let from = MonthDay.defaultWarnFrom
        #expect(calendar.scheduleWarnings(on: try WorkCalendarFixtures.date("2026-11-30"), warnFrom: from).isEmpty)
        #expect(
            calendar.scheduleWarnings(on: try WorkCalendarFixtures.date("2026-12-01"), warnFrom: from)
                == [.nextYearNotOfficial(year: 2027)]
        )
        #expect(
            calendar.scheduleWarnings(on: try WorkCalendarFixtures.date("2027-01-04"), warnFrom: from)
                == [.currentYearNotOfficial(year: 2027)]
        )
        let early = try #require(MonthDay(string: "11-15"))
        #expect(
            calendar.scheduleWarnings(on: try WorkCalendarFixtures.date("2026-11-20"), warnFrom: early)
                == [.nextYearNotOfficial(year: 2027)]
        )
        #expect(ScheduleWarning.nextYearNotOfficial(year: 2027).text(in: .zh).contains("2027 年"))
        #expect(MonthDay(string: "02-29") != nil && MonthDay(string: "02-30") == nil && MonthDay(string: "1-1") == nil)
    }
}
