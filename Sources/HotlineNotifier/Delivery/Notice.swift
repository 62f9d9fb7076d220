import Foundation

/// A notice as the notifier reads it from `hotline.notices` and its recipients (sql/009).
public struct Notice: Sendable, Equatable {
    public var id: Int64
    public var at: Date
    public var topic: String
    public var complaint: Int64?
    public var deadline: Int64?
    public var textZh: String
    public var textEn: String
    public var urgent: Bool
    /// The urgent notice that this follow-up to the gms is about.
    public var follows: Int64?
    public var recipients: [NoticeRecipient]
    /// The staff the recipients stand for at delivery time (active members of a department, holders of a role),
    /// so that a command (an SMS gateway) can address people.
    public var people: [NoticePerson]

    public init(
        id: Int64,
        at: Date,
        topic: String,
        complaint: Int64? = nil,
        deadline: Int64? = nil,
        textZh: String,
        textEn: String,
        urgent: Bool = false,
        follows: Int64? = nil,
        recipients: [NoticeRecipient] = [],
        people: [NoticePerson] = []
    ) {
        self.id = id
        self.at = at
        self.topic = topic
        self.complaint = complaint
        self.deadline = deadline
        self.textZh = textZh
        self.textEn = textEn
        self.urgent = urgent
        self.follows = follows
        self.recipients = recipients
        self.people = people
    }
}

/// One row of `hotline.notice_recipients`: `staff`, `department` or `role`, and its name.
public struct NoticeRecipient: Sendable, Equatable, Hashable {
    public var kind: String
    public var name: String

    public init(kind: String, name: String) {
        self.kind = kind
        self.name = name
    }
}

/// A staff member a notice reaches.
public struct NoticePerson: Sendable, Equatable {
    public var login: String
    public var name: String
    public var department: String
    public var extension_: String?

    public init(login: String, name: String, department: String, extension_: String?) {
        self.login = login
        self.name = name
        self.department = department
        self.extension_ = extension_
    }
}
