import Foundation
import HotlineCore
import Testing

@Suite("Work calendar: deadlines explain themselves")
struct WorkCalendarExplanationTests {
    let calendar = WorkCalendar.chinaDefault
    let zone = WorkCalendar.chinaDefault.timeZone

    @Test func nationalDayInBothLanguages() throws {
        let start = try WorkCalendarFixtures.shanghai("2026-09-30 17:00")
        let explanation = try calendar.due(after: start, allowance: .workingDays(1)).explanation
        #expect(
            explanation.render(in: .en, timeZone: zone) == """
                1 working day = 480 business minutes from Wed 2026-09-30 17:00, due Thu 2026-10-08 17:00.
                Skipped: Thu 2026-10-01…Wed 2026-10-07 (holiday: 国庆节 National Day).
                """
        )
        #expect(
            explanation.render(in: .zh, timeZone: zone) == """
                1个工作日 = 480个工作分钟,自 2026-09-30(周三)17:00 起算,于 2026-10-08(周四)17:00 到期。
                跳过:2026-10-01(周四) 至 2026-10-07(周三)(节假日:国庆节 National Day)。
                """
        )
    }

    @Test func weekendSkippedAndMakeUpDayCounted() throws {
        // Fri 10-09 17:00–18:00 (60) + Sat 10-10 make-up (480) + Mon 10-12 09:00–17:00 (420) = 960.
        let start = try WorkCalendarFixtures.shanghai("2026-10-09 17:00")
        let result = try calendar.due(after: start, allowance: .workingDays(2))
        #expect(result.dueAt == (try WorkCalendarFixtures.shanghai("2026-10-12 17:00")))
        let explanation = result.explanation
        #expect(explanation.skippedDays == [.init(date: try WorkCalendarFixtures.date("2026-10-11"), reason: .weekend)])
        #expect(
            explanation.makeUpDays == [
                .init(date: try WorkCalendarFixtures.date("2026-10-10"), name: "国庆节调休 make-up working day")
            ]
        )
        #expect(
            explanation.render(in: .en, timeZone: zone) == """
                2 working days = 960 business minutes from Fri 2026-10-09 17:00, due Mon 2026-10-12 17:00.
                Skipped: Sun 2026-10-11 (weekend).
                Counted make-up working day: Sat 2026-10-10 (国庆节调休 make-up working day).
                """
        )
        let chinese = explanation.render(in: .zh, timeZone: zone)
        #expect(chinese.contains("跳过:2026-10-11(周日)(周末)"))
        #expect(chinese.contains("计入调休上班日:2026-10-10(周六)(国庆节调休 make-up working day)"))
    }

    @Test func startOutsideBusinessHoursNamesTheNextOpening() throws {
        let start = try WorkCalendarFixtures.shanghai("2026-11-28 10:00")
        let result = try calendar.due(after: start, allowance: .businessMinutes(30))
        #expect(result.dueAt == (try WorkCalendarFixtures.shanghai("2026-11-30 09:30")))
        #expect(result.explanation.effectiveStart == (try WorkCalendarFixtures.shanghai("2026-11-30 09:00")))
        #expect(
            result.explanation.render(in: .en, timeZone: zone) == """
                30 business minutes from Sat 2026-11-28 10:00, due Mon 2026-11-30 09:30.
                The start was outside business hours: counted from the next opening, Mon 2026-11-30 09:00.
                Skipped: Sat 2026-11-28…Sun 2026-11-29 (weekend).
                """
        )
        #expect(
            result.explanation.render(in: .zh, timeZone: zone) == """
                30个工作分钟,自 2026-11-28(周六)10:00 起算,于 2026-11-30(周一)09:30 到期。
                起算时不在工作时间内,自下一个上班时间 2026-11-30(周一)09:00 起计。
                跳过:2026-11-28(周六) 至 2026-11-29(周日)(周末)。
                """
        )
    }

    @Test func holidayThenWeekendAreSeparateGroups() throws {
        // Mid-Autumn Fri 09-25 … Sun 09-27 are holidays in the file, so they form one holiday group.
        let start = try WorkCalendarFixtures.shanghai("2026-09-24 17:00")
        let explanation = try calendar.due(after: start, allowance: .businessMinutes(240 + 480)).explanation
        let english = explanation.render(in: .en, timeZone: zone)
        #expect(english.hasPrefix("12 business hours = 720 business minutes from Thu 2026-09-24 17:00"))
        #expect(english.contains("Skipped: Fri 2026-09-25…Sun 2026-09-27 (holiday: 中秋节 Mid-Autumn Festival)."))
        // Thu 12-03 17:00 + 3 working days: 60 + Fri 480 + Mon 480, weekend skipped, Tue 12-08 09:00 + 420.
        let later = try calendar.due(
            after: try WorkCalendarFixtures.shanghai("2026-12-03 17:00"),
            allowance: .workingDays(3)
        )
        #expect(later.dueAt == (try WorkCalendarFixtures.shanghai("2026-12-08 17:00")))
        #expect(
            later.explanation.render(in: .en, timeZone: zone).contains(
                "Skipped: Sat 2026-12-05…Sun 2026-12-06 (weekend)."
            )
        )
    }

    @Test func wallClockExplanationIsJustTheDuration() throws {
        let start = try WorkCalendarFixtures.shanghai("2026-10-01 10:00")
        let explanation = try calendar.due(after: start, allowance: .wallClock(minutes: 60)).explanation
        #expect(
            explanation.render(in: .en, timeZone: zone)
                == "1 hour (wall clock, nights and holidays included) from Thu 2026-10-01 10:00, "
                + "due Thu 2026-10-01 11:00."
        )
        #expect(
            explanation.render(in: .zh, timeZone: zone)
                == "1小时(自然时间,含夜间和节假日),自 2026-10-01(周四)10:00 起算,于 2026-10-01(周四)11:00 到期。"
        )
    }

    @Test func renderUsesTheGivenZone() throws {
        let start = try WorkCalendarFixtures.shanghai("2026-11-30 09:00")
        let explanation = try calendar.due(after: start, allowance: .businessMinutes(90)).explanation
        let utc = try #require(TimeZone(identifier: "UTC"))
        #expect(explanation.render(in: .en, timeZone: utc).hasPrefix("90 business minutes from Mon 2026-11-30 01:00"))
    }

    @Test func explanationRoundTripsThroughJSON() throws {
        let start = try WorkCalendarFixtures.shanghai("2026-09-30 17:00")
        let computation = try calendar.due(after: start, allowance: .workingDays(1))
        let data = try JSONEncoder().encode(computation)
        #expect(try JSONDecoder().decode(DeadlineComputation.self, from: data) == computation)
    }
}
