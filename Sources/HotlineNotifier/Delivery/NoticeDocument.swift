import Foundation
import HotlineCore

/// The JSON a webhook receives and a command reads on stdin (docs/notifier.md lists the fields).
///
/// Keys are sorted and nothing in it depends on the attempt, so a retry sends the same bytes with the same
/// signature; fields that have no value are `null`, never missing, so receivers can rely on the shape.
public struct NoticeDocument: Encodable, Sendable {
    public var notice: Notice
    /// The delivery route (`route/channel`), also the second half of the Idempotency-Key.
    public var route: String
    public var timeZone: TimeZone

    public init(notice: Notice, route: String, timeZone: TimeZone) {
        self.notice = notice
        self.route = route
        self.timeZone = timeZone
    }

    private enum Key: String, CodingKey {
        case id, at, topic, complaint, deadline, urgent, follows, to, people, route
        case textZh = "text_zh"
        case textEn = "text_en"
        case idempotencyKey = "idempotency_key"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(notice.id, forKey: .id)
        try container.encode(TimeFormatting.rfc3339(notice.at, timeZone: timeZone), forKey: .at)
        try container.encode(notice.topic, forKey: .topic)
        try container.encode(notice.complaint, forKey: .complaint)
        try container.encode(notice.deadline, forKey: .deadline)
        try container.encode(notice.urgent, forKey: .urgent)
        try container.encode(notice.follows, forKey: .follows)
        try container.encode(notice.textZh, forKey: .textZh)
        try container.encode(notice.textEn, forKey: .textEn)
        // As the inbox writes an addressee (SPEC §10): {"staff": L}, {"department": D} or {"role": R}.
        try container.encode(notice.recipients.map { [$0.kind: $0.name] }, forKey: .to)
        try container.encode(notice.people.map(PersonDocument.init), forKey: .people)
        try container.encode(route, forKey: .route)
        try container.encode(Self.idempotencyKey(notice: notice.id, route: route), forKey: .idempotencyKey)
    }

    /// `<notice id>.<route>` (SPEC §10): the same for every attempt, so a receiver drops a repeat.
    public static func idempotencyKey(notice: Int64, route: String) -> String { "\(notice).\(route)" }

    /// The body as sent: UTF-8 JSON, keys sorted, Chinese and slashes unescaped.
    public func body() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return [UInt8](try encoder.encode(self))
    }
}

private struct PersonDocument: Encodable {
    var person: NoticePerson

    init(_ person: NoticePerson) { self.person = person }

    private enum Key: String, CodingKey {
        case login, name, department
        case extension_ = "extension"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(person.login, forKey: .login)
        try container.encode(person.name, forKey: .name)
        try container.encode(person.department, forKey: .department)
        try container.encode(person.extension_, forKey: .extension_)
    }
}
