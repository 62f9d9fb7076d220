import Crypto
import Foundation
import HotlineCore

/// The group-robot messages of 企业微信 (WeCom), 钉钉 (DingTalk) and 飞书 (Feishu/Lark): each vendor's documented
/// `text` message, in Chinese, with its own signing where the robot has a secret.
///
/// - 企业微信: `{"msgtype":"text","text":{"content":…,"mentioned_list":["@all"]}}`; no signing, the key is in the
///   address; success is `{"errcode":0}`.
/// - 钉钉: `{"msgtype":"text","text":{"content":…},"at":{"isAtAll":…}}`; 加签 appends `timestamp` (ms) and `sign` =
///   Base64(HMAC-SHA256(key: secret, "timestamp\nsecret")) to the address; success is `{"errcode":0}`.
/// - 飞书: `{"msg_type":"text","content":{"text":…}}`, with `timestamp` (s) and `sign` = Base64(HMAC-SHA256(key:
///   "timestamp\nsecret", empty message)) in the body when signed; success is `{"code":0}`.
public struct RobotMessage: Sendable, Equatable {
    public var url: URL
    public var body: [UInt8]

    public static func make(
        for notice: Notice,
        robot: RobotChannel,
        timeZone: TimeZone,
        now: Date
    ) throws -> RobotMessage {
        let mentionAll = robot.mentionAllWhenUrgent && notice.urgent
        var text = Self.text(notice, timeZone: timeZone)
        let object: [String: Any]
        var url = robot.url
        switch robot.vendor {
        case .wecom:
            var message: [String: Any] = ["content": text]
            if mentionAll { message["mentioned_list"] = ["@all"] }
            object = ["msgtype": "text", "text": message]
        case .dingtalk:
            object = ["msgtype": "text", "text": ["content": text], "at": ["isAtAll": mentionAll]]
            if let secret = robot.secret {
                let timestamp = String(Int64((now.timeIntervalSince1970 * 1000).rounded(.down)))
                let toSign = Array("\(timestamp)\n".utf8) + secret
                let sign = Data(HMAC<Crypto.SHA256>.authenticationCode(for: toSign, using: SymmetricKey(data: secret)))
                    .base64EncodedString()
                url = Self.appendingQuery(url, [("timestamp", timestamp), ("sign", sign)])
            }
        case .feishu:
            if mentionAll { text = "<at user_id=\"all\">所有人</at> " + text }
            var message: [String: Any] = ["msg_type": "text", "content": ["text": text]]
            if let secret = robot.secret {
                let timestamp = String(Int64(now.timeIntervalSince1970.rounded(.down)))
                let key = SymmetricKey(data: Array("\(timestamp)\n".utf8) + secret)
                let sign = Data(HMAC<Crypto.SHA256>.authenticationCode(for: [UInt8](), using: key))
                    .base64EncodedString()
                message["timestamp"] = timestamp
                message["sign"] = sign
            }
            object = message
        }
        let body = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return RobotMessage(url: url, body: [UInt8](body))
    }

    /// The message people read in the group: what happened (the notice's Chinese text), then the case, the time
    /// and the notice's number, so a reply in the group can name it.
    public static func text(_ notice: Notice, timeZone: TimeZone) -> String {
        var lines = ["【热线通知】" + (notice.urgent ? "【紧急】" : "") + notice.textZh]
        if let complaint = notice.complaint { lines.append("投诉编号：\(complaint)") }
        let time = TimeFormatting.rfc3339(notice.at, timeZone: timeZone)
        lines.append("时间：" + time.replacingOccurrences(of: "T", with: " "))
        lines.append("通知编号：\(notice.id)（\(notice.topic)）")
        return lines.joined(separator: "\n")
    }

    /// Whether the robot took the message: HTTP 2xx alone is not enough, the vendors answer errors with 200 and an
    /// error code in the body. Returns nil on success, else the reason.
    public static func refusal(vendor: RobotChannel.Vendor, body: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else {
            return "the robot's answer is not JSON: \(String(decoding: body.prefix(200), as: UTF8.self))"
        }
        let codeKeys = vendor == .feishu ? ["code", "StatusCode"] : ["errcode"]
        guard let key = codeKeys.first(where: { object[$0] != nil }), let code = object[key] as? Int else {
            return "the robot's answer has no \(codeKeys[0]): \(String(decoding: body.prefix(200), as: UTF8.self))"
        }
        if code == 0 { return nil }
        let message = (object["errmsg"] ?? object["msg"] ?? object["StatusMessage"]).map { "\($0)" } ?? ""
        return "the robot refused the message: \(key) \(code) \(message)"
    }

    private static func appendingQuery(_ url: URL, _ items: [(String, String)]) -> URL {
        guard var components = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url }
        var query = components.percentEncodedQueryItems ?? []
        // Base64 has + / =, which must be percent-encoded in a query (URLQueryItem leaves + alone).
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "+/=&")
        for (name, value) in items {
            query.append(
                URLQueryItem(name: name, value: value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
            )
        }
        components.percentEncodedQueryItems = query
        return components.url ?? url
    }
}
