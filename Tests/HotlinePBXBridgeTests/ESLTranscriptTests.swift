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
                #"{"v":1,"id":"fs1-agent-8001-login-1796020593","type":"agent.login","at":"2026-11-30T14:36:33.734975+08:00","agent":"8001","staff":"8001"}"#,
                #"{"v":1,"id":"fs1-agent-8002-login-1796020593","type":"agent.login","at":"2026-11-30T14:36:33.734975+08:00","agent":"8002","staff":"8002"}"#,
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
                #"{"v":1,"id":"fs1-agent-8001-login-1796020584","type":"agent.login","at":"2026-11-30T14:36:24.39492+08:00","agent":"8001","staff":"8001"}"#,
                #"{"v":1,"id":"fs1-agent-8002-login-1796020584","type":"agent.login","at":"2026-11-30T14:36:24.39492+08:00","agent":"8002","staff":"8002"}"#,
                #"{"v":1,"id":"fs1-\#(abandonedCaller)-offered","type":"call.offered","at":"2026-11-30T14:36:24.39492+08:00","call":"\#(abandonedCaller)","from":"5551234","from_name":"Alice Example","to":"12345","queue":"complaints"}"#,
                #"{"v":1,"id":"fs1-\#(abandonedCaller)-ended","type":"call.ended","at":"2026-11-30T14:36:28.434928+08:00","call":"\#(abandonedCaller)","cause":"abandoned"}"#,
            ]
        )
    }
}
