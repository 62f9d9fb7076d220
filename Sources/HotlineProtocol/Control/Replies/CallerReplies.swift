/// `caller show PHONE --json`: what the centre knows of a number — its complaints, open ones first, then its calls,
/// newest first (SPEC §12).
public struct CallerHistoryView: ControlReply, Equatable {
    /// The number as the register keeps it (``PhoneNumber/normalized``).
    public var phone: String
    /// The caller's name as last given, if any.
    public var name: String?
    public var openComplaints: Int
    public var complaints: [Complaint]
    public var calls: [CallView]

    /// One complaint of the caller, in brief.
    public struct Complaint: Codable, Sendable, Equatable {
        public var id: String
        public var state: String
        public var open: Bool
        /// The department holding the case now.
        public var department: String
        public var matter: String
        public var receivedAt: String
        public var call: String?

        public init(
            id: String,
            state: String,
            open: Bool,
            department: String,
            matter: String,
            receivedAt: String,
            call: String?
        ) {
            self.id = id
            self.state = state
            self.open = open
            self.department = department
            self.matter = matter
            self.receivedAt = receivedAt
            self.call = call
        }

        enum CodingKeys: String, CodingKey {
            case id, state, open, department, matter, receivedAt = "received_at", call
        }
    }

    public init(phone: String, name: String?, openComplaints: Int, complaints: [Complaint], calls: [CallView]) {
        self.phone = phone
        self.name = name
        self.openComplaints = openComplaints
        self.complaints = complaints
        self.calls = calls
    }

    enum CodingKeys: String, CodingKey {
        case phone, name, openComplaints = "open_complaints", complaints, calls
    }
}
