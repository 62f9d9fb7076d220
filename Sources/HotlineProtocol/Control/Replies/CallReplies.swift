/// A call of the register as `calls --json` lists it (SPEC §6); times RFC 3339 in the centre's zone.
public struct CallView: ControlReply, Equatable {
    public var call: String
    public var from: String?
    public var fromName: String?
    public var to: String?
    public var queue: String?
    public var offeredAt: String?
    public var answeredAt: String?
    public var endedAt: String?
    /// `answered`, `abandoned`, `missed`, `in_progress`.
    public var outcome: String
    public var firstResponder: String?
    public var answeredBy: [String]

    public init(
        call: String,
        from: String?,
        fromName: String?,
        to: String?,
        queue: String?,
        offeredAt: String?,
        answeredAt: String?,
        endedAt: String?,
        outcome: String,
        firstResponder: String?,
        answeredBy: [String]
    ) {
        self.call = call
        self.from = from
        self.fromName = fromName
        self.to = to
        self.queue = queue
        self.offeredAt = offeredAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.firstResponder = firstResponder
        self.answeredBy = answeredBy
    }

    enum CodingKeys: String, CodingKey {
        case call, from, fromName = "from_name", to, queue, offeredAt = "offered_at", answeredAt = "answered_at"
        case endedAt = "ended_at", outcome, firstResponder = "first_responder", answeredBy = "answered_by"
    }
}

/// `call show --json`: the call's fields, then the PBX events it was built from.
public struct CallDetailsView: ControlReply, Equatable {
    public var call: CallView
    public var events: [Event]

    /// One raw PBX event of the call.
    public struct Event: Codable, Sendable, Equatable {
        public var id: String
        public var type: String
        public var at: String
        public var receivedAt: String

        public init(id: String, type: String, at: String, receivedAt: String) {
            self.id = id
            self.type = type
            self.at = at
            self.receivedAt = receivedAt
        }

        enum CodingKeys: String, CodingKey {
            case id, type, at, receivedAt = "received_at"
        }
    }

    public init(call: CallView, events: [Event]) {
        self.call = call
        self.events = events
    }

    private enum CodingKeys: String, CodingKey {
        case events
    }

    // One flat object: the call's fields and `events` beside them, as `calls` shows a call plus its events.
    public init(from decoder: any Decoder) throws {
        call = try CallView(from: decoder)
        events = try decoder.container(keyedBy: CodingKeys.self).decode([Event].self, forKey: .events)
    }

    public func encode(to encoder: any Encoder) throws {
        try call.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(events, forKey: .events)
    }
}

/// A warning or breach as `watch` prints it, `NOTIFY hotline_events` carries it and the notification command
/// reads it on stdin.
public struct DeadlineAnnouncement: ControlReply, Equatable {
    /// `warning` or `breach`.
    public var event: String
    public var deadline: Int64
    /// `transfer`, `accept`, `reply`, `reply_vp`, `reply_gm`.
    public var kind: String
    public var complaint: String
    /// The department charged.
    public var department: String
    public var dueAt: String
    public var firedAt: String
    /// Fired more than a minute after the due time.
    public var late: Bool
    /// The escalation a breach caused (`qa`, `vp`, `gm`).
    public var escalation: String?
    public var firstResponder: String
    public var notice: String

    public init(
        event: String,
        deadline: Int64,
        kind: String,
        complaint: String,
        department: String,
        dueAt: String,
        firedAt: String,
        late: Bool,
        escalation: String?,
        firstResponder: String,
        notice: String
    ) {
        self.event = event
        self.deadline = deadline
        self.kind = kind
        self.complaint = complaint
        self.department = department
        self.dueAt = dueAt
        self.firedAt = firedAt
        self.late = late
        self.escalation = escalation
        self.firstResponder = firstResponder
        self.notice = notice
    }

    enum CodingKeys: String, CodingKey {
        case event, deadline, kind, complaint, department, dueAt = "due_at", firedAt = "fired_at", late, escalation
        case firstResponder = "first_responder", notice
    }
}
