/// A month (`2026-11`) or a quarter (`2026-Q4`) that QA assesses (R14); taken in the centre's time zone.
public struct ReportingPeriod: Sendable, Equatable, CustomStringConvertible {
    public var first: LocalDate
    /// The day after the period, so the period is [first, end).
    public var end: LocalDate
    public var description: String

    public init?(parsing text: String) {
        let trimmed = text.trimmingWhitespace().uppercased()
        let parts = trimmed.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), (1970...9999).contains(year) else { return nil }
        if parts[1].hasPrefix("Q"), let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) {
            guard let start = LocalDate(year: year, month: quarter * 3 - 2, day: 1) else { return nil }
            first = start
            end =
                quarter == 4
                ? LocalDate(year: year + 1, month: 1, day: 1)! : LocalDate(year: year, month: quarter * 3 + 1, day: 1)!
            description = "\(year)-Q\(quarter)"
        } else if let month = Int(parts[1]), parts[1].count == 2,
            let start = LocalDate(year: year, month: month, day: 1)
        {
            first = start
            end =
                month == 12
                ? LocalDate(year: year + 1, month: 1, day: 1)! : LocalDate(year: year, month: month + 1, day: 1)!
            description = String(trimmed)
        } else {
            return nil
        }
    }
}
