import Foundation
import HotlineCore
import Testing

@Suite("Allowance: parsing, text, scaling")
struct AllowanceTests {
    @Test(
        arguments: [
            ("1h", Allowance.wallClock(minutes: 60)),
            ("4h", .wallClock(minutes: 240)),
            ("90m", .wallClock(minutes: 90)),
            ("30 min", .wallClock(minutes: 30)),
            ("1 hour", .wallClock(minutes: 60)),
            ("2 hours", .wallClock(minutes: 120)),
            ("  2   HOURS ", .wallClock(minutes: 120)),
            ("1.5h", .wallClock(minutes: 90)),
            ("90 minutes", .wallClock(minutes: 90)),
            ("30 business minutes", .businessMinutes(30)),
            ("4 business hours", .businessMinutes(240)),
            ("4bh", .businessMinutes(240)),
            ("4 BH", .businessMinutes(240)),
            ("1 working day", .workingDays(1)),
            ("2 working days", .workingDays(2)),
            ("2wd", .workingDays(2)),
            ("1 Business Day", .workingDays(1)),
            ("2 个工作日", .workingDays(2)),
            ("2个工作日", .workingDays(2)),
            ("两个工作日", .workingDays(2)),
            ("4小时", .wallClock(minutes: 240)),
            ("30分钟", .wallClock(minutes: 30)),
            ("半小时", .wallClock(minutes: 30)),
            ("十分钟", .wallClock(minutes: 10)),
            ("4个工作小时", .businessMinutes(240)),
            ("30个工作分钟", .businessMinutes(30)),
            ("３０分钟", .wallClock(minutes: 30)),
        ]
    )
    func accepts(_ text: String, _ expected: Allowance) throws {
        #expect(try Allowance(parsing: text) == expected)
    }

    @Test(
        arguments: [
            ("", AllowanceParseError.empty),
            ("   ", .empty),
            ("hours", .missingNumber(text: "hours")),
            ("30", .missingUnit(text: "30")),
            ("0h", .notPositive(text: "0h")),
            ("-1h", .notPositive(text: "-1h")),
            ("0 working days", .notPositive(text: "0 working days")),
            ("3 fortnights", .unknownUnit(unit: "fortnights", text: "3 fortnights")),
            ("1 day", .ambiguousDays(text: "1 day")),
            ("1天", .ambiguousDays(text: "1天")),
            ("1.01h", .notWholeMinutes(text: "1.01h")),
            ("1.5m", .notWholeMinutes(text: "1.5m")),
            ("1.5 working days", .fractionalWorkingDays(text: "1.5 working days")),
            ("半个工作日", .fractionalWorkingDays(text: "半个工作日")),
            ("400 working days", .tooLarge(text: "400 working days")),
            ("9000h", .tooLarge(text: "9000h")),
            ("1..5h", .missingNumber(text: "1..5h")),
        ]
    )
    func refuses(_ text: String, _ expected: AllowanceParseError) {
        #expect(throws: expected) { try Allowance(parsing: text) }
    }

    @Test("refusals in Chinese and in English both name the bad text")
    func bilingualMessages() {
        let unknown = AllowanceParseError.unknownUnit(unit: "fortnights", text: "3 fortnights")
        #expect(unknown.text(in: .zh).hasPrefix("时长“3 fortnights”：未知单位“fortnights”（例如"))
        #expect(unknown.text(in: .en).hasPrefix("allowance \"3 fortnights\": unknown unit \"fortnights\""))
        #expect(AllowanceParseError.ambiguousDays(text: "1天").text(in: .zh).contains("工作日"))
        #expect(
            AllowanceParseError.fractionalWorkingDays(text: "1.5 working days").text(in: .zh)
                == "时长“1.5 working days”：工作日须为整数；不足一天请用工作小时"
        )
        #expect(AllowanceParseError.empty.text(in: .en) == AllowanceParseError.empty.description)
    }

    @Test func errorMessagesNameTheBadText() {
        #expect(
            AllowanceParseError.unknownUnit(unit: "fortnights", text: "3 fortnights").description
                .contains("\"3 fortnights\": unknown unit \"fortnights\"")
        )
        #expect(AllowanceParseError.ambiguousDays(text: "1 day").description.contains("working days"))
        #expect(AllowanceParseError.notPositive(text: "0h").description.contains("\"0h\""))
    }

    static let samples: [Allowance] = [
        .wallClock(minutes: 60), .wallClock(minutes: 90), .wallClock(minutes: 1), .businessMinutes(30),
        .businessMinutes(240), .businessMinutes(61), .workingDays(1), .workingDays(2),
    ]

    @Test(arguments: samples)
    func textReadsBackInBothLanguages(_ allowance: Allowance) throws {
        #expect(try Allowance(parsing: allowance.description) == allowance)
        #expect(try Allowance(parsing: allowance.text(in: .zh)) == allowance)
    }

    @Test func texts() {
        #expect(Allowance.wallClock(minutes: 60).description == "1 hour")
        #expect(Allowance.wallClock(minutes: 90).description == "90 minutes")
        #expect(Allowance.businessMinutes(240).description == "4 business hours")
        #expect(Allowance.businessMinutes(1).description == "1 business minute")
        #expect(Allowance.workingDays(1).description == "1 working day")
        #expect(Allowance.workingDays(2).text(in: .zh) == "2个工作日")
        #expect(Allowance.wallClock(minutes: 120).text(in: .zh) == "2小时")
        #expect(Allowance.businessMinutes(30).text(in: .zh) == "30个工作分钟")
    }

    @Test func codableUsesTheText() throws {
        let data = try JSONEncoder().encode([Allowance.workingDays(1), .wallClock(minutes: 60), .businessMinutes(30)])
        #expect(String(decoding: data, as: UTF8.self) == #"["1 working day","1 hour","30 business minutes"]"#)
        #expect(
            try JSONDecoder().decode([Allowance].self, from: Data(#"["2wd","4小时"]"#.utf8)) == [
                .workingDays(2), .wallClock(minutes: 240),
            ]
        )
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Allowance].self, from: Data(#"["soon"]"#.utf8))
        }
    }

    @Test(
        arguments: [
            (Allowance.wallClock(minutes: 60), 0.5, Allowance.wallClock(minutes: 30)),
            (.wallClock(minutes: 60), 0.001, .wallClock(minutes: 1)),
            (.wallClock(minutes: 60), 2.0, .wallClock(minutes: 120)),
            (.businessMinutes(45), 0.5, .businessMinutes(23)),
            (.businessMinutes(30), 1e12, .businessMinutes(Allowance.maximumMinutes)),
            (.workingDays(2), 0.5, .workingDays(1)),
            (.workingDays(1), 0.25, .businessMinutes(120)),
            (.workingDays(1), 0.0, .workingDays(1)),
            (.workingDays(1), -1.0, .workingDays(1)),
            (.wallClock(minutes: 60), Double.nan, .wallClock(minutes: 60)),
            (.wallClock(minutes: 60), Double.infinity, .wallClock(minutes: 60)),
        ]
    )
    func scaling(_ allowance: Allowance, _ factor: Double, _ expected: Allowance) {
        #expect(allowance.scaled(by: factor) == expected)
    }

    @Test func scalingWorkingDaysUsesTheCalendarsDayLength() {
        #expect(Allowance.workingDays(1).scaled(by: 0.25, workingDayMinutes: 420) == .businessMinutes(105))
        #expect(Allowance.workingDays(3).scaled(by: 0.5, workingDayMinutes: 420) == .businessMinutes(630))
    }

    @Test func businessMinutesOfEachKind() {
        #expect(Allowance.wallClock(minutes: 60).businessMinutes(workingDayMinutes: 480) == nil)
        #expect(Allowance.businessMinutes(30).businessMinutes(workingDayMinutes: 480) == 30)
        #expect(Allowance.workingDays(2).businessMinutes(workingDayMinutes: 480) == 960)
        #expect(Allowance.wallClock(minutes: 5).isWallClock && !Allowance.workingDays(1).isWallClock)
    }
}
