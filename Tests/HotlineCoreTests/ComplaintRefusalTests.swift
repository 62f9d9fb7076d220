import Testing

@testable import HotlineCore

/// Every refusal names its rule (and the role, when a role is missing), with a code and both languages.
@Suite("Complaint refusals")
struct ComplaintRefusalTests {
    /// Checks a refusal's rule, code and role, and that both messages start with the rule.
    func expectRefusal(
        _ refusal: Refusal?,
        rule: String,
        code: Refusal.Code,
        role: Role? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let refusal else {
            Issue.record("no refusal", sourceLocation: sourceLocation)
            return
        }
        #expect(refusal.rule == rule, sourceLocation: sourceLocation)
        #expect(refusal.code == code, sourceLocation: sourceLocation)
        #expect(refusal.role == role, sourceLocation: sourceLocation)
        #expect(refusal.message.en.hasPrefix("\(rule): "), sourceLocation: sourceLocation)
        #expect(refusal.message.zh.hasPrefix("\(rule)："), sourceLocation: sourceLocation)
        #expect(refusal.description == refusal.message.en, sourceLocation: sourceLocation)
    }

    @Test("R3: resolve needs the responsible person, an answer and an open case")
    func r3() throws {
        let open = try Centre.filed()
        expectRefusal(
            Centre.refusal(.resolve(answer: "x"), on: open, by: Centre.carol),
            rule: "R3",
            code: .notPermitted
        )
        expectRefusal(Centre.refusal(.resolve(answer: "x"), on: open, by: Centre.bob), rule: "R3", code: .notPermitted)
        expectRefusal(
            Centre.refusal(.resolve(answer: "   "), on: open, by: Centre.alice),
            rule: "R3",
            code: .missingText
        )
        expectRefusal(
            Centre.refusal(.resolve(answer: "x"), on: try Centre.resolved(), by: Centre.alice),
            rule: "R3",
            code: .alreadyDone
        )
        let transferred = Centre.refusal(.resolve(answer: "x"), on: try Centre.transferred(), by: Centre.alice)
        expectRefusal(transferred, rule: "R3", code: .invalidTransition)
        #expect(transferred?.message.en.contains("complaint reply") == true)
    }

    @Test("R4: transfer needs an existing other department, a reason and the responsible person")
    func r4() throws {
        let open = try Centre.filed()
        expectRefusal(
            Centre.refusal(.transfer(to: "NOPE", reason: "x"), on: open, by: Centre.alice),
            rule: "R4",
            code: .unknownDepartment
        )
        let own = Centre.refusal(.transfer(to: "CS", reason: "x"), on: open, by: Centre.alice)
        expectRefusal(own, rule: "R4", code: .sameDepartment)
        #expect(own?.message.en.contains("complaint resolve") == true)
        expectRefusal(
            Centre.refusal(.transfer(to: "ENG", reason: ""), on: open, by: Centre.alice),
            rule: "R4",
            code: .missingText
        )
        expectRefusal(
            Centre.refusal(.transfer(to: "ENG", reason: "x"), on: open, by: Centre.carol),
            rule: "R4",
            code: .notPermitted
        )
        expectRefusal(
            Centre.refusal(.transfer(to: "ENG", reason: "x"), on: try Centre.resolved(), by: Centre.alice),
            rule: "R4",
            code: .invalidTransition
        )
    }

    @Test("R5: only the receiving department accepts, with a handler of its own")
    func r5() throws {
        let transferred = try Centre.transferred()
        expectRefusal(
            Centre.refusal(.accept(handler: nil), on: transferred, by: Centre.frank),
            rule: "R5",
            code: .notPermitted,
            role: .handler
        )
        // Staff of the department without the handler role do not accept for it.
        expectRefusal(
            Centre.refusal(.accept(handler: nil), on: transferred, by: Centre.olga),
            rule: "R5",
            code: .notPermitted,
            role: .handler
        )
        expectRefusal(
            Centre.refusal(.accept(handler: Centre.frank), on: transferred, by: Centre.bob),
            rule: "R5",
            code: .notInDepartment
        )
        // A supervisor from elsewhere must name a handler of the receiving department.
        expectRefusal(
            Centre.refusal(.accept(handler: nil), on: transferred, by: Centre.sam),
            rule: "R5",
            code: .notInDepartment
        )
        #expect(try Centre.decide(.accept(handler: Centre.bob), on: transferred, by: Centre.sam).newHandler == "bob")
        expectRefusal(
            Centre.refusal(.accept(handler: nil), on: try Centre.accepted(), by: Centre.erin),
            rule: "R5",
            code: .alreadyDone
        )
        let early = Centre.refusal(.reply(result: "x"), on: transferred, by: Centre.bob)
        expectRefusal(early, rule: "R5", code: .invalidTransition)
        #expect(early?.message.en.contains("complaint accept") == true)
    }

    @Test("R6: only the receiving department replies, with a result, once")
    func r6() throws {
        let accepted = try Centre.accepted()
        expectRefusal(
            Centre.refusal(.reply(result: "x"), on: accepted, by: Centre.frank),
            rule: "R6",
            code: .notPermitted,
            role: .handler
        )
        expectRefusal(
            Centre.refusal(.reply(result: "x"), on: accepted, by: Centre.alice),
            rule: "R6",
            code: .notPermitted,
            role: .handler
        )
        expectRefusal(Centre.refusal(.reply(result: ""), on: accepted, by: Centre.bob), rule: "R6", code: .missingText)
        expectRefusal(
            Centre.refusal(.reply(result: "x"), on: try Centre.replied(), by: Centre.bob),
            rule: "R6",
            code: .alreadyDone
        )
        expectRefusal(
            Centre.refusal(.reply(result: "x"), on: try Centre.filed(), by: Centre.sam),
            rule: "R6",
            code: .invalidTransition
        )
    }

    @Test("R7: no third department; return with a reason; only the coordination office re-routes")
    func r7() throws {
        for complaint in [try Centre.transferred(), try Centre.accepted()] {
            let onward = Centre.refusal(.transfer(to: "BILL", reason: "x"), on: complaint, by: Centre.bob)
            expectRefusal(onward, rule: "R7", code: .invalidTransition)
            #expect(onward?.message.en.contains("may not transfer a case on to a third department") == true)
            #expect(onward?.message.en.contains("`complaint return`") == true)
            #expect(onward?.message.zh.contains("第二家不可再转至第三家") == true)
            #expect(onward?.message.zh.contains("complaint return") == true)
            // The first responder may not transfer twice either.
            let twice = Centre.refusal(.transfer(to: "BILL", reason: "x"), on: complaint, by: Centre.alice)
            expectRefusal(twice, rule: "R7", code: .invalidTransition)
        }
        let accepted = try Centre.accepted()
        expectRefusal(
            Centre.refusal(.returnToCoordination(reason: " "), on: accepted, by: Centre.bob),
            rule: "R7",
            code: .missingText
        )
        expectRefusal(
            Centre.refusal(.returnToCoordination(reason: "x"), on: accepted, by: Centre.frank),
            rule: "R7",
            code: .notPermitted,
            role: .handler
        )
        expectRefusal(
            Centre.refusal(.returnToCoordination(reason: "x"), on: try Centre.filed(), by: Centre.alice),
            rule: "R7",
            code: .invalidTransition
        )
        let returned = try Centre.returned()
        expectRefusal(
            Centre.refusal(.returnToCoordination(reason: "x"), on: returned, by: Centre.bob),
            rule: "R7",
            code: .alreadyDone
        )
        expectRefusal(
            Centre.refusal(.reroute(to: "BILL", reason: "x"), on: returned, by: Centre.sam),
            rule: "R7",
            code: .notPermitted
        )
        expectRefusal(
            Centre.refusal(.reroute(to: "NOPE", reason: "x"), on: returned, by: Centre.quinn),
            rule: "R7",
            code: .unknownDepartment
        )
        expectRefusal(
            Centre.refusal(.reroute(to: "BILL", reason: ""), on: returned, by: Centre.quinn),
            rule: "R7",
            code: .missingText
        )
        expectRefusal(
            Centre.refusal(.reroute(to: "BILL", reason: "x"), on: try Centre.filed(), by: Centre.quinn),
            rule: "R7",
            code: .invalidTransition
        )
        let transferAfterReturn = Centre.refusal(.transfer(to: "BILL", reason: "x"), on: returned, by: Centre.alice)
        expectRefusal(transferAfterReturn, rule: "R7", code: .invalidTransition)
        #expect(transferAfterReturn?.message.en.contains("complaint reroute") == true)
    }

    @Test("R8: escalation by people on the case, with a reason, not when closed")
    func r8() throws {
        let open = try Centre.filed()
        expectRefusal(
            Centre.refusal(.escalate(to: .qa, reason: "x"), on: open, by: Centre.frank),
            rule: "R8",
            code: .notPermitted
        )
        expectRefusal(
            Centre.refusal(.escalate(to: .qa, reason: " "), on: open, by: Centre.alice),
            rule: "R8",
            code: .missingText
        )
        expectRefusal(
            Centre.refusal(.escalate(to: .none, reason: "x"), on: open, by: Centre.alice),
            rule: "R8",
            code: .outOfRange
        )
        let closed = try Centre.decide(.feedback(satisfaction: 5, comment: nil), on: Centre.replied(), by: Centre.alice)
            .after
        expectRefusal(
            Centre.refusal(.escalate(to: .gm, reason: "x"), on: closed, by: Centre.quinn),
            rule: "R8",
            code: .invalidTransition
        )
        let atVP = try Centre.decide(.escalate(to: .vp, reason: "x"), on: open, by: Centre.alice).after
        expectRefusal(
            Centre.refusal(.escalate(to: .vp, reason: "x"), on: atVP, by: Centre.alice),
            rule: "R8",
            code: .notAnIncrease
        )
    }

    @Test("R10: urging waits on the receiving department and is for the first responder's side")
    func r10() throws {
        expectRefusal(
            Centre.refusal(.urge(note: nil), on: try Centre.filed(), by: Centre.alice),
            rule: "R10",
            code: .invalidTransition
        )
        expectRefusal(
            Centre.refusal(.urge(note: nil), on: try Centre.replied(), by: Centre.alice),
            rule: "R10",
            code: .invalidTransition
        )
        expectRefusal(
            Centre.refusal(.urge(note: nil), on: try Centre.accepted(), by: Centre.bob),
            rule: "R10",
            code: .notPermitted
        )
        expectRefusal(
            Centre.refusal(.urge(note: nil), on: try Centre.accepted(), by: Centre.carol),
            rule: "R10",
            code: .notPermitted
        )
    }

    @Test("R11: no silent handover")
    func r11() throws {
        let open = try Centre.filed()
        expectRefusal(
            Centre.refusal(.handover(to: Centre.sam, approvedBy: Centre.lee), on: open, by: Centre.carol),
            rule: "R11",
            code: .notPermitted
        )
        // A supervisor who is not responsible cannot hand someone else's case over either.
        expectRefusal(
            Centre.refusal(.handover(to: Centre.carol, approvedBy: Centre.lee), on: open, by: Centre.sam),
            rule: "R11",
            code: .notPermitted
        )
        expectRefusal(
            Centre.refusal(.handover(to: Centre.carol, approvedBy: Centre.quinn), on: open, by: Centre.alice),
            rule: "R11",
            code: .approvalRequired,
            role: .supervisor
        )
        expectRefusal(
            Centre.refusal(.handover(to: Centre.alice, approvedBy: Centre.sam), on: open, by: Centre.alice),
            rule: "R11",
            code: .sameStaff
        )
        // Sam, now responsible, cannot approve his own handover.
        let withSam = try Centre.decide(.handover(to: Centre.sam, approvedBy: Centre.lee), on: open, by: Centre.alice)
        let selfApproved = Centre.refusal(
            .handover(to: Centre.carol, approvedBy: Centre.sam),
            on: withSam.after,
            by: Centre.sam
        )
        expectRefusal(selfApproved, rule: "R11", code: .approvalRequired, role: .supervisor)
        let closed = try Centre.decide(.close(reason: .quietPeriod), on: Centre.resolved(), by: Centre.alice).after
        expectRefusal(
            Centre.refusal(.handover(to: Centre.carol, approvedBy: Centre.sam), on: closed, by: Centre.alice),
            rule: "R11",
            code: .invalidTransition
        )
    }

    @Test("R13: satisfaction once, 1 to 5, after the answer or reply, not by the department judged")
    func r13() throws {
        let replied = try Centre.replied()
        for score in [0, 6, -1] {
            expectRefusal(
                Centre.refusal(.feedback(satisfaction: score, comment: nil), on: replied, by: Centre.alice),
                rule: "R13",
                code: .outOfRange
            )
        }
        expectRefusal(
            Centre.refusal(.feedback(satisfaction: 5, comment: nil), on: replied, by: Centre.bob),
            rule: "R13",
            code: .notPermitted
        )
        expectRefusal(
            Centre.refusal(.feedback(satisfaction: 5, comment: nil), on: try Centre.transferred(), by: Centre.alice),
            rule: "R13",
            code: .invalidTransition
        )
        let closed = try Centre.decide(.feedback(satisfaction: 4, comment: nil), on: replied, by: Centre.alice).after
        expectRefusal(
            Centre.refusal(.feedback(satisfaction: 4, comment: nil), on: closed, by: Centre.alice),
            rule: "R13",
            code: .alreadyDone
        )
        expectRefusal(
            Centre.refusal(.close(reason: .quietPeriod), on: closed, by: Centre.alice),
            rule: "R13",
            code: .alreadyDone
        )
        expectRefusal(
            Centre.refusal(.close(reason: .feedback), on: replied, by: Centre.alice),
            rule: "R13",
            code: .invalidTransition
        )
        expectRefusal(
            Centre.refusal(.close(reason: .quietPeriod), on: try Centre.accepted(), by: Centre.alice),
            rule: "R13",
            code: .invalidTransition
        )
        expectRefusal(
            Centre.refusal(.close(reason: .quietPeriod), on: replied, by: Centre.bob),
            rule: "R13",
            code: .notPermitted
        )
    }

    @Test("R15: extension of a pending reply, with a reason, approved by another leader")
    func r15() throws {
        let accepted = try Centre.accepted()
        expectRefusal(
            Centre.refusal(
                .extend(by: .workingDays(1), reason: "x", approvedBy: Centre.vic),
                on: try Centre.filed(),
                by: Centre.alice
            ),
            rule: "R15",
            code: .invalidTransition
        )
        expectRefusal(
            Centre.refusal(
                .extend(by: .workingDays(1), reason: "x", approvedBy: Centre.vic),
                on: try Centre.replied(),
                by: Centre.bob
            ),
            rule: "R15",
            code: .invalidTransition
        )
        expectRefusal(
            Centre.refusal(
                .extend(by: .workingDays(1), reason: "x", approvedBy: Centre.erin),
                on: accepted,
                by: Centre.bob
            ),
            rule: "R15",
            code: .approvalRequired,
            role: .supervisor
        )
        expectRefusal(
            Centre.refusal(
                .extend(by: .workingDays(1), reason: "x", approvedBy: Centre.vic),
                on: accepted,
                by: Centre.vic
            ),
            rule: "R15",
            code: .approvalRequired,
            role: .supervisor
        )
        for allowance in [Allowance.workingDays(0), .businessMinutes(-30), .wallClock(minutes: 0), .workingDays(367)] {
            expectRefusal(
                Centre.refusal(
                    .extend(by: allowance, reason: "x", approvedBy: Centre.vic),
                    on: accepted,
                    by: Centre.bob
                ),
                rule: "R15",
                code: .outOfRange
            )
        }
        expectRefusal(
            Centre.refusal(
                .extend(by: .businessMinutes(60), reason: "", approvedBy: Centre.vic),
                on: accepted,
                by: Centre.bob
            ),
            rule: "R15",
            code: .missingText
        )
        expectRefusal(
            Centre.refusal(
                .extend(by: .businessMinutes(60), reason: "x", approvedBy: Centre.vic),
                on: accepted,
                by: Centre.frank
            ),
            rule: "R15",
            code: .notPermitted,
            role: .handler
        )
    }

    @Test("R16: a case back for a redo cannot close before the department replies again")
    func r16() throws {
        let redo = try Centre.decide(.feedback(satisfaction: 1, comment: nil), on: Centre.replied(), by: Centre.alice)
            .after
        #expect(redo.state == .accepted && redo.redoCount == 1)
        let close = Centre.refusal(.close(reason: .quietPeriod), on: redo, by: Centre.alice)
        expectRefusal(close, rule: "R16", code: .invalidTransition)
        #expect(close?.message.en.contains("redo") == true)
        // Satisfaction was recorded once already; the redo's reply does not reopen it.
        let again = try Centre.decide(.reply(result: "new lamp"), on: redo, by: Centre.bob).after
        expectRefusal(
            Centre.refusal(.feedback(satisfaction: 1, comment: nil), on: again, by: Centre.alice),
            rule: "R13",
            code: .alreadyDone
        )
    }
}
