import Testing

@testable import HotlineCore

/// SPEC §2 as a table: every state against every action, taken by an administrator (who passes every
/// permission check) with valid inputs, so that only the state decides.
@Suite("Complaint state transitions")
struct ComplaintTransitionTableTests {
    /// The verbs that apply in each state; everything else is refused.
    static let allowed: [ComplaintState: Set<String>] = [
        .open: ["resolve", "transfer", "escalate", "handover"],
        .resolved: ["escalate", "handover", "feedback", "close"],
        .transferred: ["accept", "return", "urge", "escalate", "handover", "extend"],
        .accepted: ["reply", "return", "urge", "escalate", "handover", "extend"],
        .returned: ["reroute", "escalate", "handover"],
        .replied: ["escalate", "handover", "feedback", "close"],
        .closed: [],
    ]

    /// The state changes SPEC §2 lists.
    static let edges: Set<[ComplaintState]> = [
        [.open, .resolved], [.open, .transferred], [.transferred, .accepted], [.accepted, .replied],
        [.transferred, .returned], [.accepted, .returned], [.returned, .transferred], [.resolved, .closed],
        [.replied, .closed], [.replied, .accepted],
    ]

    static let actions: [ComplaintAction] = [
        .resolve(answer: "answer"),
        .transfer(to: "ENG", reason: "reason"),
        .accept(handler: Centre.bob),
        .returnToCoordination(reason: "reason"),
        .reroute(to: "BILL", reason: "reason"),
        .reply(result: "result"),
        .urge(note: "note"),
        .escalate(to: .qa, reason: "reason"),
        .handover(to: Centre.carol, approvedBy: Centre.sam),
        .extend(by: .workingDays(1), reason: "reason", approvedBy: Centre.vic),
        .feedback(satisfaction: 1, comment: nil),
        .feedback(satisfaction: 5, comment: nil),
        .close(reason: .quietPeriod),
    ]

    static func complaint(in state: ComplaintState) -> ComplaintSnapshot {
        let withDepartment: Set<ComplaintState> = [.transferred, .accepted, .returned, .replied]
        let withHandler: Set<ComplaintState> = [.accepted, .replied]
        return ComplaintSnapshot(
            id: "C-1",
            state: state,
            firstResponder: "alice",
            firstResponderDepartment: "CS",
            receivingDepartment: withDepartment.contains(state) ? "ENG" : nil,
            handler: withHandler.contains(state) ? "bob" : nil,
            transferCount: withDepartment.contains(state) ? 1 : 0,
            returnCount: state == .returned ? 1 : 0
        )
    }

    @Test("every state against every action", arguments: ComplaintState.allCases)
    func table(state: ComplaintState) throws {
        let complaint = Self.complaint(in: state)
        for action in Self.actions {
            let expectedAllowed = Self.allowed[state, default: []].contains(action.verb)
            do {
                let transition = try Centre.decide(action, on: complaint, by: Centre.root)
                #expect(expectedAllowed, "\(action.verb) should be refused in \(state)")
                #expect(transition.previousState == state)
                #expect(!transition.hops.isEmpty)
                let change = [state, transition.newState]
                #expect(
                    state == transition.newState || Self.edges.contains(change),
                    "\(action.verb): \(state) → \(transition.newState) is not in SPEC §2"
                )
            } catch {
                #expect(!expectedAllowed, "\(action.verb) should apply in \(state): \(error.message.en)")
                #expect([.invalidTransition, .alreadyDone].contains(error.code), "\(action.verb) in \(state)")
                #expect(error.rule != nil)
                #expect(error.message.en.hasPrefix("\(error.rule ?? ""): "))
                #expect(!error.message.zh.isEmpty)
            }
        }
    }

    @Test("every edge of SPEC §2 is reachable")
    func edgesReachable() throws {
        var reached: Set<[ComplaintState]> = []
        for state in ComplaintState.allCases {
            for action in Self.actions {
                if let transition = try? Centre.decide(action, on: Self.complaint(in: state), by: Centre.root),
                    transition.newState != state
                {
                    reached.insert([state, transition.newState])
                }
            }
        }
        #expect(reached == Self.edges)
    }

    @Test("a refused transition names the rule of the action")
    func refusalRules() {
        let replied = Self.complaint(in: .replied)
        #expect(Centre.refusal(.accept(handler: Centre.bob), on: replied, by: Centre.root)?.rule == "R5")
        #expect(Centre.refusal(.urge(note: nil), on: replied, by: Centre.root)?.rule == "R10")
        #expect(
            Centre.refusal(
                .extend(by: .workingDays(1), reason: "x", approvedBy: Centre.vic),
                on: replied,
                by: Centre.root
            )?.rule == "R15"
        )
        #expect(Centre.refusal(.reroute(to: "ENG", reason: "x"), on: replied, by: Centre.root)?.rule == "R7")
        let closed = Self.complaint(in: .closed)
        let message = Centre.refusal(.reply(result: "x"), on: closed, by: Centre.root)?.message
        #expect(
            message?.en
                == "R6: `complaint reply` does not apply to complaint C-1 while it is closed; it is closed and can no "
                + "longer be acted on"
        )
        #expect(message?.zh.contains("已办结") == true)
    }
}
