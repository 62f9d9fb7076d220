import HotlineCore

/// The `status` report (SPEC §6): field names are part of the CLI's stable `--json` contract.
public struct StatusReport: ControlReply, Equatable {
    public var version: String
    public var database: String
    public var spoolDepth: Int
    public var pendingDeadlines: Int
    public var pbxConnections: Int
    public var clock: String
    public var now: String
    public var state: String
    /// The last date an official holiday schedule covers (SPEC §4); nil when none does.
    public var calendarOfficialThrough: String?
    /// What needs an administrator's attention, in the reader's language (a missing holiday schedule).
    public var warnings: [String]

    public init(
        version: String,
        database: String,
        spoolDepth: Int,
        pendingDeadlines: Int,
        pbxConnections: Int,
        clock: String,
        now: String,
        state: String,
        calendarOfficialThrough: String? = nil,
        warnings: [String] = []
    ) {
        self.version = version
        self.database = database
        self.spoolDepth = spoolDepth
        self.pendingDeadlines = pendingDeadlines
        self.pbxConnections = pbxConnections
        self.clock = clock
        self.now = now
        self.state = state
        self.calendarOfficialThrough = calendarOfficialThrough
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case version, database, spoolDepth = "spool_depth", pendingDeadlines = "pending_deadlines"
        case pbxConnections = "pbx_connections", clock, now, state
        case calendarOfficialThrough = "calendar_official_through", warnings
    }
}
