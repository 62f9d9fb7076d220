/// A complaint as `complaint show --json` gives it (SPEC §6), and as every complaint verb answers: the daemon
/// encodes it, `hotlinectl` decodes it for the human form. Times are RFC 3339 in the centre's zone; texts that
/// explain (deadlines, moves) are already in the reader's language.
public struct ComplaintView: Codable, Sendable, Equatable {
    public var id: String
    public var state: String
    public var urgent: Bool
    public var call: String?
    public var callerName: String?
    public var callerPhone: String?
    public var callerAddress: String?
    public var matter: String
    public var category: String?
    public var firstResponder: String
    public var firstResponderDepartment: String
    public var responsible: String
    /// The department holding the case now.
    public var department: String
    public var receivingDepartment: String?
    public var handler: String?
    public var receivedAt: String
    public var escalationLevel: String
    public var satisfaction: Int?
    public var closedAt: String?
    /// The case this one was merged into as a duplicate (并单, SPEC §12).
    public var mergedInto: String?
    /// Other complaints of the same number still being worked on (open, transferred, accepted, returned): a
    /// repeat caller, perhaps a duplicate to merge.
    public var related: [String]
    public var deadlines: [Deadline]
    public var hops: [Hop]

    /// One of the complaint's deadlines (cancelled ones are left out).
    public struct Deadline: Codable, Sendable, Equatable {
        public var kind: String
        /// The department a breach is charged to.
        public var department: String
        public var startedAt: String
        public var dueAt: String
        public var state: String
        public var metAt: String?
        public var breachedAt: String?
        /// While pending: seconds until due (negative once past due and not yet fired).
        public var secondsLeft: Int?
        /// How the due time was computed, in the reader's language.
        public var explanation: String
        /// True when a provisional statutory holiday lies in its span (SPEC §4).
        public var provisional: Bool
        /// Due times a calendar import moved.
        public var moves: [Move]

        public init(
            kind: String,
            department: String,
            startedAt: String,
            dueAt: String,
            state: String,
            metAt: String?,
            breachedAt: String?,
            secondsLeft: Int?,
            explanation: String,
            provisional: Bool,
            moves: [Move]
        ) {
            self.kind = kind
            self.department = department
            self.startedAt = startedAt
            self.dueAt = dueAt
            self.state = state
            self.metAt = metAt
            self.breachedAt = breachedAt
            self.secondsLeft = secondsLeft
            self.explanation = explanation
            self.provisional = provisional
            self.moves = moves
        }

        enum CodingKeys: String, CodingKey {
            case kind, department, startedAt = "started_at", dueAt = "due_at", state, metAt = "met_at"
            case breachedAt = "breached_at", secondsLeft = "seconds_left", explanation, provisional, moves
        }
    }

    /// A due time moved by a calendar import.
    public struct Move: Codable, Sendable, Equatable {
        public var at: String
        public var oldDueAt: String
        public var newDueAt: String
        /// The file imported.
        public var source: String
        public var changedDays: [String]
        public var by: String
        /// Why, in the reader's language.
        public var reason: String

        public init(
            at: String,
            oldDueAt: String,
            newDueAt: String,
            source: String,
            changedDays: [String],
            by: String,
            reason: String
        ) {
            self.at = at
            self.oldDueAt = oldDueAt
            self.newDueAt = newDueAt
            self.source = source
            self.changedDays = changedDays
            self.by = by
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case at, oldDueAt = "old_due_at", newDueAt = "new_due_at", source, changedDays = "changed_days", by, reason
        }
    }

    /// One signed step of the complaint's trail (R9).
    public struct Hop: Codable, Sendable, Equatable {
        public var seq: Int
        public var action: String
        public var by: String
        /// Done by root as `by` (`--as`).
        public var actingRoot: Bool
        public var at: String
        public var department: String?
        public var text: String
        public var subject: String?
        public var approvedBy: String?
        /// The matters told to the caller in this step (SPEC §12), part of the signed content.
        public var told: [ToldMatter]

        public init(
            seq: Int,
            action: String,
            by: String,
            actingRoot: Bool,
            at: String,
            department: String?,
            text: String,
            subject: String?,
            approvedBy: String?,
            told: [ToldMatter] = []
        ) {
            self.seq = seq
            self.action = action
            self.by = by
            self.actingRoot = actingRoot
            self.at = at
            self.department = department
            self.text = text
            self.subject = subject
            self.approvedBy = approvedBy
            self.told = told
        }

        enum CodingKeys: String, CodingKey {
            case seq, action, by, actingRoot = "acting_root", at, department, text, subject, approvedBy = "approved_by"
            case told
        }
    }

    /// A matter told to the caller: the code, the version told, and its title then.
    public struct ToldMatter: Codable, Sendable, Equatable {
        public var code: String
        public var version: Int
        public var title: String

        public init(code: String, version: Int, title: String) {
            self.code = code
            self.version = version
            self.title = title
        }
    }

    public init(
        id: String,
        state: String,
        urgent: Bool,
        call: String?,
        callerName: String?,
        callerPhone: String?,
        callerAddress: String?,
        matter: String,
        category: String?,
        firstResponder: String,
        firstResponderDepartment: String,
        responsible: String,
        department: String,
        receivingDepartment: String?,
        handler: String?,
        receivedAt: String,
        escalationLevel: String,
        satisfaction: Int?,
        closedAt: String?,
        mergedInto: String? = nil,
        related: [String] = [],
        deadlines: [Deadline],
        hops: [Hop]
    ) {
        self.id = id
        self.state = state
        self.urgent = urgent
        self.call = call
        self.callerName = callerName
        self.callerPhone = callerPhone
        self.callerAddress = callerAddress
        self.matter = matter
        self.category = category
        self.firstResponder = firstResponder
        self.firstResponderDepartment = firstResponderDepartment
        self.responsible = responsible
        self.department = department
        self.receivingDepartment = receivingDepartment
        self.handler = handler
        self.receivedAt = receivedAt
        self.escalationLevel = escalationLevel
        self.satisfaction = satisfaction
        self.closedAt = closedAt
        self.mergedInto = mergedInto
        self.related = related
        self.deadlines = deadlines
        self.hops = hops
    }

    enum CodingKeys: String, CodingKey {
        case id, state, urgent, call, callerName = "caller_name", callerPhone = "caller_phone"
        case callerAddress = "caller_address", matter, category, firstResponder = "first_responder"
        case firstResponderDepartment = "first_responder_department", responsible, department
        case receivingDepartment = "receiving_department", handler, receivedAt = "received_at"
        case escalationLevel = "escalation_level", satisfaction, closedAt = "closed_at"
        case mergedInto = "merged_into", related, deadlines, hops
    }
}
