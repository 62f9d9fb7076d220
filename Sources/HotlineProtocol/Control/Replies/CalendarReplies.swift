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

/// `audit verify --json` when every chain verifies (a broken one is an R9 refusal instead).
public struct AuditReport: Codable, Sendable, Equatable {
    public var complaints: Int
    public var ok: Bool
    public var broken: [BrokenChain]

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

    public init(complaints: Int, ok: Bool, broken: [BrokenChain]) {
        self.complaints = complaints
        self.ok = ok
        self.broken = broken
    }
}
