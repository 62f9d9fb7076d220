import Foundation

/// What hotline-notifier runs with: the database, how deliveries are paced, the channels that carry notices and
/// the routes that choose them (`/etc/hotline/notifier.toml`, documented key by key in `deploy/notifier.toml`).
public struct NotifierConfiguration: Sendable, Equatable {
    public static let defaultFile = "/etc/hotline/notifier.toml"

    /// libpq conninfo of a login that is a member of `hotline_notifier`.
    public var database: String?
    /// A delivery not made within this long after the notice's `at` is marked failed (`notices failed`).
    public var giveUpAfter: Duration = .seconds(24 * 3600)
    /// The fallback scan for notices whose NOTIFY was missed (a reconnect, a notifier that was down).
    public var pollInterval: Duration = .seconds(2)
    /// Deliveries in flight at once; each worker holds one database connection.
    public var workers: Int = 4
    /// Times in the JSON body and the robots' text are written in this zone.
    public var timeZone: String = "Asia/Shanghai"
    public var channels: [String: Channel] = [:]
    /// In the file's order, so logs and deliveries list them as the administrator wrote them.
    public var routes: [Route] = []

    public init() {}

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 8 * 3600)! }

    /// The delivery routes (`route/channel`) this configuration delivers; rows of other routes are left alone, so
    /// notifiers with different files share one database without taking each other's work.
    public var deliveryRoutes: [String] {
        routes.flatMap { route in route.channels.map { Route.deliveryName(route: route.name, channel: $0) } }
    }

    /// The quick start: every notice to one webhook, no file (route `all`, channel `webhook`).
    public static func quickStart(
        database: String?,
        webhook: String,
        secretFile: String?
    ) throws(NotifierConfigError) -> NotifierConfiguration {
        guard let url = URL(string: webhook), let scheme = url.scheme?.lowercased(),
            ["http", "https"].contains(scheme),
            url.host?.isEmpty == false
        else {
            throw NotifierConfigError(
                file: "command line",
                line: 0,
                key: "--webhook",
                reason: "is not an http:// or https:// URL with a host"
            )
        }
        var secret: [UInt8]?
        if let secretFile {
            guard let data = FileManager.default.contents(atPath: secretFile) else {
                throw NotifierConfigError(
                    file: "command line",
                    line: 0,
                    key: "--secret-file",
                    reason: "cannot read \(secretFile)"
                )
            }
            var bytes = [UInt8](data)
            while let last = bytes.last, last == 0x0A || last == 0x0D { bytes.removeLast() }
            guard !bytes.isEmpty else {
                throw NotifierConfigError(
                    file: "command line",
                    line: 0,
                    key: "--secret-file",
                    reason: "\(secretFile) is empty"
                )
            }
            secret = bytes
        }
        var configuration = NotifierConfiguration()
        configuration.database = database
        configuration.channels["webhook"] = Channel(
            name: "webhook",
            kind: .webhook(WebhookChannel(url: url, secretFile: secretFile, secret: secret)),
            timeout: .seconds(10)
        )
        configuration.routes = [Route(name: "all", topics: [], recipients: [], channels: ["webhook"])]
        return configuration
    }
}

/// A way out: where and how a notice is sent.
public struct Channel: Sendable, Equatable {
    public var name: String
    public var kind: Kind
    /// How long one attempt may take (the HTTP request, or the command) before it counts as failed.
    public var timeout: Duration

    public init(name: String, kind: Kind, timeout: Duration) {
        self.name = name
        self.kind = kind
        self.timeout = timeout
    }

    public enum Kind: Sendable, Equatable {
        case webhook(WebhookChannel)
        case robot(RobotChannel)
        case command(CommandChannel)
    }

    /// The names `type =` accepts.
    public static let typeNames = ["webhook", "wecom", "dingtalk", "feishu", "command"]
}

/// A plain HTTP(S) endpoint that receives the notice's JSON, signed when a secret is configured.
public struct WebhookChannel: Sendable, Equatable {
    public var url: URL
    /// File holding the shared HMAC secret; read at each (re)load so the secret is never in the config or argv.
    public var secretFile: String?
    public var secret: [UInt8]?

    public init(url: URL, secretFile: String?, secret: [UInt8]? = nil) {
        self.url = url
        self.secretFile = secretFile
        self.secret = secret
    }
}

/// A group robot of 企业微信, 钉钉 or 飞书: a webhook in the vendor's own message format.
public struct RobotChannel: Sendable, Equatable {
    public enum Vendor: String, Sendable, Equatable {
        case wecom, dingtalk, feishu
    }

    public var vendor: Vendor
    /// The robot's address; it embeds the robot's key, so it may come from a file (`url_file`).
    public var url: URL
    /// 钉钉 加签 and 飞书 签名校验 secret, read from `secret_file`.
    public var secret: [UInt8]?
    /// Urgent notices @-mention everyone in the group (wecom, dingtalk: `@all`; feishu: `<at user_id="all">`).
    public var mentionAllWhenUrgent: Bool

    public init(vendor: Vendor, url: URL, secret: [UInt8]? = nil, mentionAllWhenUrgent: Bool = false) {
        self.vendor = vendor
        self.url = url
        self.secret = secret
        self.mentionAllWhenUrgent = mentionAllWhenUrgent
    }
}

/// A program run with `/bin/sh -c`, the notice's JSON on standard input (an SMS gateway script, say); exit status
/// 0 is success.
public struct CommandChannel: Sendable, Equatable {
    public var command: String

    public init(command: String) {
        self.command = command
    }
}

/// Which notices go to which channels: a notice matches when its topic is among `topics` and one of its recipients
/// is among `recipients`; an empty list matches everything.
public struct Route: Sendable, Equatable {
    public var name: String
    public var topics: [String]
    /// `staff:LOGIN`, `department:CODE`, `role:ROLE`, or `KIND:*` for any recipient of that kind.
    public var recipients: [String]
    public var channels: [String]

    public init(name: String, topics: [String], recipients: [String], channels: [String]) {
        self.name = name
        self.topics = topics
        self.recipients = recipients
        self.channels = channels
    }

    /// One delivery row per notice, route and channel: each channel is retried on its own, so a robot that is
    /// down does not make the webhook that already took the notice receive it again.
    public static func deliveryName(route: String, channel: String) -> String { "\(route)/\(channel)" }

    public func matches(topic: String, recipients noticeRecipients: [NoticeRecipient]) -> Bool {
        if !topics.isEmpty && !topics.contains(topic) { return false }
        if recipients.isEmpty { return true }
        return noticeRecipients.contains { recipient in
            recipients.contains("\(recipient.kind):\(recipient.name)") || recipients.contains("\(recipient.kind):*")
        }
    }
}
