import Foundation
import HotlineCore
import Testing

@testable import HotlineStore

@Suite("Stored call records")
struct CallRecordCodingTests {
    @Test("a record survives its stored form exactly, odd values included")
    func roundTrip() throws {
        let at = Date(timeIntervalSince1970: 1_795_978_800.123_456_7)
        let facts = [
            CallEventFact(
                eventID: "e-1",
                callID: "c1",
                at: at,
                kind: .offered(
                    from: try PhoneNumber(validating: "+86 138-1234-5678"),
                    fromName: "王\"女士\"\\",
                    to: "12345",
                    queue: nil
                )
            ),
            CallEventFact(
                eventID: "e-2",
                callID: "c1",
                at: at.addingTimeInterval(0.000_000_1),
                kind: .answered(agents: [
                    AnsweringAgent(agent: "8001", staff: StaffCandidate(login: "zhangsan", rank: 2)),
                    AnsweringAgent(agent: "8999", staff: nil),
                ])
            ),
            CallEventFact(
                eventID: "e-3",
                callID: "c1",
                at: at.addingTimeInterval(60),
                kind: .transferred(fromAgent: "8001", toAgent: "8002")
            ),
            CallEventFact(
                eventID: "e-4",
                callID: "c1",
                at: at.addingTimeInterval(61),
                kind: .transferred(fromAgent: "8002", toAgent: "8003")
            ),
            CallEventFact(eventID: "e-5", callID: "c1", at: at.addingTimeInterval(300), kind: .ended(cause: .noAnswer)),
        ]
        let record = CallRecord(callID: "c1", facts: facts)
        let decoded = try CallRecordCoding.decode(CallRecordCoding.encode(record), callID: "c1")
        #expect(decoded == record)
        #expect(decoded.firstResponder == "zhangsan")
        #expect(decoded.transfers.count == 2)
        #expect(
            try CallRecordCoding.decode(CallRecordCoding.encode(CallRecord(callID: "empty")), callID: "empty")
                == CallRecord(callID: "empty")
        )
    }

    @Test("the stored text is the form records were always written in, so old rows and new compare alike")
    func storedText() throws {
        let at = Date(timeIntervalSinceReferenceDate: 1024)
        let record = CallRecord(
            callID: "c9",
            facts: [
                CallEventFact(
                    eventID: "o\"1",
                    callID: "c9",
                    at: at,
                    kind: .offered(
                        from: try PhoneNumber(validating: "13800138000"),
                        fromName: nil,
                        to: "12345",
                        queue: "SVC"
                    )
                ),
                CallEventFact(
                    eventID: "a1",
                    callID: "c9",
                    at: at,
                    kind: .answered(agents: [
                        AnsweringAgent(agent: "8001", staff: StaffCandidate(login: "zhangsan", rank: 2)),
                        AnsweringAgent(agent: "8999", staff: nil),
                    ])
                ),
                CallEventFact(
                    eventID: "t1",
                    callID: "c9",
                    at: at,
                    kind: .transferred(fromAgent: "8001", toAgent: "8002")
                ),
                CallEventFact(eventID: "e1", callID: "c9", at: at, kind: .ended(cause: .normal)),
            ]
        )
        // 1024.0 as a Double's bit pattern.
        let bits = "4652218415073722368"
        #expect(
            CallRecordCoding.encode(record)
                == #"[["o","o\"1",\#(bits),"13800138000",null,"12345","SVC"],"#
                + #"["a","a1",\#(bits),[["8001","zhangsan",2],["8999",null,null]]],"#
                + #"["e","e1",\#(bits),"normal"],["t","t1",\#(bits),"8001","8002"]]"#
        )
    }

    @Test(
        "a damaged stored record is an error, not a crash",
        arguments: ["", "{}", "[[\"x\",\"e\",1]]", "[[\"o\",\"e\",1,null]]", "[[\"e\",\"e\",1,\"boom\"]]"]
    )
    func damaged(text: String) {
        #expect(throws: (any Error).self) { try CallRecordCoding.decode(text, callID: "c") }
    }
}
