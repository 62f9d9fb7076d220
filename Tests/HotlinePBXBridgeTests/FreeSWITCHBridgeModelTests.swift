import Foundation
import HotlinePBXBridge
import HotlineProtocol
import Testing

@Suite("FreeSWITCH bridge model: the session's state saved and restored as the bridge does")
struct FreeSWITCHBridgeModelTests {
    private func bridgeModel() throws -> FreeSWITCHBridgeModel {
        FreeSWITCHBridgeModel(
            session: FreeSWITCHSession(
                password: "ClueCon",
                model: FreeSWITCHCallModel(configuration: try ESLFixtures.configuration())
            )
        )
    }

    private func lines(_ events: [PBXEvent]) -> [String] {
        events.map(ESLFixtures.line)
    }

    @Test(
        "answered.esl cut at every event, the state through JSON into a fresh bridge: the same events as in one go"
    )
    func stateSurvivesARestartAnywhere() throws {
        let events = ESLFixtures.events(ESLFixtures.parse(try ESLFixtures.bytes("answered.esl")))
        let received = Date(timeIntervalSince1970: 1_796_025_580)
        var whole = try bridgeModel()
        let expected = lines(events.flatMap { whole.handle($0, at: received) })
        #expect(expected.count == 5, "two agents logging in; offered, answered, ended")
        for cut in 0...events.count {
            var first = try bridgeModel()
            var output = events[..<cut].flatMap { first.handle($0, at: received) }
            // What BridgeCore writes to state.json and reads back at the next start.
            let saved = try JSONEncoder().encode(first.state)
            var second = try bridgeModel()
            second.state = try JSONDecoder().decode(FreeSWITCHCallModel.State.self, from: saved)
            #expect(second.callsInProgress == first.callsInProgress)
            output += events[cut...].flatMap { second.handle($0, at: received) }
            #expect(lines(output) == expected, "cut at event \(cut)")
        }
    }

    @Test("the reconciliation of PBXCallModel ends, failed, the calls not among the channels that are up")
    func reconciliation() throws {
        let events = ESLFixtures.events(ESLFixtures.parse(try ESLFixtures.bytes("answered.esl")))
        var model = try bridgeModel()
        for event in events.prefix(27) { _ = model.handle(event, at: Date()) }
        #expect(model.callsInProgress == 1)
        model.beginReconciliation()
        let ended = model.finishReconciliation(activeCallIDs: [], at: Date(timeIntervalSince1970: 1_796_025_600))
        #expect(ended.map(\.typeName) == ["call.ended"])
        #expect(model.callsInProgress == 0)
    }
}
