import HotlineCore
import Testing

/// Grades from rates (issue 16): exactly at a threshold is in, one case below is out; rates without cases do not
/// take part; the ranking follows the grades.
@Suite("QA grading: thresholds, ungraded departments, ranking, rules")
struct QAGradingTests {
    let policy = QAGradingPolicy.standard

    @Test("exactly at every A threshold is A; one case short of one of them drops to the grade that rate meets")
    func atTheThresholds() {
        // 95 % of 20 replies is 19; 90 % of 10 scores is 9; 95 % of 20 transfers is 19.
        let atA: [QAMeasure: QARatio] = [
            .replyOnTime: QARatio(19, of: 20), .satisfaction: QARatio(9, of: 10), .transferOnTime: QARatio(19, of: 20),
        ]
        #expect(policy.grade(atA) == .a)
        var replyShort = atA
        replyShort[.replyOnTime] = QARatio(18, of: 20)  // 90 %: B (≥ 85 %)
        #expect(policy.grade(replyShort) == .b)
        var satisfactionShort = atA
        satisfactionShort[.satisfaction] = QARatio(8, of: 10)  // 80 %: exactly B
        #expect(policy.grade(satisfactionShort) == .b)
        satisfactionShort[.satisfaction] = QARatio(79, of: 100)  // 79 %: C (≥ 60 %)
        #expect(policy.grade(satisfactionShort) == .c)
        // Exactly C on reply (70 %), just under C on satisfaction (59.9 %): D.
        #expect(policy.grade([.replyOnTime: QARatio(7, of: 10), .satisfaction: QARatio(6, of: 10)]) == .c)
        #expect(policy.grade([.replyOnTime: QARatio(7, of: 10), .satisfaction: QARatio(599, of: 1000)]) == .d)
        // Exactness: 2/3 never rounds up to a 66.67 % threshold (and B, with no condition, takes everyone else).
        var strict = QAGradingPolicy()
        #expect(throws: Never.self) { try strict.setThreshold(.a, .replyOnTime, percent: 66.67) }
        #expect(strict.grade([.replyOnTime: QARatio(2, of: 3)]) == .b)
        #expect(strict.grade([.replyOnTime: QARatio(6667, of: 10000)]) == .a)
    }

    @Test("a department is graded on the rates it has figures for; none at all is not graded")
    func onlyRatesWithCases() {
        // Never transferred anything (0 of 0): judged on replies and satisfaction only.
        #expect(policy.grade([.transferOnTime: QARatio(0, of: 0), .replyOnTime: QARatio(1, of: 1)]) == .a)
        #expect(policy.grade([.transferOnTime: QARatio(0, of: 0), .satisfaction: QARatio(0, of: 0)]) == nil)
        #expect(policy.grade([:]) == nil)
        // Feedback has no threshold by default: it alone grades nothing.
        #expect(policy.grade([.feedback: QARatio(0, of: 5)]) == nil)
        // With a minimum of 5 cases, 4 replies do not count.
        var five = policy
        #expect(throws: Never.self) { try five.setMinimumCases(5) }
        #expect(five.grade([.replyOnTime: QARatio(0, of: 4)]) == nil)
        #expect(five.grade([.replyOnTime: QARatio(0, of: 5)]) == .d)
    }

    @Test("places: one grade shares a place, the next counts those ahead; ungraded has none")
    func ranking() {
        #expect(QAGradingPolicy.ranks([.b, .a, nil, .a, .d, .b]) == [3, 1, nil, 1, 5, 3])
        #expect(QAGradingPolicy.ranks([]) == [])
        #expect(QAGradingPolicy.ranks([nil, nil]) == [nil, nil])
    }

    @Test("thresholds: 0 removes a condition, out of range and a lower grade asking more are refused")
    func settingThresholds() throws {
        var edited = policy
        try edited.setThreshold(.a, .transferOnTime, percent: 0)
        #expect(edited.threshold(.a, .transferOnTime) == 0)
        #expect(throws: QAGradingError.notDescending(.transferOnTime, higher: .a, lower: .b)) {
            try edited.validate()
        }
        try edited.setThreshold(.a, .feedback, percent: 92.5)
        #expect(edited.threshold(.a, .feedback) == 9_250)
        #expect(throws: QAGradingError.thresholdOutOfRange(101)) {
            try edited.setThreshold(.b, .feedback, percent: 101)
        }
        #expect(throws: QAGradingError.notThresholded(.d, .feedback)) {
            try edited.setThreshold(.d, .feedback, percent: 50)
        }
        #expect(throws: QAGradingError.notThresholded(.a, .answer)) {
            try edited.setThreshold(.a, .answer, percent: 50)
        }
        #expect(throws: QAGradingError.minimumCasesOutOfRange(0)) { try edited.setMinimumCases(0) }
        #expect(throws: Never.self) { try QAGradingPolicy.standard.validate() }
    }

    @Test("the printed rules name the rates and thresholds in the reader's language")
    func rules() {
        let zh = policy.rules(in: .zh)
        #expect(zh.first == "A（优秀）：按时转出率 ≥ 95%，按时答复率 ≥ 95%，满意率 ≥ 90%")
        #expect(zh.contains("D（不合格）：有评级数据但未达到 C 级"))
        let en = policy.rules(in: .en)
        #expect(en[1] == "B (Good): On-time transfer rate ≥ 85%, On-time reply rate ≥ 85%, Satisfaction rate ≥ 80%")
        #expect(QAGradingPolicy.percentText(basisPoints: 9_250) == "92.5%")
        #expect(QAGradingPolicy.percentText(basisPoints: 9_205) == "92.05%")
        #expect(QARatio(2, of: 3).percentText == "66.7%")
        #expect(QARatio(0, of: 0).percentText == "—")
        #expect(QARatio(0, of: 0).value == nil)
    }

    @Test("trend steps: the months of a quarter, the Monday-to-Sunday weeks of a month cut at its edges")
    func trendSteps() throws {
        let quarter = try #require(ReportingPeriod(parsing: "2026-Q4"))
        #expect(quarter.trendSteps.map(\.label) == ["2026-10", "2026-11", "2026-12"])
        #expect(quarter.trendSteps.last?.end == LocalDate(year: 2027, month: 1, day: 1))
        // November 2026 starts on a Sunday.
        let month = try #require(ReportingPeriod(parsing: "2026-11"))
        #expect(
            month.trendSteps.map(\.label) == [
                "11-01", "11-02–11-08", "11-09–11-15", "11-16–11-22", "11-23–11-29", "11-30",
            ]
        )
        #expect(month.trendSteps.first?.first == month.first)
        #expect(month.trendSteps.last?.end == month.end)
    }
}
