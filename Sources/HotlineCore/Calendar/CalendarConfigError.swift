/// Why a business-hours setting or another work-calendar setting was refused.
///
/// Each case carries the offending text so that the configuration loader can point at it next to the file,
/// line and key it knows about.
public enum CalendarConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing was given where business hours were expected.
    case empty
    /// A day name that is not one of `mon` … `sun`.
    case unknownDay(String)
    /// A day range such as `fri-mon` that runs backwards.
    case backwardDayRange(String)
    /// The same weekday was given hours twice.
    case duplicateDay(Weekday)
    /// A clause names days but no hours, e.g. `mon-fri`.
    case missingHours(String)
    /// A clock time that is not `HH:MM` between 00:00 and 24:00.
    case badTime(String)
    /// A time range that is malformed or ends at or before its start, e.g. `18:00-09:00`.
    case badRange(String)
    /// Two ranges of the same day overlap.
    case overlappingRanges(Weekday, String, String)
    /// Every day is closed, so no deadline could ever be computed.
    case noBusinessHours
    /// A time zone name that the system does not know.
    case unknownTimeZone(String)

    public var description: String {
        let example = "e.g. \"mon-fri 09:00-12:00,13:00-18:00; sat 09:00-12:00\""
        switch self {
        case .empty:
            return "business hours are empty (\(example))"
        case .unknownDay(let text):
            return "business hours: \"\(text)\" is not a day (use mon, tue, wed, thu, fri, sat, sun)"
        case .backwardDayRange(let text):
            return "business hours: day range \"\(text)\" runs backwards (Monday comes first: write e.g. sat-sun)"
        case .duplicateDay(let day):
            return "business hours: \(day.shortName) is given twice"
        case .missingHours(let text):
            return "business hours: \"\(text)\" names days but no hours (\(example), or \"sun closed\")"
        case .badTime(let text):
            return "business hours: \"\(text)\" is not a time of day HH:MM between 00:00 and 24:00"
        case .badRange(let text):
            return "business hours: \"\(text)\" is not a range START-END with END after START, e.g. 09:00-12:00"
        case .overlappingRanges(let day, let first, let second):
            return "business hours: on \(day.shortName) the ranges \(first) and \(second) overlap"
        case .noBusinessHours:
            return "business hours: every day is closed, so no deadline could ever fall due"
        case .unknownTimeZone(let name):
            return "calendar: unknown time zone \"\(name)\" (use an IANA name such as Asia/Shanghai)"
        }
    }
}
