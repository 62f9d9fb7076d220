import HotlineCore
import Testing

@testable import HotlinePBXBridge

/// The manager protocol around the call model: framing limits, the login conversation, the names of agents.
@Suite("AMI framing and login")
struct AMIProtocolTests {
    @Test("frames: LF or CRLF line ends, empty values, a colon in the value, repeated keys, blank lines between")
    func framing() {
        var parser = AMIFrameParser()
        parser.append(Array("Asterisk Call Manager/11.0.0\r\n\r\nEvent: X\nAccountCode: \nData: a: b\n".utf8))
        parser.append(Array("Variable: 1\r\nVariable: 2\r\n\r\n\r\nResponse: Success\r\n\r\n".utf8))
        var items: [AMIFrameParser.Item] = []
        while let item = parser.next() { items.append(item) }
        #expect(
            items == [
                .banner("Asterisk Call Manager/11.0.0"),
                .frame(AMIFrame(["Event": "X", "AccountCode": "", "Data": "a: b", "Variable": "1", "Variable": "2"])),
                .frame(AMIFrame(["Response": "Success"])),
            ]
        )
        #expect(parser.pendingByteCount == 0)
        if case .frame(let frame) = items[1] {
            #expect(frame["variable"] == "1")
            #expect(frame.eventName == "X")
            #expect(frame.responseStatus == nil)
        }
    }

    @Test("a line over the limit is reported once and skipped with its block, even arriving in pieces")
    func longLine() {
        var parser = AMIFrameParser(maxLineLength: 32)
        parser.append(Array("Asterisk Call Manager/11.0.0\r\nEvent: A\r\nData: ".utf8))
        for _ in 0..<10 { parser.append(Array(repeating: UInt8(ascii: "x"), count: 20)) }
        parser.append(Array("\r\nMore: y\r\n\r\nEvent: B\r\n\r\n".utf8))
        var items: [AMIFrameParser.Item] = []
        while let item = parser.next() { items.append(item) }
        #expect(
            items == [
                .banner("Asterisk Call Manager/11.0.0"), .malformed(.lineTooLong(limit: 32)),
                .frame(AMIFrame(["Event": "B"])),
            ]
        )
    }

    @Test("a block with too many fields is skipped")
    func tooManyFields() {
        var parser = AMIFrameParser(maxFields: 3, expectBanner: false)
        parser.append(Array("A: 1\nB: 2\nC: 3\nD: 4\n\nE: 5\n\n".utf8))
        #expect(parser.next() == .malformed(.tooManyFields(limit: 3)))
        #expect(parser.next() == .frame(AMIFrame(["E": "5"])))
        #expect(parser.next() == nil)
    }

    @Test("MD5 matches RFC 1321's test suite")
    func md5() {
        #expect(MD5.hexDigest("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hexDigest("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(MD5.hexDigest("message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(
            MD5.hexDigest("12345678901234567890123456789012345678901234567890123456789012345678901234567890")
                == "57edf4a22be3c955ac49da2e2107b67a"
        )
    }

    @Test("plain login: Login with the secret and Events: call,agent, then CoreShowChannels, then events")
    func plainLogin() {
        var session = AMISession(user: "hotline", secret: "s3cret", method: .plain)
        #expect(
            session.receive(.banner("Asterisk Call Manager/11.0.0")) == [
                .send(
                    AMIFrame([
                        "Action": "Login", "ActionID": "hotline-login", "Username": "hotline", "Secret": "s3cret",
                        "Events": "call,agent",
                    ])
                )
            ]
        )
        #expect(
            session.receive(.frame(AMIFrame(["Response": "Success", "ActionID": "hotline-login"]))) == [
                .loggedIn, .send(AMIFrame(["Action": "CoreShowChannels", "ActionID": "hotline-channels"])),
            ]
        )
        let event = AMIFrame(["Event": "Newchannel", "Linkedid": "x"])
        #expect(session.receive(.frame(event)) == [.event(event)])
        #expect(session.receive(.frame(AMIFrame(["Response": "Success", "ActionID": "hotline-channels"]))) == [])
        #expect(
            session.receive(
                .frame(AMIFrame(["Event": "CoreShowChannel", "ActionID": "hotline-channels", "Linkedid": "a-1"]))
            ) == []
        )
        #expect(
            session.receive(.frame(AMIFrame(["Event": "CoreShowChannelsComplete", "ActionID": "hotline-channels"])))
                == [.channelsUp(["a-1"]), .send(AMIFrame(["Action": "QueueStatus", "ActionID": "hotline-queues"]))]
        )
        #expect(!session.isReady)
        let member = AMIFrame([
            "Event": "QueueMember", "Queue": "complaints", "Name": "zhangsan", "ActionID": "hotline-queues",
        ])
        #expect(session.receive(.frame(AMIFrame(["Event": "QueueParams", "ActionID": "hotline-queues"]))) == [])
        #expect(session.receive(.frame(member)) == [])
        #expect(
            session.receive(.frame(AMIFrame(["Event": "QueueStatusComplete", "ActionID": "hotline-queues"])))
                == [.queueMembers([member])]
        )
        #expect(session.isReady)
        #expect(
            session.receive(.malformed(.lineWithoutKey("junk"))) == [
                .skipped("malformed AMI frame: a line without `Key:` (\"junk\")")
            ]
        )
    }

    @Test("MD5 challenge login: the key is md5(challenge + secret); the secret itself is never sent")
    func challengeLogin() {
        var session = AMISession(user: "hotline", secret: "s3cret", method: .md5)
        let steps = session.receive(.banner("Asterisk Call Manager/11.0.0"))
        #expect(
            steps == [.send(AMIFrame(["Action": "Challenge", "ActionID": "hotline-challenge", "AuthType": "MD5"]))]
        )
        let login = session.receive(
            .frame(AMIFrame(["Response": "Success", "ActionID": "hotline-challenge", "Challenge": "840415273"]))
        )
        #expect(
            login == [
                .send(
                    AMIFrame([
                        "Action": "Login", "ActionID": "hotline-login", "Username": "hotline", "AuthType": "MD5",
                        "Key": MD5.hexDigest("840415273s3cret"), "Events": "call,agent",
                    ])
                )
            ]
        )
        #expect(!String(describing: login).contains("s3cret"))
    }

    @Test("a refused login and a peer that is not a manager stop the session with a typed error")
    func refusals() {
        var session = AMISession(user: "hotline", secret: "wrong", method: .plain)
        _ = session.receive(.banner("Asterisk Call Manager/11.0.0"))
        #expect(
            session.receive(
                .frame(
                    AMIFrame(["Response": "Error", "ActionID": "hotline-login", "Message": "Authentication failed"])
                )
            ) == [.failed(.loginRefused(message: "Authentication failed"))]
        )
        var other = AMISession(user: "hotline", secret: "s", method: .md5)
        #expect(other.receive(.banner("SSH-2.0-OpenSSH_9.2")) == [.failed(.notAManager(banner: "SSH-2.0-OpenSSH_9.2"))])
    }

    @Test(
        "extensions from interfaces and channels",
        arguments: [
            ("Local/8001@agents", "8001"), ("Local/8001@agents-00000001;1", "8001"), ("PJSIP/8001", "8001"),
            ("PJSIP/8001-0000002a", "8001"), ("SIP/8001", "8001"), ("user/8001", "8001"),
            ("loopback/8001/agents", "8001"), ("8001", "8001"), ("PJSIP/front-desk", "front-desk"),
        ]
    )
    func extensions(interface: String, expected: String) {
        #expect(AgentExtension.from(interface: interface) == expected)
    }

    @Test("hang-up causes: busy, no answer, failed, and a normal clearing read by what happened before")
    func causes() {
        #expect(AsteriskHangupCause.endCause(code: 16, answered: true, queueGaveUp: false) == .normal)
        #expect(AsteriskHangupCause.endCause(code: 16, answered: false, queueGaveUp: false) == .abandoned)
        #expect(AsteriskHangupCause.endCause(code: 16, answered: false, queueGaveUp: true) == .noAnswer)
        #expect(AsteriskHangupCause.endCause(code: 17, answered: false, queueGaveUp: false) == .busy)
        #expect(AsteriskHangupCause.endCause(code: 19, answered: false, queueGaveUp: false) == .noAnswer)
        #expect(AsteriskHangupCause.endCause(code: 38, answered: true, queueGaveUp: false) == .failed)
        #expect(AsteriskHangupCause.endCause(code: nil, answered: true, queueGaveUp: false) == .normal)
    }

    @Test("the agent map refuses a line of three words and an agent mapped twice, naming the line")
    func agentMapErrors() {
        #expect(throws: AgentMapError(line: 2, reason: "expected `agent login`, found 3 words")) {
            try AgentMap(parsing: "a b\nc d e\n")
        }
        #expect(throws: AgentMapError(line: 3, reason: "agent a mapped twice")) {
            try AgentMap(parsing: "a b\n\na c\n")
        }
        #expect(AgentMap(["8001": "zhangsan"]).login(name: nil, extension: "8001") == "zhangsan")
        #expect(AgentMap().login(name: nil, extension: "8001") == nil)
    }
}
