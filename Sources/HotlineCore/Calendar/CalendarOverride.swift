/// A date on which the weekly template does not apply: a public holiday, or a make-up working day (调休).
public struct CalendarOverride: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What the date becomes.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Off, even on a weekday.
        case holiday
        /// On, even at a weekend, with the hours of the weekday template (``BusinessHours/makeUpDayPeriods``).
        case workday
    }

    public var date: LocalDate
    public var kind: Kind
    /// The name people know the day by, e.g. `国庆节 National Day`; may be empty.
    public var name: String
    /// True for a day computed from the statutory rules (``StatutoryHoliday``) in a year that no official schedule
    /// covers yet; false for a day from a calendar file or an import.
    public var provisional: Bool

    public init(date: LocalDate, kind: Kind, name: String = "", provisional: Bool = false) {
        self.date = date
        self.kind = kind
        self.name = name
        self.provisional = provisional
    }

    private enum CodingKeys: String, CodingKey {
        case date, kind, name, provisional
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        date = try container.decode(LocalDate.self, forKey: .date)
        kind = try container.decode(Kind.self, forKey: .kind)
        name = try container.decode(String.self, forKey: .name)
        // Stored before provisional days existed: an official day.
        provisional = try container.decodeIfPresent(Bool.self, forKey: .provisional) ?? false
    }

    /// The calendar-file line for this override: `2026-10-01 holiday 国庆节 National Day`.
    public var description: String {
        name.isEmpty ? "\(date) \(kind.rawValue)" : "\(date) \(kind.rawValue) \(name)"
    }
}
