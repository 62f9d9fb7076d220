/// To whom a notice is addressed, as `{"staff": L}`, `{"department": D}` or `{"role": R}` (SPEC §10).
public enum NoticeAddress: Codable, Sendable, Equatable {
    case staff(String)
    case department(String)
    case role(String)

    private enum Key: String, CodingKey {
        case staff, department, role
    }

    public init(kind: String, name: String) {
        switch kind {
        case "department": self = .department(name)
        case "role": self = .role(name)
        default: self = .staff(name)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        if let login = try container.decodeIfPresent(String.self, forKey: .staff) {
            self = .staff(login)
        } else if let code = try container.decodeIfPresent(String.self, forKey: .department) {
            self = .department(code)
        } else {
            self = .role(try container.decode(String.self, forKey: .role))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        switch self {
        case .staff(let login): try container.encode(login, forKey: .staff)
        case .department(let code): try container.encode(code, forKey: .department)
        case .role(let role): try container.encode(role, forKey: .role)
        }
    }
}

/// One notice of `inbox --json` and of `watch --mine` (SPEC §10); `text` is in the reader's language.
public struct InboxNoticeView: ControlReply, Equatable {
    public var id: String
    public var at: String
    public var topic: String
    public var complaint: String?
    public var to: NoticeAddress
    public var text: String
    /// Null while unread by this reader.
    public var readAt: String?

    public init(
        id: String,
        at: String,
        topic: String,
        complaint: String?,
        to: NoticeAddress,
        text: String,
        readAt: String?
    ) {
        self.id = id
        self.at = at
        self.topic = topic
        self.complaint = complaint
        self.to = to
        self.text = text
        self.readAt = readAt
    }

    enum CodingKeys: String, CodingKey {
        case id, at, topic, complaint, to, text, readAt = "read_at"
    }
}

/// `inbox read`: how many notices were newly marked read.
public struct InboxReadReport: ControlReply, Equatable {
    public var read: Int

    public init(read: Int) { self.read = read }
}

/// One shift of the duty roster (`duty show --json`).
public struct DutyShiftView: ControlReply, Equatable {
    public var id: String
    public var login: String
    public var name: String
    public var from: String
    public var to: String
    public var setBy: String

    public init(id: String, login: String, name: String, from: String, to: String, setBy: String) {
        self.id = id
        self.login = login
        self.name = name
        self.from = from
        self.to = to
        self.setBy = setBy
    }

    enum CodingKeys: String, CodingKey {
        case id, login, name, from, to, setBy = "set_by"
    }
}

/// A delivery hotline-notifier gave up on (`notices failed --json`).
public struct FailedDeliveryView: ControlReply, Equatable {
    public var notice: String
    public var route: String
    public var attempts: Int
    public var lastError: String?
    public var failedAt: String
    public var topic: String
    public var complaint: String?

    public init(
        notice: String,
        route: String,
        attempts: Int,
        lastError: String?,
        failedAt: String,
        topic: String,
        complaint: String?
    ) {
        self.notice = notice
        self.route = route
        self.attempts = attempts
        self.lastError = lastError
        self.failedAt = failedAt
        self.topic = topic
        self.complaint = complaint
    }

    enum CodingKeys: String, CodingKey {
        case notice, route, attempts, lastError = "last_error", failedAt = "failed_at", topic, complaint
    }
}

/// `notices retry`: how many given-up deliveries of the notice are queued again.
public struct NoticeRetryReport: ControlReply, Equatable {
    public var notice: String
    public var deliveries: Int

    public init(notice: String, deliveries: Int) {
        self.notice = notice
        self.deliveries = deliveries
    }
}
