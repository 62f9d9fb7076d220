import Foundation
import HotlineCore
import Testing

/// What a breach of each kind of deadline causes (SPEC §3, R8, §10): decided in the core, written by the store.
@Suite("Deadline rules")
struct DeadlineRulesTests {
    @Test(
        "each breach: its escalation level, the escalation record it writes, and the ladder it starts",
        arguments: [
            (DeadlineKind.transfer, EscalationLevel.qa, EscalationDraft.Kind.transferOverdue, [DeadlineKind]()),
            (.accept, nil, nil, []),
            (.reply, .qa, .replyOverdue, [.replyVP, .replyGM]),
            (.replyVP, .vp, .replyOverdue, []),
            (.replyGM, .gm, .replyOverdue, []),
        ] as [(DeadlineKind, EscalationLevel?, EscalationDraft.Kind?, [DeadlineKind])]
    )
    func breach(kind: DeadlineKind, level: EscalationLevel?, record: EscalationDraft.Kind?, ladder: [DeadlineKind]) {
        #expect(DeadlineRules.escalation(ofBreach: kind) == level)
        #expect(DeadlineRules.escalationKind(ofBreach: kind) == record)
        // A breach that escalates writes a record, and only then.
        #expect((level == nil) == (record == nil))
        #expect(DeadlineRules.ladder(afterBreachOf: kind, policy: DeadlinePolicy()).map(\.kind) == ladder)
    }

    @Test("the ladder's rungs take the allowances configured for the VP and the GM")
    func ladderAllowances() {
        let policy = DeadlinePolicy(ladderVP: .workingDays(3), ladderGM: .workingDays(5))
        let rungs = DeadlineRules.ladder(afterBreachOf: .reply, policy: policy)
        #expect(rungs.map(\.allowance) == [.workingDays(3), .workingDays(5)])
    }

    @Test("a reply breach tells the department, QA and the first responder; a rung also its leaders")
    func recipients() {
        func who(_ kind: DeadlineKind, breach: Bool) -> [Notice.Recipient] {
            DeadlineRules.recipients(
                of: kind,
                breach: breach,
                department: "WATER",
                responsible: "lisi",
                firstResponder: "zhangsan",
                qaDepartment: "QA"
            )
        }
        #expect(who(.transfer, breach: false) == [.staff("lisi")])
        #expect(who(.transfer, breach: true) == [.staff("lisi"), .department("QA")])
        #expect(who(.reply, breach: true) == [.department("WATER"), .department("QA"), .staff("zhangsan")])
        #expect(
            who(.replyGM, breach: true) == [.department("WATER"), .department("QA"), .staff("zhangsan"), .role(.gm)]
        )
    }

    @Test("a transfer deadline: an hour of wall clock from its start, warned at four fifths; urgent, a quarter of it")
    func schedule() throws {
        let start = Date(timeIntervalSince1970: 1_796_000_000)
        let calendar = WorkCalendar()
        let plain = try DeadlineRules.schedule(
            .transfer,
            from: start,
            urgent: false,
            policy: DeadlinePolicy(),
            calendar: calendar
        )
        #expect(plain.start == start)
        #expect(plain.dueAt == start.addingTimeInterval(3600))
        #expect(plain.warnAt == start.addingTimeInterval(2880))
        let urgent = try DeadlineRules.schedule(
            .transfer,
            from: start,
            urgent: true,
            policy: DeadlinePolicy(),
            calendar: calendar
        )
        #expect(urgent.dueAt == start.addingTimeInterval(900))
        #expect(urgent.warnAt == start.addingTimeInterval(720))
        // The computation is the calendar's, so its explanation is the calendar's too.
        let computed = try calendar.due(after: start, allowance: .wallClock(minutes: 60))
        #expect(plain.explanation == computed.explanation)
    }

    @Test("a transfer is charged to the first responder's department, accept and reply to the receiving one")
    func charged() {
        #expect(
            DeadlineRules.chargedDepartment(
                of: .transfer,
                firstResponderDepartment: "SVC",
                receivingDepartment: "WATER"
            )
                == "SVC"
        )
        #expect(
            DeadlineRules.chargedDepartment(of: .reply, firstResponderDepartment: "SVC", receivingDepartment: "WATER")
                == "WATER"
        )
        #expect(
            DeadlineRules.chargedDepartment(of: .accept, firstResponderDepartment: "SVC", receivingDepartment: nil)
                == "SVC"
        )
    }

    @Test("meeting or withdrawing a reply also ends the ladder's rungs; the others end only themselves")
    func ended() {
        #expect(DeadlineRules.ended(with: .reply) == [.reply, .replyVP, .replyGM])
        #expect(DeadlineRules.ended(with: .transfer) == [.transfer])
        #expect(DeadlineRules.ended(with: .accept) == [.accept])
    }

    @Test("an extended deadline is explained as its first computation, then each extension marked R15")
    func explain() throws {
        let start = Date(timeIntervalSince1970: 1_796_000_000)
        let calendar = WorkCalendar()
        let first = try calendar.due(after: start, allowance: .wallClock(minutes: 60))
        let extended = try calendar.due(after: first.dueAt, allowance: .wallClock(minutes: 30))
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let english = DeadlineRules.explain([first.explanation, extended.explanation], in: .en, timeZone: zone)
        #expect(english.hasPrefix(first.explanation.render(in: .en, timeZone: zone)))
        #expect(english.hasSuffix(" Extended (R15): " + extended.explanation.render(in: .en, timeZone: zone)))
        let chinese = DeadlineRules.explain([first.explanation, extended.explanation], in: .zh, timeZone: zone)
        #expect(chinese.contains(" 延期（R15）："))
        #expect(DeadlineRules.explain([first.explanation], in: .en, timeZone: zone).contains("R15") == false)
    }
}
