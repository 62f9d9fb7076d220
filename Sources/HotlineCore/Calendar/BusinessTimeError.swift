import Foundation

/// Why business-time arithmetic gave up instead of searching on forever.
public enum BusinessTimeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No business minute exists within the search horizon after `after`: the hours are all closed, or the
    /// calendar declares years of holidays. `days` is how far the search went.
    case noBusinessTime(after: Date, days: Int)
    /// The result would lie further away than the calendar is willing to compute.
    case beyondHorizon(start: Date, businessMinutes: Int, days: Int)
    /// A negative number of business minutes was asked for.
    case negativeMinutes(Int)

    public var description: String {
        switch self {
        case .noBusinessTime(let after, let days):
            return "work calendar: no business hours within \(days) days after \(after); "
                + "check the business hours and the holidays"
        case .beyondHorizon(let start, let minutes, let days):
            return "work calendar: \(minutes) business minutes from \(start) reach beyond \(days) days"
        case .negativeMinutes(let minutes):
            return "work calendar: cannot add a negative number of business minutes (\(minutes))"
        }
    }
}
