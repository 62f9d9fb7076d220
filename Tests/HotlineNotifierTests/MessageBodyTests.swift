import Crypto
import Foundation
import HotlineNotifier
import Testing

@Suite("message bodies: webhook JSON, signature, robots")
struct MessageBodyTests {
    private let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-11-30 09:00:00 +08:00.
    private let at = Date(timeIntervalSince1970: 1_796_000_400)

    private var notice: Notice {
        Notice(
            id: 42,
            at: at,
            topic: "transferred",
            complaint: 17,
            textZh: "投诉 17 已转给安装部",
            textEn: "Complaint 17 was transferred to INST",
            recipients: [NoticeRecipient(kind: "department", name: "INST")],
            people: [NoticePerson(login: "lisi", name: "李四", department: "INST", extension_: "8002")]
        )
    }

    private func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test("the webhook body: every field, nulls written, Chinese unescaped, the same bytes every time")
    func webhookBody() throws {
        let document = NoticeDocument(notice: notice, route: "all/webhook", timeZone: shanghai)
        let body = try document.body()
        #expect(try document.body() == body)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.contains("投诉 17 已转给安装部"))
        #expect(text.contains("\"deadline\":null"))
        let json = try object(body)
        #expect(
            Set(json.keys) == [
                "id", "at", "topic", "complaint", "deadline", "urgent", "follows", "text_zh", "text_en", "to",
                "people", "route", "idempotency_key",
            ]
        )
        #expect(json["id"] as? Int == 42)
        #expect(json["at"] as? String == "2026-11-30T09:00:00+08:00")
        #expect(json["topic"] as? String == "transferred")
        #expect(json["complaint"] as? Int == 17)
        #expect(json["to"] as? [[String: String]] == [["department": "INST"]])
        #expect(json["route"] as? String == "all/webhook")
        #expect(json["idempotency_key"] as? String == "42.all/webhook")
        let people = try #require(json["people"] as? [[String: Any]])
        #expect(people.first?["login"] as? String == "lisi")
        #expect(people.first?["extension"] as? String == "8002")
    }

    @Test("the signature is HMAC-SHA256 of the body (RFC 4231 test case 2) and verifies")
    func signature() {
        let body = Array("what do ya want for nothing?".utf8)
        let value = WebhookSignature.value(body: body, secret: Array("Jefe".utf8))
        #expect(value == "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(WebhookSignature.verify(value, body: body, secret: Array("Jefe".utf8)))
        #expect(!WebhookSignature.verify(value, body: body + [0x20], secret: Array("Jefe".utf8)))
    }

    @Test("企业微信: a text message in Chinese, @all only when urgent and asked for")
    func wecom() throws {
        var urgent = notice
        urgent.urgent = true
        let robot = RobotChannel(
            vendor: .wecom,
            url: URL(string: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K")!,
            mentionAllWhenUrgent: true
        )
        let message = try RobotMessage.make(for: urgent, robot: robot, timeZone: shanghai, now: at)
        #expect(message.url == robot.url)
        let json = try object(message.body)
        #expect(json["msgtype"] as? String == "text")
        let text = try #require(json["text"] as? [String: Any])
        let content = try #require(text["content"] as? String)
        #expect(content.hasPrefix("【热线通知】【紧急】投诉 17 已转给安装部"))
        #expect(content.contains("投诉编号：17"))
        #expect(content.contains("时间：2026-11-30 09:00:00+08:00"))
        #expect(content.contains("通知编号：42（transferred）"))
        #expect(text["mentioned_list"] as? [String] == ["@all"])
        let calm = try object(RobotMessage.make(for: notice, robot: robot, timeZone: shanghai, now: at).body)
        #expect((calm["text"] as? [String: Any])?["mentioned_list"] == nil)
    }

    @Test("钉钉: text with at.isAtAll; 加签 appends timestamp (ms) and the Base64 HMAC of \"timestamp\\nsecret\"")
    func dingtalk() throws {
        let secret = Array("SECabc".utf8)
        let robot = RobotChannel(
            vendor: .dingtalk,
            url: URL(string: "https://oapi.dingtalk.com/robot/send?access_token=T")!,
            secret: secret
        )
        let message = try RobotMessage.make(for: notice, robot: robot, timeZone: shanghai, now: at)
        let json = try object(message.body)
        #expect(json["msgtype"] as? String == "text")
        #expect(
            (json["text"] as? [String: Any])?["content"] as? String == RobotMessage.text(notice, timeZone: shanghai)
        )
        #expect((json["at"] as? [String: Any])?["isAtAll"] as? Bool == false)
        let components = try #require(URLComponents(url: message.url, resolvingAgainstBaseURL: false))
        let items = Dictionary(uniqueKeysWithValues: (components.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(items["access_token"] == "T")
        let timestamp = "1796000400000"
        #expect(items["timestamp"] == timestamp)
        let expected = Data(
            HMAC<Crypto.SHA256>.authenticationCode(
                for: Array("\(timestamp)\nSECabc".utf8),
                using: SymmetricKey(data: secret)
            )
        ).base64EncodedString()
        #expect(items["sign"] == expected)
        // Base64's + and / must travel percent-encoded.
        #expect(!(components.percentEncodedQuery ?? "").contains("+"))
    }

    @Test("飞书: msg_type text; signed bodies carry timestamp (s) and sign = HMAC keyed by \"timestamp\\nsecret\"")
    func feishu() throws {
        let secret = Array("fs-secret".utf8)
        var urgent = notice
        urgent.urgent = true
        let robot = RobotChannel(
            vendor: .feishu,
            url: URL(string: "https://open.feishu.cn/open-apis/bot/v2/hook/H")!,
            secret: secret,
            mentionAllWhenUrgent: true
        )
        let message = try RobotMessage.make(for: urgent, robot: robot, timeZone: shanghai, now: at)
        #expect(message.url == robot.url)
        let json = try object(message.body)
        #expect(json["msg_type"] as? String == "text")
        let text = try #require((json["content"] as? [String: Any])?["text"] as? String)
        #expect(text.hasPrefix("<at user_id=\"all\">所有人</at> 【热线通知】【紧急】"))
        #expect(json["timestamp"] as? String == "1796000400")
        let key = SymmetricKey(data: Array("1796000400\nfs-secret".utf8))
        let expected = Data(HMAC<Crypto.SHA256>.authenticationCode(for: [UInt8](), using: key)).base64EncodedString()
        #expect(json["sign"] as? String == expected)
    }

    @Test("robot answers: an error code in a 200 answer is a failure")
    func answers() {
        #expect(RobotMessage.refusal(vendor: .wecom, body: Array(#"{"errcode":0,"errmsg":"ok"}"#.utf8)) == nil)
        #expect(
            RobotMessage.refusal(vendor: .dingtalk, body: Array(#"{"errcode":310000,"errmsg":"sign not match"}"#.utf8))?
                .contains("310000") == true
        )
        #expect(
            RobotMessage.refusal(vendor: .feishu, body: Array(#"{"code":0,"msg":"success","data":{}}"#.utf8)) == nil
        )
        #expect(
            RobotMessage.refusal(vendor: .feishu, body: Array(#"{"code":19021,"msg":"sign match fail"}"#.utf8)) != nil
        )
        #expect(RobotMessage.refusal(vendor: .wecom, body: Array("<html>".utf8)) != nil)
    }
}
