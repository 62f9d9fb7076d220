import Foundation
import HotlinePBXBridge
import Testing

/// The call model on the recorded FreeSWITCH transcripts: every event it emits, field by field.
@Suite("ESL transcripts through the FreeSWITCH call model")
struct ESLTranscriptTests {
    private let caller = "136863aa-2309-4212-8a65-ab35a98bb499"
    private let abandonedCaller = "8828e8bd-9a5c-49c1-b801-ee6a3aacfe79"

    @Test("answered.esl: two logins, offered with Alice's number and name, 8002 answers, ended normal")
    func answered() throws {
        let lines = try ESLFixtures.transcriptLines("answered.esl", configuration: try ESLFixtures.configuration())
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-agent-8001-login-1796020593734975-626","type":"agent.login","at":"2026-11-30T14:36:33.734975+08:00","agent":"8001","staff":"8001"}"#,
                #"{"v":1,"id":"fs1-agent-8002-login-1796020593734975-630","type":"agent.login","at":"2026-11-30T14:36:33.734975+08:00","agent":"8002","staff":"8002"}"#,
                #"{"v":1,"id":"fs1-\#(caller)-offered","type":"call.offered","at":"2026-11-30T14:36:33.734975+08:00","call":"\#(caller)","from":"5551234","from_name":"Alice Example","to":"12345","queue":"complaints"}"#,
                #"{"v":1,"id":"fs1-\#(caller)-answered","type":"call.answered","at":"2026-11-30T14:36:33.854934+08:00","call":"\#(caller)","agent":"8002"}"#,
                #"{"v":1,"id":"fs1-\#(caller)-ended","type":"call.ended","at":"2026-11-30T14:36:36.854987+08:00","call":"\#(caller)","cause":"normal"}"#,
            ]
        )
    }

    @Test("abandoned.esl: On Break logs the agents in, the caller's cancel is abandoned, no answer")
    func abandoned() throws {
        let lines = try ESLFixtures.transcriptLines("abandoned.esl", configuration: try ESLFixtures.configuration())
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-agent-8001-login-1796020584394920-560","type":"agent.login","at":"2026-11-30T14:36:24.39492+08:00","agent":"8001","staff":"8001"}"#,
                #"{"v":1,"id":"fs1-agent-8002-login-1796020584394920-562","type":"agent.login","at":"2026-11-30T14:36:24.39492+08:00","agent":"8002","staff":"8002"}"#,
                #"{"v":1,"id":"fs1-\#(abandonedCaller)-offered","type":"call.offered","at":"2026-11-30T14:36:24.39492+08:00","call":"\#(abandonedCaller)","from":"5551234","from_name":"Alice Example","to":"12345","queue":"complaints"}"#,
                #"{"v":1,"id":"fs1-\#(abandonedCaller)-ended","type":"call.ended","at":"2026-11-30T14:36:28.434928+08:00","call":"\#(abandonedCaller)","cause":"abandoned"}"#,
            ]
        )
    }

    @Test("ringall.esl: both agents ring, 8002 answers first; the other agent's legs are not the call")
    func ringAll() throws {
        let lines = try ESLFixtures.transcriptLines("ringall.esl", configuration: try ESLFixtures.configuration())
        let call = "fba69d1e-8b76-45e4-9497-306487852646"
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-agent-8001-login-1796025364862936-394","type":"agent.login","at":"2026-11-30T15:56:04.862936+08:00","agent":"8001","staff":"8001"}"#,
                #"{"v":1,"id":"fs1-agent-8002-login-1796025364862936-398","type":"agent.login","at":"2026-11-30T15:56:04.862936+08:00","agent":"8002","staff":"8002"}"#,
                #"{"v":1,"id":"fs1-\#(call)-offered","type":"call.offered","at":"2026-11-30T15:56:04.862936+08:00","call":"\#(call)","from":"13812345678","from_name":"王女士","to":"12346","queue":"complaints-ringall"}"#,
                #"{"v":1,"id":"fs1-\#(call)-answered","type":"call.answered","at":"2026-11-30T15:56:04.982897+08:00","call":"\#(call)","agent":"8002"}"#,
                #"{"v":1,"id":"fs1-\#(call)-ended","type":"call.ended","at":"2026-11-30T15:56:08.002898+08:00","call":"\#(call)","cause":"normal"}"#,
            ]
        )
    }

    @Test("withheld.esl: an anonymous caller is offered with the withheld number and no name")
    func withheld() throws {
        let lines = try ESLFixtures.transcriptLines("withheld.esl", configuration: try ESLFixtures.configuration())
        let call = "46dfa7c1-0d51-4c6a-bfcf-2332733b3264"
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-agent-8001-login-1796025371842912-653","type":"agent.login","at":"2026-11-30T15:56:11.842912+08:00","agent":"8001","staff":"8001"}"#,
                #"{"v":1,"id":"fs1-agent-8002-login-1796025371842912-657","type":"agent.login","at":"2026-11-30T15:56:11.842912+08:00","agent":"8002","staff":"8002"}"#,
                #"{"v":1,"id":"fs1-\#(call)-offered","type":"call.offered","at":"2026-11-30T15:56:11.842912+08:00","call":"\#(call)","from":"10000","to":"12345","queue":"complaints"}"#,
                #"{"v":1,"id":"fs1-\#(call)-answered","type":"call.answered","at":"2026-11-30T15:56:11.882959+08:00","call":"\#(call)","agent":"8001"}"#,
                #"{"v":1,"id":"fs1-\#(call)-ended","type":"call.ended","at":"2026-11-30T15:56:14.942906+08:00","call":"\#(call)","cause":"normal"}"#,
            ]
        )
    }

    @Test("transfer.esl: 8002 answers, the caller is sent back to the queue and 8001 takes it: one transfer")
    func transfer() throws {
        let lines = try ESLFixtures.transcriptLines("transfer.esl", configuration: try ESLFixtures.configuration())
        let call = "267fed2b-f7dc-40b2-bb10-ccad7c2ad0e2"
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-agent-8001-login-1796025379062920-825","type":"agent.login","at":"2026-11-30T15:56:19.06292+08:00","agent":"8001","staff":"8001"}"#,
                #"{"v":1,"id":"fs1-agent-8002-login-1796025379062920-827","type":"agent.login","at":"2026-11-30T15:56:19.06292+08:00","agent":"8002","staff":"8002"}"#,
                #"{"v":1,"id":"fs1-\#(call)-offered","type":"call.offered","at":"2026-11-30T15:56:19.082894+08:00","call":"\#(call)","from":"5551234","from_name":"Alice Example","to":"12345","queue":"complaints"}"#,
                #"{"v":1,"id":"fs1-\#(call)-answered","type":"call.answered","at":"2026-11-30T15:56:19.102958+08:00","call":"\#(call)","agent":"8002"}"#,
                #"{"v":1,"id":"fs1-\#(call)-transferred-1796025380242920-1043","type":"call.transferred","at":"2026-11-30T15:56:20.24292+08:00","call":"\#(call)","agent":"8002","to_agent":"8001"}"#,
                #"{"v":1,"id":"fs1-\#(call)-ended","type":"call.ended","at":"2026-11-30T15:56:23.262892+08:00","call":"\#(call)","cause":"normal"}"#,
            ]
        )
    }

    @Test("logout.esl: Available, Logged Out, On Break in one microsecond are three events with their own ids")
    func logout() throws {
        let lines = try ESLFixtures.transcriptLines("logout.esl", configuration: try ESLFixtures.configuration())
        #expect(
            lines == [
                #"{"v":1,"id":"fs1-agent-8001-login-1796025386983031-1119","type":"agent.login","at":"2026-11-30T15:56:26.983031+08:00","agent":"8001","staff":"8001"}"#,
                #"{"v":1,"id":"fs1-agent-8001-logout-1796025386983031-1121","type":"agent.logout","at":"2026-11-30T15:56:26.983031+08:00","agent":"8001","staff":"8001"}"#,
                #"{"v":1,"id":"fs1-agent-8001-login-1796025386983031-1123","type":"agent.login","at":"2026-11-30T15:56:26.983031+08:00","agent":"8001","staff":"8001"}"#,
            ]
        )
    }
}
