import Foundation
import HotlineCore
import Testing

@Suite("CallRecord fold")
struct CallRecordTests {
    private static let t0 = Date(timeIntervalSince1970: 1_772_414_100)
    private static let caller = try! PhoneNumber(validating: "138-1234-5678")

    private static func at(_ seconds: Double) -> Date { t0.addingTimeInterval(seconds) }

    private static func fact(_ id: String, _ seconds: Double, _ kind: CallEventFact.Kind, call: String = "c1")
        -> CallEventFact
    {
        CallEventFact(eventID: id, callID: call, at: at(seconds), kind: kind)
    }

    private static let zhang = StaffCandidate(login: "zhangsan", rank: 1)
    private static let li = StaffCandidate(login: "lisi", rank: 3)
    private static let wang = StaffCandidate(login: "wangwu", rank: 9)

    private static let offered = fact(
        "e1",
        0,
        .offered(from: caller, fromName: "张三", to: "12345", queue: "complaints")
    )
    private static let answered = fact(
        "e2",
        8,
        .answered(agents: [AnsweringAgent(agent: "201", staff: zhang), AnsweringAgent(agent: "202", staff: li)])
    )
    private static let transferred = fact("e3", 60, .transferred(fromAgent: "202", toAgent: "305"))
    /// A later answer (after the transfer) by someone of higher rank: it must not change the first responder.
    private static let answeredLater = fact(
        "e4",
        61,
        .answered(agents: [AnsweringAgent(agent: "305", staff: wang)])
    )
    private static let ended = fact("e5", 300, .ended(cause: .normal))
    private static let allFive = [offered, answered, transferred, answeredLater, ended]

    @Test("a complete call in order")
    func inOrder() {
        let record = CallRecord(callID: "c1", facts: Self.allFive)
        #expect(record.callID == "c1")
        #expect(record.from == Self.caller)
        #expect(record.fromName == "张三")
        #expect(record.to == "12345")
        #expect(record.queue == "complaints")
        #expect(record.offeredAt == Self.at(0))
        #expect(record.answeredAt == Self.at(8))
        #expect(record.answeringAgents == ["201", "202"])
        #expect(record.firstResponder == "lisi")
        #expect(record.endedAt == Self.at(300))
        #expect(record.endCause == .normal)
        #expect(
            record.transfers == [CallTransfer(eventID: "e3", at: Self.at(60), fromAgent: "202", toAgent: "305")]
        )
        #expect(record.outcome == .answered)
    }

    @Test("every order of the five events, with duplicates, gives the same record")
    func permutationsConverge() {
        let reference = CallRecord(callID: "c1", facts: Self.allFive)
        var count = 0
        for order in permutations(Self.allFive) {
            // Each order also replays two events (as after an adapter reconnect), once early, once late.
            let replayed = [order[3]] + order + [order[0], order[3], order[1]]
            let record = CallRecord(callID: "c1", facts: replayed)
            #expect(record == reference, "order: \(order.map(\.eventID))")
            count += 1
        }
        #expect(count == 120)
        #expect(Set(permutations(Self.allFive).map { $0.map(\.eventID) }).count == 120)
    }

    @Test("applying an event twice changes nothing")
    func idempotent() {
        var record = CallRecord(callID: "c1", facts: Self.allFive)
        let before = record
        for fact in Self.allFive { record.apply(fact) }
        #expect(record == before)
        #expect(record.transfers.count == 1)
    }

    @Test("ended before answered before offered")
    func reverseOrder() {
        let record = CallRecord(callID: "c1", facts: [Self.ended, Self.answered, Self.offered])
        #expect(record.outcome == .answered)
        #expect(record.firstResponder == "lisi")
        #expect(record.from == Self.caller)
        #expect(record.endCause == .normal)
    }

    @Test("two answers at the same moment: the smaller event id decides, whatever the arrival order")
    func identicalTimestampsBreakByEventID() {
        let first = Self.fact("pbx-0007", 8, .answered(agents: [AnsweringAgent(agent: "201", staff: Self.zhang)]))
        let second = Self.fact("pbx-0008", 8, .answered(agents: [AnsweringAgent(agent: "305", staff: Self.wang)]))
        let forward = CallRecord(callID: "c1", facts: [first, second])
        let backward = CallRecord(callID: "c1", facts: [second, first])
        #expect(forward == backward)
        #expect(forward.firstResponder == "zhangsan")
        #expect(forward.answeringAgents == ["201"])
    }

    @Test("an earlier answer arriving late replaces the first responder")
    func earlierAnswerWins() {
        var record = CallRecord(callID: "c1", facts: [Self.offered, Self.answeredLater])
        #expect(record.firstResponder == "wangwu")
        #expect(record.answeredAt == Self.at(61))
        record.apply(Self.answered)
        #expect(record.firstResponder == "lisi")
        #expect(record.answeredAt == Self.at(8))
    }

    @Test("a transfer never changes the first responder")
    func transferKeepsFirstResponder() {
        var record = CallRecord(callID: "c1", facts: [Self.offered, Self.answered])
        record.apply(Self.transferred)
        record.apply(Self.fact("e9", 90, .transferred(fromAgent: "305", toAgent: "401")))
        #expect(record.firstResponder == "lisi")
        #expect(record.answeringAgents == ["201", "202"])
        #expect(record.transfers.map(\.eventID) == ["e3", "e9"])
    }

    @Test("transfers are a set kept in time order")
    func transfersSorted() {
        let late = Self.fact("t-a", 120, .transferred(fromAgent: "305", toAgent: "401"))
        let early = Self.fact("t-z", 30, .transferred(fromAgent: "201", toAgent: "202"))
        let sameTimeA = Self.fact("t-b", 60, .transferred(fromAgent: "202", toAgent: "305"))
        let record = CallRecord(callID: "c1", facts: [late, sameTimeA, early, Self.transferred, late, early])
        #expect(record.transfers.map(\.eventID) == ["t-z", "e3", "t-b", "t-a"])
        #expect(record.transfers.map(\.toAgent) == ["202", "305", "305", "401"])
    }

    @Test(
        "outcome of an unanswered call comes from the end cause",
        arguments: [
            (CallEndCause.abandoned, CallOutcome.abandoned),
            (.busy, .missed),
            (.noAnswer, .missed),
            (.failed, .missed),
            (.normal, .missed),
        ]
    )
    func unansweredOutcome(cause: CallEndCause, outcome: CallOutcome) {
        let record = CallRecord(callID: "c1", facts: [Self.offered, Self.fact("e5", 40, .ended(cause: cause))])
        #expect(record.outcome == outcome)
        #expect(record.answeredAt == nil)
        #expect(record.firstResponder == nil)
        #expect(record.endCause == cause)
    }

    @Test("outcome while the call runs")
    func inProgress() {
        #expect(CallRecord(callID: "c1").outcome == .inProgress)
        #expect(CallRecord(callID: "c1", facts: [Self.offered]).outcome == .inProgress)
        #expect(CallRecord(callID: "c1", facts: [Self.offered, Self.answered]).outcome == .answered)
        #expect(
            CallRecord(callID: "c1", facts: [Self.answered, Self.fact("x", 9, .ended(cause: .abandoned))]).outcome
                == .answered
        )
    }

    @Test("outcome raw values are the wire names")
    func outcomeNames() {
        #expect(CallOutcome.allCases.map(\.rawValue) == ["answered", "abandoned", "missed", "in_progress"])
        #expect(CallEndCause.allCases.map(\.rawValue) == ["normal", "abandoned", "busy", "no_answer", "failed"])
    }

    @Test("an empty record has no data")
    func emptyRecord() {
        let record = CallRecord(callID: "c1")
        #expect(record.from == nil)
        #expect(record.fromName == nil)
        #expect(record.to == nil)
        #expect(record.queue == nil)
        #expect(record.offeredAt == nil)
        #expect(record.endedAt == nil)
        #expect(record.endCause == nil)
        #expect(record.answeringAgents.isEmpty)
        #expect(record.transfers.isEmpty)
    }

    @Test("answering extensions without a known staff member leave no first responder")
    func unresolvedStaff() {
        let nobody = Self.fact("e2", 8, .answered(agents: [AnsweringAgent(agent: "299", staff: nil)]))
        let record = CallRecord(callID: "c1", facts: [Self.offered, nobody])
        #expect(record.outcome == .answered)
        #expect(record.answeringAgents == ["299"])
        #expect(record.firstResponder == nil)

        let partly = Self.fact(
            "e2",
            8,
            .answered(agents: [
                AnsweringAgent(agent: "299", staff: nil), AnsweringAgent(agent: "201", staff: Self.zhang),
            ])
        )
        #expect(CallRecord(callID: "c1", facts: [partly]).firstResponder == "zhangsan")
    }

    @Test("equal ranks answering together: the first listed is the first responder")
    func equalRankFirstListed() {
        let peers = [StaffCandidate(login: "a", rank: 2), StaffCandidate(login: "b", rank: 2)]
        let fact = Self.fact(
            "e2",
            8,
            .answered(agents: [
                AnsweringAgent(agent: "201", staff: peers[1]), AnsweringAgent(agent: "202", staff: peers[0]),
            ])
        )
        #expect(CallRecord(callID: "c1", facts: [fact]).firstResponder == "b")
    }

    @Test("the earliest offer wins when an offer is reported twice under different ids")
    func earliestOffer() {
        let other = Self.fact("e0", 2, .offered(from: nil, fromName: nil, to: "12345", queue: nil))
        let forward = CallRecord(callID: "c1", facts: [Self.offered, other])
        let backward = CallRecord(callID: "c1", facts: [other, Self.offered])
        #expect(forward == backward)
        #expect(forward.from == Self.caller)
        #expect(forward.offeredAt == Self.at(0))
    }

    @Test("a withheld number is recorded as nil")
    func withheldNumber() {
        let record = CallRecord(
            callID: "c1",
            facts: [Self.fact("e1", 0, .offered(from: nil, fromName: nil, to: "12345", queue: nil))]
        )
        #expect(record.from == nil)
        #expect(record.offeredAt == Self.at(0))
    }

    @Test("facts for another call are ignored")
    func otherCall() {
        var record = CallRecord(callID: "c1", facts: Self.allFive)
        let before = record
        let foreign = Self.fact("z1", 1, .ended(cause: .abandoned), call: "c2")
        #expect(record.apply(foreign) == false)
        #expect(record == before)
        #expect(record.apply(Self.ended) == true)
    }

    @Test("the earliest end wins when an end is reported twice")
    func earliestEnd() {
        let first = Self.fact("e5", 300, .ended(cause: .normal))
        let again = Self.fact("e6", 301, .ended(cause: .failed))
        let a = CallRecord(callID: "c1", facts: [again, first])
        let b = CallRecord(callID: "c1", facts: [first, again])
        #expect(a == b)
        #expect(a.endCause == .normal)
        #expect(a.endedAt == Self.at(300))
    }

    @Test("a record survives a Codable round trip")
    func codable() throws {
        let record = CallRecord(callID: "c1", facts: Self.allFive)
        let data = try JSONEncoder().encode(record)
        #expect(try JSONDecoder().decode(CallRecord.self, from: data) == record)
    }

    /// All orderings of `items` (Heap's algorithm).
    private func permutations<T>(_ items: [T]) -> [[T]] {
        var result: [[T]] = []
        var items = items
        func generate(_ n: Int) {
            if n <= 1 {
                result.append(items)
                return
            }
            generate(n - 1)
            for i in 0..<(n - 1) {
                items.swapAt(n % 2 == 0 ? i : 0, n - 1)
                generate(n - 1)
            }
        }
        generate(items.count)
        return result
    }
}
