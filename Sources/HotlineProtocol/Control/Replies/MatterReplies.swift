/// One version of a matter as `matter add|edit|show --json` give it (SPEC §12); times RFC 3339 in the centre's
/// zone.
public struct MatterView: ControlReply, Equatable {
    public var code: String
    public var version: Int
    /// The newest version of the code (equal to `version` unless an older one was asked for).
    public var currentVersion: Int
    public var title: String
    public var department: String
    public var conditions: String
    public var materials: String
    public var fees: String
    public var timeLimit: String
    public var procedure: String
    public var refusal: String?
    public var keywords: [String]
    /// Who wrote this version, and when.
    public var editedBy: String
    public var editedAt: String

    public init(
        code: String,
        version: Int,
        currentVersion: Int,
        title: String,
        department: String,
        conditions: String,
        materials: String,
        fees: String,
        timeLimit: String,
        procedure: String,
        refusal: String?,
        keywords: [String],
        editedBy: String,
        editedAt: String
    ) {
        self.code = code
        self.version = version
        self.currentVersion = currentVersion
        self.title = title
        self.department = department
        self.conditions = conditions
        self.materials = materials
        self.fees = fees
        self.timeLimit = timeLimit
        self.procedure = procedure
        self.refusal = refusal
        self.keywords = keywords
        self.editedBy = editedBy
        self.editedAt = editedAt
    }

    enum CodingKeys: String, CodingKey {
        case code, version, currentVersion = "current_version", title, department, conditions, materials, fees
        case timeLimit = "time_limit", procedure, refusal, keywords, editedBy = "edited_by", editedAt = "edited_at"
    }
}

/// A matter in `matter list|search --json`: its current version in brief; `score` ranks a search (title and
/// keyword hits count most), null in a list.
public struct MatterSummary: ControlReply, Equatable {
    public var code: String
    public var version: Int
    public var title: String
    public var department: String
    public var keywords: [String]
    public var score: Int?

    public init(code: String, version: Int, title: String, department: String, keywords: [String], score: Int?) {
        self.code = code
        self.version = version
        self.title = title
        self.department = department
        self.keywords = keywords
        self.score = score
    }
}

/// `matter import --json`: what one all-or-nothing import wrote.
public struct MatterImportReport: ControlReply, Equatable {
    public var file: String
    /// Matters new to the knowledge base (version 1).
    public var added: Int
    /// Matters that existed, now with a new version.
    public var updated: Int
    /// Rows identical to the current version: no new version.
    public var unchanged: Int

    public init(file: String, added: Int, updated: Int, unchanged: Int) {
        self.file = file
        self.added = added
        self.updated = updated
        self.unchanged = unchanged
    }
}
