import HotlineCore

/// The `status` report (SPEC §6): field names are part of the CLI's stable `--json` contract.
public struct StatusReport: Sendable, Equatable {
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

    public var json: JSONValue {
        .object([
            ("version", .string(version)),
            ("database", .string(database)),
            ("spool_depth", .int(Int64(spoolDepth))),
            ("pending_deadlines", .int(Int64(pendingDeadlines))),
            ("pbx_connections", .int(Int64(pbxConnections))),
            ("clock", .string(clock)),
            ("now", .string(now)),
            ("state", .string(state)),
            ("calendar_official_through", calendarOfficialThrough.map(JSONValue.string) ?? .null),
            ("warnings", .array(warnings.map(JSONValue.string))),
        ])
    }

    public init(json: JSONValue) {
        version = json["version"]?.stringValue ?? ""
        database = json["database"]?.stringValue ?? ""
        spoolDepth = json["spool_depth"]?.intValue ?? 0
        pendingDeadlines = json["pending_deadlines"]?.intValue ?? 0
        pbxConnections = json["pbx_connections"]?.intValue ?? 0
        clock = json["clock"]?.stringValue ?? ""
        now = json["now"]?.stringValue ?? ""
        state = json["state"]?.stringValue ?? ""
        calendarOfficialThrough = json["calendar_official_through"]?.stringValue
        warnings = json["warnings"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

extension Department {
    public var json: JSONValue {
        .object([
            ("code", .string(code)),
            ("name", .string(name)),
            ("head", head.map(JSONValue.string) ?? .null),
            ("coordination", .bool(isCoordination)),
        ])
    }

    public init(json: JSONValue) {
        self.init(
            code: json["code"]?.stringValue ?? "",
            name: json["name"]?.stringValue ?? "",
            head: json["head"]?.stringValue,
            isCoordination: json["coordination"]?.boolValue ?? false
        )
    }
}

extension StaffMember {
    public var json: JSONValue {
        .object([
            ("login", .string(login)),
            ("name", .string(name)),
            ("department", .string(department)),
            ("rank", .int(Int64(rank))),
            ("roles", .array(roles.sorted().map { .string($0.rawValue) })),
            ("extension", self.extension.map(JSONValue.string) ?? .null),
        ])
    }

    public init(json: JSONValue) {
        self.init(
            login: json["login"]?.stringValue ?? "",
            name: json["name"]?.stringValue ?? "",
            department: json["department"]?.stringValue ?? "",
            rank: json["rank"]?.intValue ?? 0,
            roles: Set((json["roles"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(Role.init(rawValue:)) }),
            extension: json["extension"]?.stringValue
        )
    }
}
