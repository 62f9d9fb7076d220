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
