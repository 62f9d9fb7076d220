/// How long a deadline allows: wall-clock time, business minutes, or working days (SPEC §3, R4–R6, R15).
///
/// Wall-clock time runs through nights and holidays (the default 1-hour transfer of R4); business minutes and
/// working days count only the business hours of the ``WorkCalendar``. A working day is converted to business
/// minutes with the calendar's ``WorkCalendar/standardWorkingDayMinutes`` (480 by default), so "1 working day"
/// from 17:00 ends at 17:00 on the next working day.
///
/// The Codable form is the English text (`"1 working day"`, `"4 business hours"`, `"1 hour"`), which
/// ``init(parsing:)`` reads back to the same value (for the positive values that parsing and scaling produce).
public enum Allowance: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Elapsed minutes, nights and holidays included.
    case wallClock(minutes: Int)
    /// Minutes inside business hours.
    case businessMinutes(Int)
    /// Working days of business time.
    case workingDays(Int)

    /// The largest number of minutes an allowance may have: a year, longer than any deadline of the centre.
    public static let maximumMinutes = 366 * 24 * 60
    /// The largest number of working days an allowance may have.
    public static let maximumWorkingDays = 366
    /// Business minutes of a working day with the standard hours (09:00–12:00, 13:00–18:00).
    public static let defaultWorkingDayMinutes = 480

    /// True for an allowance that ignores the work calendar.
    public var isWallClock: Bool {
        if case .wallClock = self { return true }
        return false
    }

    /// The business minutes the allowance stands for, given the length of a working day; nil for wall clock.
    public func businessMinutes(workingDayMinutes: Int) -> Int? {
        switch self {
        case .wallClock: return nil
        case .businessMinutes(let minutes): return minutes
        case .workingDays(let days): return days * workingDayMinutes
        }
    }

    /// The allowance at a different scale, e.g. 0.25 for the shorter timers of urgent complaints (R12).
    ///
    /// Minutes are rounded to whole minutes and never drop below 1. Working days stay working days when the
    /// result is whole (2 working days × 0.5 = 1 working day); otherwise they become business minutes using
    /// `workingDayMinutes` (pass the calendar's ``WorkCalendar/standardWorkingDayMinutes`` when its hours are not
    /// the standard ones). Results are capped at ``maximumMinutes`` / ``maximumWorkingDays``. A factor that is not
    /// a finite positive number leaves the allowance unchanged; the configuration loader refuses such factors.
    public func scaled(by factor: Double, workingDayMinutes: Int = Allowance.defaultWorkingDayMinutes) -> Allowance {
        guard factor.isFinite, factor > 0 else { return self }
        func scale(_ minutes: Int) -> Int {
            let value = (Double(minutes) * factor).rounded()
            return value >= Double(Allowance.maximumMinutes) ? Allowance.maximumMinutes : max(1, Int(value))
        }
        switch self {
        case .wallClock(let minutes):
            return .wallClock(minutes: scale(minutes))
        case .businessMinutes(let minutes):
            return .businessMinutes(scale(minutes))
        case .workingDays(let days):
            let scaledDays = Double(days) * factor
            if scaledDays >= Double(Allowance.maximumWorkingDays) {
                return .workingDays(Allowance.maximumWorkingDays)
            }
            if scaledDays >= 1, scaledDays == scaledDays.rounded() {
                return .workingDays(Int(scaledDays))
            }
            return .businessMinutes(scale(days * workingDayMinutes))
        }
    }

    /// The English form, e.g. `1 working day`, `4 business hours`, `90 minutes`.
    public var description: String {
        text(in: .en)
    }

    /// The allowance for people: `2 working days` / `2个工作日`, `1 hour` / `1小时`.
    public func text(in language: Language) -> String {
        switch (self, language) {
        case (.wallClock(let minutes), .en):
            return minutes % 60 == 0
                ? Allowance.count(minutes / 60, "hour") : Allowance.count(minutes, "minute")
        case (.wallClock(let minutes), .zh):
            return minutes % 60 == 0 ? "\(minutes / 60)小时" : "\(minutes)分钟"
        case (.businessMinutes(let minutes), .en):
            return minutes % 60 == 0
                ? Allowance.count(minutes / 60, "business hour") : Allowance.count(minutes, "business minute")
        case (.businessMinutes(let minutes), .zh):
            return minutes % 60 == 0 ? "\(minutes / 60)个工作小时" : "\(minutes)个工作分钟"
        case (.workingDays(let days), .en):
            return Allowance.count(days, "working day")
        case (.workingDays(let days), .zh):
            return "\(days)个工作日"
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try Allowance(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    private static func count(_ value: Int, _ unit: String) -> String {
        value == 1 ? "1 \(unit)" : "\(value) \(unit)s"
    }
}
