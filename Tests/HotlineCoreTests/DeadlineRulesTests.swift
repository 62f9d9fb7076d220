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
}
