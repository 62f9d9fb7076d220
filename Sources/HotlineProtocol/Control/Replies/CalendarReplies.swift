/// `calendar show --json`: a month of the work calendar.
public struct CalendarMonthView: Codable, Sendable, Equatable {
    public var month: String
    public var timeZone: String
    public var workingDayMinutes: Int
    /// Whether an official schedule covers the month's year (SPEC §4).
    public var official: Bool
    public var calendarOfficialThrough: String?
    public var days: [Day]

    public struct Day: Codable, Sendable, Equatable {
        public var date: String
        public var weekday: String
        public var working: Bool
        public var businessMinutes: Int
        /// `holiday`, `workday` or null.
        public var override: String?
        public var name: String?
        /// Computed from the statutory rules in a year no official schedule covers.
        public var provisional: Bool

        public init(
            date: String,
            weekday: String,
            working: Bool,
            businessMinutes: Int,
            override: String?,
            name: String?,
            provisional: Bool
        ) {
            self.date = date
            self.weekday = weekday
            self.working = working
            self.businessMinutes = businessMinutes
            self.override = override
            self.name = name
            self.provisional = provisional
        }

        enum CodingKeys: String, CodingKey {
            case date, weekday, working, businessMinutes = "business_minutes", override, name, provisional
        }
    }

    public init(
        month: String,
        timeZone: String,
        workingDayMinutes: Int,
        official: Bool,
        calendarOfficialThrough: String?,
        days: [Day]
    ) {
        self.month = month
        self.timeZone = timeZone
        self.workingDayMinutes = workingDayMinutes
        self.official = official
        self.calendarOfficialThrough = calendarOfficialThrough
        self.days = days
    }

    enum CodingKeys: String, CodingKey {
        case month, timeZone = "time_zone", workingDayMinutes = "working_day_minutes", official
        case calendarOfficialThrough = "calendar_official_through", days
    }
}

/// `calendar import --json`: what a file did to the calendar and to the deadlines running over it.
public struct CalendarImportReport: Codable, Sendable, Equatable {
    public var file: String
    public var holidays: Int
    public var workdays: Int
    /// The years the file covers whole: their provisional days are replaced.
    public var officialYears: [Int]
    /// The years it only adds days to.
    public var partialYears: [Int]
    public var calendarOfficialThrough: String?
    public var movedDeadlines: [MovedDeadline]

    public struct MovedDeadline: Codable, Sendable, Equatable {
        public var complaint: String
        public var kind: String
        public var oldDueAt: String
        public var newDueAt: String

        public init(complaint: String, kind: String, oldDueAt: String, newDueAt: String) {
            self.complaint = complaint
            self.kind = kind
            self.oldDueAt = oldDueAt
            self.newDueAt = newDueAt
        }

        enum CodingKeys: String, CodingKey {
            case complaint, kind, oldDueAt = "old_due_at", newDueAt = "new_due_at"
        }
    }

    public init(
        file: String,
        holidays: Int,
        workdays: Int,
        officialYears: [Int],
        partialYears: [Int],
        calendarOfficialThrough: String?,
        movedDeadlines: [MovedDeadline]
    ) {
        self.file = file
        self.holidays = holidays
        self.workdays = workdays
        self.officialYears = officialYears
        self.partialYears = partialYears
        self.calendarOfficialThrough = calendarOfficialThrough
        self.movedDeadlines = movedDeadlines
    }

    enum CodingKeys: String, CodingKey {
        case file, holidays, workdays, officialYears = "official_years", partialYears = "partial_years"
        case calendarOfficialThrough = "calendar_official_through", movedDeadlines = "moved_deadlines"
    }
}

/// `audit verify --json`: the database's chains, and the database against the anchor files (issue 17). When
/// anything does not verify the daemon refuses under R9 and this report goes with the refusal, listing it all.
public struct AuditReport: Codable, Sendable, Equatable {
    public var complaints: Int
    public var ok: Bool
    public var broken: [BrokenChain]
    /// The anchor files read: the daemon's own, then those sent with `--anchors`.
    public var anchorFiles: [String]
    /// Stored hops whose hash matches an anchor.
    public var anchoredHops: Int
    /// Stored hops no anchor file mentions: written before anchoring, or by a daemon whose files were not given.
    /// Not a discrepancy.
    public var notAnchoredHops: Int
    /// Everything the anchors contradict, first the complaints in id order, then broken anchor files.
    public var discrepancies: [Discrepancy]
    /// With `hotlinectl audit verify --journal`: what the journal, read by `hotlinectl`, anchors. Its
    /// discrepancies are in `discrepancies`, after the anchor files', their `file` being the journal's name.
    public var journal: JournalCheck?

    /// The journal's part of the report: where it was read, how many anchor entries it had, and how many stored
    /// hops it anchors or does not mention.
    public struct JournalCheck: Codable, Sendable, Equatable {
        public var source: String
        public var entries: Int
        public var anchoredHops: Int
        public var notAnchoredHops: Int

        public init(source: String, entries: Int, anchoredHops: Int, notAnchoredHops: Int) {
            self.source = source
            self.entries = entries
            self.anchoredHops = anchoredHops
            self.notAnchoredHops = notAnchoredHops
        }

        enum CodingKeys: String, CodingKey {
            case source, entries, anchoredHops = "anchored_hops", notAnchoredHops = "not_anchored_hops"
        }
    }

    public struct BrokenChain: Codable, Sendable, Equatable {
        public var complaint: String
        public var hop: Int
        public var reason: String

        public init(complaint: String, hop: Int, reason: String) {
            self.complaint = complaint
            self.hop = hop
            self.reason = reason
        }
    }

    /// One ``AnchorAudit/Discrepancy``: `kind` is `hop_missing`, `complaint_missing`, `hash_differs` or
    /// `anchor_broken`.
    public struct Discrepancy: Codable, Sendable, Equatable {
        public var kind: String
        public var complaint: String?
        public var hop: Int?
        public var file: String
        public var line: Int
        public var message: String

        public init(kind: String, complaint: String?, hop: Int?, file: String, line: Int, message: String) {
            self.kind = kind
            self.complaint = complaint
            self.hop = hop
            self.file = file
            self.line = line
            self.message = message
        }
    }

    public init(
        complaints: Int,
        ok: Bool,
        broken: [BrokenChain],
        anchorFiles: [String] = [],
        anchoredHops: Int = 0,
        notAnchoredHops: Int = 0,
        discrepancies: [Discrepancy] = []
    ) {
        self.complaints = complaints
        self.ok = ok
        self.broken = broken
        self.anchorFiles = anchorFiles
        self.anchoredHops = anchoredHops
        self.notAnchoredHops = notAnchoredHops
        self.discrepancies = discrepancies
    }

    enum CodingKeys: String, CodingKey {
        case complaints, ok, broken, anchorFiles = "anchor_files", anchoredHops = "anchored_hops"
        case notAnchoredHops = "not_anchored_hops", discrepancies, journal
    }
}

/// `audit seal --period P --json`: the period's seal (``PeriodSeal``) and what it covers.
public struct AuditSeal: Codable, Sendable, Equatable {
    public var period: String
    /// The first and the last day of the period, in the centre's time zone.
    public var from: String
    public var to: String
    /// 64 lower-case hexadecimal digits.
    public var seal: String
    /// How many hops the seal covers.
    public var hops: Int

    public init(period: String, from: String, to: String, seal: String, hops: Int) {
        self.period = period
        self.from = from
        self.to = to
        self.seal = seal
        self.hops = hops
    }
}

/// `audit.hops`: every stored hop's hash (or one complaint's), for `audit verify --journal`, which reads the journal
/// with its own user's rights and compares it itself. In complaint and hop order.
public struct StoredHopHashes: ControlReply, Equatable {
    public struct Hop: Codable, Sendable, Equatable {
        public var complaint: String
        public var hop: Int
        /// 64 lower-case hexadecimal digits.
        public var hash: String

        public init(complaint: String, hop: Int, hash: String) {
            self.complaint = complaint
            self.hop = hop
            self.hash = hash
        }
    }

    public var hops: [Hop]
    /// When the answer is one page and more may follow: the last complaint of this page, to ask `after`; null on
    /// the last page.
    public var next: String?

    public init(hops: [Hop], next: String? = nil) {
        self.hops = hops
        self.next = next
    }
}
