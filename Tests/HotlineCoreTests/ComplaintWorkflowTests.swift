import Testing

@testable import HotlineCore

/// A small hotline centre: the call centre CS, two receiving departments, QA as coordination office.
enum Centre {
    static let departments: Set<String> = ["CS", "ENG", "BILL", "QA", "MGMT"]
    static let policy = WorkflowPolicy()

    static let alice = StaffMember(login: "alice", name: "Alice", department: "CS", rank: 1, roles: [.operator])
    static let carol = StaffMember(login: "carol", name: "Carol", department: "CS", rank: 1, roles: [.operator])
    static let bob = StaffMember(login: "bob", name: "Bob", department: "ENG", rank: 1, roles: [.handler])
    static let erin = StaffMember(login: "erin", name: "Erin", department: "ENG", rank: 1, roles: [.handler])
    static let olga = StaffMember(login: "olga", name: "Olga", department: "ENG", rank: 1, roles: [.operator])
    static let vic = StaffMember(login: "vic", name: "Vic", department: "ENG", rank: 3, roles: [.handler, .supervisor])
    static let frank = StaffMember(login: "frank", name: "Frank", department: "BILL", rank: 1, roles: [.handler])
    static let quinn = StaffMember(login: "quinn", name: "Quinn", department: "QA", rank: 2, roles: [.qa])
    static let sam = StaffMember(login: "sam", name: "Sam", department: "CS", rank: 3, roles: [.supervisor])
    static let lee = StaffMember(login: "lee", name: "Lee", department: "MGMT", rank: 5, roles: [.supervisor])
    static let root = StaffMember(login: "root", name: "root", department: "", rank: 0, roles: [.admin])

    static func acting(_ staff: StaffMember, root: Bool = false) -> ActingStaff {
        ActingStaff(staff: staff, actingRoot: root)
    }

    static func decide(
        _ action: ComplaintAction,
        on complaint: ComplaintSnapshot,
        by staff: StaffMember,
        policy: WorkflowPolicy = policy
    ) throws(Refusal) -> ComplaintTransition {
        try ComplaintWorkflow.decide(
            action,
            on: complaint,
            by: acting(staff),
            policy: policy,
            departmentExists: { departments.contains($0) }
        )
    }

    /// The refusal of an action that must be refused; records an issue and returns nil when it is taken.
    static func refusal(
        _ action: ComplaintAction,
        on complaint: ComplaintSnapshot,
        by staff: StaffMember,
        policy: WorkflowPolicy = policy,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Refusal? {
        do {
            let transition = try decide(action, on: complaint, by: staff, policy: policy)
            Issue.record("expected a refusal, got \(transition.newState)", sourceLocation: sourceLocation)
            return nil
        } catch {
            return error
        }
    }

    /// A complaint filed by Alice in CS.
    static func filed(urgent: Bool = false) throws(Refusal) -> ComplaintSnapshot {
        try ComplaintWorkflow.filing(
            id: "C-1",
            matter: "street lamp out",
            urgent: urgent,
            firstResponder: alice,
            by: acting(alice),
            policy: policy
        ).after
    }

    static func transferred(urgent: Bool = false) throws(Refusal) -> ComplaintSnapshot {
        try decide(.transfer(to: "ENG", reason: "lamps are ENG's"), on: filed(urgent: urgent), by: alice).after
    }

    static func accepted() throws(Refusal) -> ComplaintSnapshot {
        try decide(.accept(handler: nil), on: transferred(), by: bob).after
    }

    static func replied() throws(Refusal) -> ComplaintSnapshot {
        try decide(.reply(result: "lamp fixed"), on: accepted(), by: bob).after
    }

    static func returned() throws(Refusal) -> ComplaintSnapshot {
        try decide(.returnToCoordination(reason: "lamps belong to the city"), on: accepted(), by: bob).after
    }

    static func resolved() throws(Refusal) -> ComplaintSnapshot {
        try decide(.resolve(answer: "told the caller the opening hours"), on: filed(), by: alice).after
    }
}

@Suite("Complaint workflow")
struct ComplaintWorkflowTests {
    @Test("filing records the filed hop and starts the transfer clock from receipt (R1, R4)")
    func filing() throws {
        let transition = try ComplaintWorkflow.filing(
            id: "C-1",
            matter: "  street lamp out  ",
            urgent: false,
            firstResponder: Centre.alice,
            by: Centre.acting(Centre.alice),
            policy: Centre.policy
        )
        #expect(transition.previousState == nil)
        #expect(transition.newState == .open)
        #expect(
            transition.hops == [
                HopDraft(.filed, by: Centre.acting(Centre.alice), text: "street lamp out", subject: "alice")
            ]
        )
        #expect(transition.deadlineChanges == [.create(.transfer, from: .received, urgent: false)])
        #expect(transition.escalations.isEmpty && transition.notices.isEmpty)
        #expect(transition.after.responsibleLogin == "alice")
        #expect(transition.after.firstResponderDepartment == "CS")
        #expect(transition.newEscalationLevel == .none)
    }

    @Test("an urgent complaint goes to the on-duty leader at once (R12)")
    func urgentFiling() throws {
        let transition = try ComplaintWorkflow.filing(
            id: "C-7",
            matter: "gas smell",
            urgent: true,
            firstResponder: Centre.alice,
            by: Centre.acting(Centre.alice),
            policy: Centre.policy
        )
        #expect(transition.after.urgent)
        #expect(transition.newEscalationLevel == .vp)
        #expect(transition.hops.map(\.action) == [.filed, .escalated])
        #expect(
            transition.escalations == [
                EscalationDraft(kind: .explicit, level: .vp, chargedDepartment: "CS", by: nil, reason: "R12")
            ]
        )
        #expect(transition.notices.map(\.recipient) == [.onDutyLeader])
        #expect(transition.notices.first?.topic == .urgentComplaint)
        #expect(transition.deadlineChanges == [.create(.transfer, from: .received, urgent: true)])

        let onward = try Centre.decide(.transfer(to: "ENG", reason: "gas"), on: transition.after, by: Centre.alice)
        #expect(onward.deadlineChanges.contains(.create(.reply, from: .now, urgent: true)))
    }

    @Test("only the first responder or a supervisor files, and a matter is required (R1, R2)")
    func filingRefusals() throws {
        func file(matter: String, by staff: StaffMember) throws(Refusal) -> ComplaintTransition {
            try ComplaintWorkflow.filing(
                id: "C-1",
                matter: matter,
                urgent: false,
                firstResponder: Centre.alice,
                by: Centre.acting(staff),
                policy: Centre.policy
            )
        }
        let byOther = #expect(throws: Refusal.self) { try file(matter: "x", by: Centre.carol) }
        #expect(byOther?.rule == "R2" && byOther?.code == .notPermitted)
        let blank = #expect(throws: Refusal.self) { try file(matter: " \n ", by: Centre.alice) }
        #expect(blank?.rule == "R1" && blank?.code == .missingText)
        let bySupervisor = try file(matter: "x", by: Centre.sam)
        #expect(bySupervisor.after.firstResponder == "alice")
        #expect(bySupervisor.hop.by == "sam")
    }

    @Test("happy path: file, transfer, accept, reply, feedback, closed")
    func happyPath() throws {
        let complaint = try Centre.filed()

        let transfer = try Centre.decide(
            .transfer(to: "ENG", reason: "lamps are ENG's"),
            on: complaint,
            by: Centre.alice
        )
        #expect(transfer.previousState == .open && transfer.newState == .transferred)
        #expect(transfer.newReceivingDepartment == "ENG")
        #expect(transfer.hops.map(\.action) == [.transferred, .copiedToQA])
        #expect(transfer.hops[0].subject == "ENG" && transfer.hops[0].text == "lamps are ENG's")
        #expect(transfer.hops[1].subject == "QA")
        #expect(
            transfer.deadlineChanges == [
                .meet(.transfer), .create(.accept, from: .now, urgent: false),
                .create(.reply, from: .now, urgent: false),
            ]
        )
        #expect(transfer.notices.map(\.recipient) == [.department("ENG")])
        #expect(transfer.after.transferCount == 1)

        let accept = try Centre.decide(.accept(handler: Centre.erin), on: transfer.after, by: Centre.bob)
        #expect(accept.newState == .accepted && accept.newHandler == "erin")
        #expect(accept.hop.action == .accepted && accept.hop.subject == "erin" && accept.hop.department == "ENG")
        #expect(accept.deadlineChanges == [.meet(.accept)])
        #expect(accept.notices.map(\.recipient) == [.staff("erin")])

        let reply = try Centre.decide(.reply(result: "lamp fixed"), on: accept.after, by: Centre.erin)
        #expect(reply.newState == .replied)
        #expect(reply.deadlineChanges == [.meet(.reply)])
        #expect(reply.hop == HopDraft(.replied, by: Centre.acting(Centre.erin), text: "lamp fixed", subject: "ENG"))
        // R6: fed back to the sending department, the first responder and QA (once each).
        #expect(reply.notices.map(\.recipient) == [.staff("alice")])
        #expect(reply.notices.allSatisfy { $0.topic == .replyFeedback })

        let feedback = try Centre.decide(
            .feedback(satisfaction: 5, comment: " quick "),
            on: reply.after,
            by: Centre.alice
        )
        #expect(feedback.newState == .closed && !feedback.redo)
        #expect(feedback.hops.map(\.action) == [.feedback, .closed])
        #expect(feedback.hops[0].subject == "5" && feedback.hops[0].text == "quick")
        #expect(feedback.after.satisfactionGiven)
        #expect(feedback.notices.isEmpty)
    }

    @Test("resolve on the spot meets the transfer deadline (R3)")
    func resolveOnTheSpot() throws {
        let resolve = try Centre.decide(
            .resolve(answer: "opening hours are 9-18"),
            on: Centre.filed(),
            by: Centre.alice
        )
        #expect(resolve.newState == .resolved)
        #expect(resolve.hops == [HopDraft(.resolved, by: Centre.acting(Centre.alice), text: "opening hours are 9-18")])
        #expect(resolve.deadlineChanges == [.meet(.transfer)])

        let feedback = try Centre.decide(.feedback(satisfaction: 4, comment: nil), on: resolve.after, by: Centre.quinn)
        #expect(feedback.newState == .closed)
        #expect(feedback.hops[0].text.isEmpty)

        let bySupervisor = try Centre.decide(.resolve(answer: "done"), on: Centre.filed(), by: Centre.sam)
        #expect(bySupervisor.newState == .resolved && bySupervisor.hop.by == "sam")
    }

    @Test("return and re-route: a misroute charged to the first responder's department (R7)")
    func returnAndReroute() throws {
        let back = try Centre.decide(
            .returnToCoordination(reason: "city lamps"),
            on: Centre.transferred(),
            by: Centre.bob
        )
        #expect(back.newState == .returned)
        #expect(back.hop == HopDraft(.returned, by: Centre.acting(Centre.bob), text: "city lamps", subject: "QA"))
        #expect(
            back.escalations == [
                EscalationDraft(kind: .misroute, level: nil, chargedDepartment: "CS", by: "bob", reason: "city lamps")
            ]
        )
        #expect(back.deadlineChanges == [.cancel(.accept), .cancel(.reply)])
        #expect(back.notices.map(\.recipient) == [.department("QA")])
        #expect(back.after.returnCount == 1 && back.newHandler == nil)
        #expect(back.newEscalationLevel == .none)

        let reroute = try Centre.decide(
            .reroute(to: "BILL", reason: "billing lamp fee"),
            on: back.after,
            by: Centre.quinn
        )
        #expect(reroute.newState == .transferred && reroute.newReceivingDepartment == "BILL")
        #expect(
            reroute.hop
                == HopDraft(.rerouted, by: Centre.acting(Centre.quinn), text: "billing lamp fee", subject: "BILL")
        )
        #expect(
            reroute.deadlineChanges == [
                .create(.accept, from: .now, urgent: false), .create(.reply, from: .now, urgent: false),
            ]
        )
        #expect(reroute.after.transferCount == 2)

        // Billing can now act; engineering no longer can.
        #expect(Centre.refusal(.accept(handler: nil), on: reroute.after, by: Centre.bob)?.rule == "R5")
        let accept = try Centre.decide(.accept(handler: nil), on: reroute.after, by: Centre.frank)
        #expect(accept.newHandler == "frank")
        // After an accepted case is returned only the reply deadline is withdrawn.
        let secondReturn = try Centre.decide(
            .returnToCoordination(reason: "not billing"),
            on: accept.after,
            by: Centre.frank
        )
        #expect(secondReturn.deadlineChanges == [.cancel(.reply)])
        // The second misroute is the coordination office's own: it sent the case this time.
        #expect(secondReturn.escalations.first?.chargedDepartment == "QA")
        // Reply feedback after a re-route goes to the coordination office as the sending department.
        let rerouted = try Centre.decide(
            .reroute(to: "ENG", reason: "ENG after all"),
            on: secondReturn.after,
            by: Centre.quinn
        )
        let accepted = try Centre.decide(.accept(handler: nil), on: rerouted.after, by: Centre.bob)
        let reply = try Centre.decide(.reply(result: "fixed"), on: accepted.after, by: Centre.bob)
        #expect(reply.notices.map(\.recipient) == [.staff("alice")])
    }

    @Test("a low satisfaction on a reply sends the case back for a redo (R16)")
    func redo() throws {
        let low = try Centre.decide(
            .feedback(satisfaction: 2, comment: "still dark"),
            on: Centre.replied(),
            by: Centre.alice
        )
        #expect(low.redo)
        #expect(low.newState == .accepted && low.newReceivingDepartment == "ENG" && low.newHandler == "bob")
        #expect(low.hops.map(\.action) == [.feedback, .redo])
        #expect(low.hops[1].subject == "ENG")
        #expect(low.deadlineChanges == [.create(.reply, from: .now, urgent: false)])
        #expect(low.after.redoCount == 1 && low.after.satisfactionGiven)
        #expect(low.notices.map(\.recipient) == [.department("ENG"), .department("QA")])

        // The department replies again; the case then closes after the quiet period.
        let again = try Centre.decide(.reply(result: "new lamp"), on: low.after, by: Centre.bob)
        #expect(again.newState == .replied)
        let close = try ComplaintWorkflow.decide(
            .close(reason: .quietPeriod),
            on: again.after,
            by: .daemon,
            policy: Centre.policy,
            departmentExists: { _ in true }
        )
        #expect(close.newState == .closed && close.hop.subject == "quiet_period" && close.hop.by == "hotlined")

        let three = try Centre.decide(.feedback(satisfaction: 3, comment: nil), on: Centre.replied(), by: Centre.alice)
        #expect(three.newState == .closed && !three.redo)
        let strict = WorkflowPolicy(redoThreshold: 3)
        let strictThree = try Centre.decide(
            .feedback(satisfaction: 3, comment: nil),
            on: Centre.replied(),
            by: Centre.alice,
            policy: strict
        )
        #expect(strictThree.redo && strictThree.newState == .accepted)
    }

    @Test("a low score on an on-the-spot answer closes it and tells the department that answered and QA")
    func lowScoreOnResolved() throws {
        let low = try Centre.decide(
            .feedback(satisfaction: 1, comment: "rude"),
            on: Centre.resolved(),
            by: Centre.alice
        )
        #expect(low.newState == .closed && !low.redo)
        #expect(low.hops.map(\.action) == [.feedback, .closed])
        #expect(low.notices.map(\.recipient) == [.department("CS"), .department("QA")])
        #expect(low.notices.allSatisfy { $0.topic == .lowSatisfaction })
    }

    @Test("feedback after a quiet-period close is refused, naming R13")
    func lateFeedback() throws {
        let closed = try Centre.decide(.close(reason: .quietPeriod), on: Centre.replied(), by: ActingStaff.daemon.staff)
            .after
        let refusal = Centre.refusal(.feedback(satisfaction: 1, comment: nil), on: closed, by: Centre.quinn)
        #expect(refusal?.rule == "R13" && refusal?.code == .invalidTransition)
        #expect(refusal?.message.en.contains("quiet period") == true)
        #expect(refusal?.message.zh.contains("静默期") == true)
    }

    @Test("escalation only goes up: qa < vp < gm (R8)")
    func escalationMonotonic() throws {
        var complaint = try Centre.filed()
        for level in [EscalationLevel.qa, .vp, .gm] {
            let step = try Centre.decide(
                .escalate(to: level, reason: "caller furious"),
                on: complaint,
                by: Centre.alice
            )
            #expect(step.newEscalationLevel == level && step.newState == complaint.state)
            #expect(step.hop.action == .escalated && step.hop.subject == level.rawValue)
            #expect(
                step.escalations == [
                    EscalationDraft(
                        kind: .explicit,
                        level: level,
                        chargedDepartment: "CS",
                        by: "alice",
                        reason: "caller furious"
                    )
                ]
            )
            complaint = step.after
        }
        for level in [EscalationLevel.qa, .vp, .gm] {
            let refusal = Centre.refusal(.escalate(to: level, reason: "again"), on: complaint, by: Centre.quinn)
            #expect(refusal?.rule == "R8" && refusal?.code == .notAnIncrease)
        }
        let none = Centre.refusal(.escalate(to: .none, reason: "x"), on: try Centre.filed(), by: Centre.alice)
        #expect(none?.code == .outOfRange && none?.rule == "R8")

        let vp = try Centre.decide(.escalate(to: .vp, reason: "skip a level"), on: Centre.filed(), by: Centre.sam)
        #expect(vp.notices.map(\.recipient) == [.role(.vp)])
        let downward = Centre.refusal(.escalate(to: .qa, reason: "x"), on: vp.after, by: Centre.sam)
        #expect(downward?.code == .notAnIncrease)
        #expect(downward?.message.en.contains("qa < vp < gm") == true)
    }

    @Test("an explicit escalation is charged to the department holding the case")
    func escalationCharge() throws {
        let atENG = try Centre.decide(.escalate(to: .qa, reason: "slow"), on: Centre.accepted(), by: Centre.quinn)
        #expect(atENG.escalations.first?.chargedDepartment == "ENG")
        #expect(atENG.notices.map(\.recipient) == [.department("QA")])
        let returned = try Centre.decide(.escalate(to: .qa, reason: "lost"), on: Centre.returned(), by: Centre.quinn)
        #expect(returned.escalations.first?.chargedDepartment == "CS")
        let byReceiving = try Centre.decide(
            .escalate(to: .gm, reason: "conflict"),
            on: Centre.accepted(),
            by: Centre.bob
        )
        #expect(byReceiving.newEscalationLevel == .gm)
    }

    @Test("handover with a leader's approval tells the new responsible person (R11)")
    func handover() throws {
        let step = try Centre.decide(
            .handover(to: Centre.carol, approvedBy: Centre.sam),
            on: Centre.filed(),
            by: Centre.alice
        )
        #expect(step.newState == .open && step.newResponsible == "carol")
        #expect(
            step.hop
                == HopDraft(
                    .handedOver,
                    by: Centre.acting(Centre.alice),
                    text: "Carol",
                    subject: "carol",
                    approvedBy: "sam"
                )
        )
        #expect(step.notices.map(\.recipient) == [.staff("carol")])
        #expect(step.notices.allSatisfy { $0.topic == .newResponsiblePerson })
        #expect(step.notices[0].message.en.contains("you are now responsible for complaint"))

        // Carol now resolves or transfers; Alice, still the first responder, no longer may.
        #expect(try Centre.decide(.resolve(answer: "done"), on: step.after, by: Centre.carol).newState == .resolved)
        #expect(Centre.refusal(.resolve(answer: "done"), on: step.after, by: Centre.alice)?.rule == "R3")
        // Alice still urges as first responder.
        let transferred = try Centre.decide(.transfer(to: "ENG", reason: "x"), on: step.after, by: Centre.carol).after
        #expect(try Centre.decide(.urge(note: nil), on: transferred, by: Centre.alice).hop.action == .urged)
    }

    @Test("extension moves the reply deadline with a leader's approval (R15)")
    func extend() throws {
        let step = try Centre.decide(
            .extend(by: .workingDays(2), reason: "parts on order", approvedBy: Centre.vic),
            on: Centre.accepted(),
            by: Centre.bob
        )
        #expect(step.newState == .accepted)
        #expect(step.deadlineChanges == [.extend(.reply, by: .workingDays(2))])
        #expect(
            step.hop
                == HopDraft(
                    .extended,
                    by: Centre.acting(Centre.bob),
                    text: "parts on order",
                    subject: "2 working days",
                    approvedBy: "vic"
                )
        )
        #expect(step.notices.map(\.recipient) == [.department("ENG")])

        let onTransferred = try Centre.decide(
            .extend(by: .wallClock(minutes: 240), reason: "audit", approvedBy: Centre.lee),
            on: Centre.transferred(),
            by: Centre.vic
        )
        #expect(onTransferred.deadlineChanges == [.extend(.reply, by: .wallClock(minutes: 240))])
        #expect(onTransferred.hop.subject == "4 hours")
        #expect(onTransferred.notices[0].message.zh.contains("4小时"))
    }

    @Test("urging tells the receiving department and its handler (R10)")
    func urge() throws {
        let step = try Centre.decide(.urge(note: "  caller rang again "), on: Centre.accepted(), by: Centre.alice)
        #expect(step.newState == .accepted)
        #expect(
            step.hop == HopDraft(.urged, by: Centre.acting(Centre.alice), text: "caller rang again", subject: "ENG")
        )
        #expect(step.notices.map(\.recipient) == [.department("ENG"), .staff("bob")])
        #expect(step.deadlineChanges.isEmpty)
        #expect(try Centre.decide(.urge(note: nil), on: Centre.transferred(), by: Centre.quinn).hop.text.isEmpty)
    }

    @Test("root acting for someone is recorded; admin passes permission checks but not the rules")
    func rootAndAdmin() throws {
        let asBob = try ComplaintWorkflow.decide(
            .accept(handler: nil),
            on: Centre.transferred(),
            by: Centre.acting(Centre.bob, root: true),
            policy: Centre.policy,
            departmentExists: { _ in true }
        )
        #expect(asBob.hop.actingRoot && asBob.hop.by == "bob")

        let admin = try Centre.decide(.accept(handler: Centre.bob), on: Centre.transferred(), by: Centre.root)
        #expect(admin.newHandler == "bob" && admin.hop.by == "root")
        let noHandler = Centre.refusal(.accept(handler: nil), on: try Centre.transferred(), by: Centre.root)
        #expect(noHandler?.code == .notInDepartment)
        let reroute = try Centre.decide(.reroute(to: "ENG", reason: "x"), on: Centre.returned(), by: Centre.root)
        #expect(reroute.newState == .transferred)
        let r7 = Centre.refusal(.transfer(to: "BILL", reason: "x"), on: try Centre.accepted(), by: Centre.root)
        #expect(r7?.rule == "R7")
    }

    @Test("text inputs are trimmed before they are recorded")
    func trimming() throws {
        let step = try Centre.decide(
            .transfer(to: "ENG", reason: "\t not ours \n"),
            on: Centre.filed(),
            by: Centre.alice
        )
        #expect(step.hop.text == "not ours")
        #expect(ComplaintWorkflow.trimmed("　全角空格　") == "全角空格")
    }
}
