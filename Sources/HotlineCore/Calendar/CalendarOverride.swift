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

    public init(date: LocalDate, kind: Kind, name: String = "") {
        self.date = date
        self.kind = kind
        self.name = name
    }

    /// The calendar-file line for this override: `2026-10-01 holiday 国庆节 National Day`.
    public var description: String {
        name.isEmpty ? "\(date) \(kind.rawValue)" : "\(date) \(kind.rawValue) \(name)"
    }
}
