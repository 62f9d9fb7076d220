import Testing

@testable import HotlineCore

/// Merging duplicates (并单, SPEC §12): who may, which cases, and what it records.
@Suite("Complaint merge rules")
struct ComplaintMergeTests {
    static func snapshot(_ id: String, state: ComplaintState = .open) -> ComplaintSnapshot {
        var snapshot = ComplaintSnapshot(id: id, urgent: false, firstResponder: "alice", firstResponderDepartment: "CS")
        snapshot.state = state
        return snapshot
    }

    static func merge(
        _ duplicate: ComplaintSnapshot,
        into survivor: ComplaintSnapshot,
        survivorMergedInto: String? = nil,
        reason: String = "same caller, same leak",
        by staff: StaffMember = Centre.alice
    ) throws(Refusal) -> ComplaintWorkflow.Merge {
        try ComplaintWorkflow.merge(
            duplicate,
            into: survivor,
            survivorMergedInto: survivorMergedInto,
            reason: reason,
            by: Centre.acting(staff),
            policy: Centre.policy
        )
    }

    @Test("the duplicate closes with a hop naming the survivor and its pending deadlines cancelled")
    func records() throws {
        let merge = try Self.merge(Self.snapshot("2", state: .transferred), into: Self.snapshot("1"))
        #expect(merge.duplicate.after.state == .closed)
        #expect(merge.duplicate.hops.map(\.action) == [.merged])
        #expect(merge.duplicate.hops.first?.subject == "1")
        #expect(merge.duplicate.deadlineChanges == [.cancel(.transfer), .cancel(.accept), .cancel(.reply)])
        #expect(merge.survivor.after.state == .open)
        #expect(merge.survivor.hops.map(\.action) == [.mergedIn])
        #expect(merge.survivor.hops.first?.subject == "2")
        #expect(merge.survivor.deadlineChanges.isEmpty)
    }

    @Test("whoever was working on the duplicate is told where it carries on; not the one who merged it")
    func notices() throws {
        // An accepted case: its department and handler (also the responsible person, told once).
        var accepted = Self.snapshot("2", state: .accepted)
        accepted.receivingDepartment = "ENG"
        accepted.handler = "bob"
        accepted.responsibleLogin = "bob"
        let fromAccepted = try Self.merge(accepted, into: Self.snapshot("1"), by: Centre.sam).duplicate.notices
        #expect(fromAccepted.map(\.recipient) == [.department("ENG"), .staff("bob")])
        #expect(fromAccepted.allSatisfy { $0.topic == .merged })
        let message = try #require(fromAccepted.first?.message)
        #expect(message.zh == "投诉 2 已作为重复件并入投诉 1，请停止办理 2，在 1 中跟进：same caller, same leak")
        #expect(
            message.en == "Complaint 2 was merged into complaint 1 as a duplicate: stop work on 2 and follow 1 "
                + "instead: same caller, same leak"
        )

        // Transferred, not yet accepted: the department; the responsible first responder merged it herself.
        var transferred = Self.snapshot("2", state: .transferred)
        transferred.receivingDepartment = "ENG"
        let fromTransferred = try Self.merge(transferred, into: Self.snapshot("1")).duplicate.notices
        #expect(fromTransferred.map(\.recipient) == [.department("ENG")])

        // Returned: the coordination office, which was to route it again.
        var returned = Self.snapshot("2", state: .returned)
        returned.receivingDepartment = "ENG"
        let fromReturned = try Self.merge(returned, into: Self.snapshot("1")).duplicate.notices
        #expect(fromReturned.map(\.recipient) == [.department(Centre.policy.coordinationDepartment)])

        // Still with the first responder: told only when a supervisor merged it.
        #expect(try Self.merge(Self.snapshot("2"), into: Self.snapshot("1")).duplicate.notices.isEmpty)
        let bySupervisor = try Self.merge(Self.snapshot("2", state: .replied), into: Self.snapshot("1"), by: Centre.sam)
        #expect(bySupervisor.duplicate.notices.map(\.recipient) == [.staff("alice")])
        // The case that carries on changes in nothing but its trail, so nobody is told about it.
        #expect(bySupervisor.survivor.notices.isEmpty)
    }

    @Test("refused: into itself, from or into a closed case, in a cycle, without a reason, by a stranger")
    func refusals() throws {
        func refusal(_ body: () throws(Refusal) -> ComplaintWorkflow.Merge) -> Refusal? {
            do {
                _ = try body()
                return nil
            } catch {
                return error
            }
        }
        let open1 = Self.snapshot("1")
        let open2 = Self.snapshot("2")
        #expect(refusal { () throws(Refusal) in try Self.merge(open1, into: open1) }?.code == .invalidTransition)
        #expect(
            refusal { () throws(Refusal) in try Self.merge(Self.snapshot("2", state: .closed), into: open1) }?.code
                == .invalidTransition
        )
        #expect(
            refusal { () throws(Refusal) in try Self.merge(open2, into: Self.snapshot("1", state: .closed)) }?.code
                == .invalidTransition
        )
        #expect(
            refusal { () throws(Refusal) in try Self.merge(open2, into: open1, survivorMergedInto: "2") }?.code
                == .invalidTransition
        )
        #expect(
            refusal { () throws(Refusal) in try Self.merge(open2, into: open1, reason: "  ") }?.code == .missingText
        )
        #expect(
            refusal { () throws(Refusal) in try Self.merge(open2, into: open1, by: Centre.bob) }?.code == .notPermitted
        )
        // A supervisor may merge a case that is not theirs.
        #expect(refusal { () throws(Refusal) in try Self.merge(open2, into: open1, by: Centre.sam) } == nil)
    }
}

/// Call-back attempts (漏接回拨, SPEC §12).
@Suite("Call-back rule")
struct CallbackRuleTests {
    func refusal(_ outcome: String, _ earlier: [CallbackOutcome]) -> Refusal? {
        do {
            try CallbackRule.check(call: "9101", callOutcome: outcome, earlier: earlier)
            return nil
        } catch {
            return error
        }
    }

    @Test("a missed or abandoned call takes attempts until one reached the caller or found the number wrong")
    func attempts() {
        #expect(refusal("missed", []) == nil)
        #expect(refusal("abandoned", [.noAnswer]) == nil)
        #expect(refusal("missed", [.noAnswer, .noAnswer]) == nil)
        #expect(refusal("missed", [.noAnswer, .reached])?.code == .alreadyDone)
        #expect(refusal("missed", [.wrongNumber])?.code == .alreadyDone)
        #expect(refusal("answered", [])?.code == .invalidTransition)
        #expect(refusal("in_progress", [])?.code == .invalidTransition)
    }
}
