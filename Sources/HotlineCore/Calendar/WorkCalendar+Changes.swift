import Foundation

/// How a calendar import changes days, and what that does to a deadline already running (SPEC §4: the official
/// schedule replaces the provisional days of its year, and pending deadlines that crossed a changed day are
/// computed again from their start).
public struct CalendarChange: Sendable, Equatable {
    /// Days whose opening hours differ: a holiday that became a working day, a new bridging day, a make-up day.
    public var changedDays: [LocalDate]
    /// Days whose hours stay but whose provisional mark went (a computed statutory day the schedule confirms): a
    /// deadline over one keeps its due time but its explanation no longer calls it provisional.
    public var confirmedDays: [LocalDate]

    public init(changedDays: [LocalDate], confirmedDays: [LocalDate]) {
        self.changedDays = changedDays
        self.confirmedDays = confirmedDays
    }

    public var isEmpty: Bool { changedDays.isEmpty && confirmedDays.isEmpty }

    /// The first and last day either list names.
    public var range: ClosedRange<LocalDate>? {
        let all = changedDays + confirmedDays
        guard let first = all.min(), let last = all.max() else { return nil }
        return first...last
    }
}

extension WorkCalendar {
    /// What differs between `previous` and this calendar in the given years, day by day.
    public func change(from previous: WorkCalendar, inYears years: Set<Int>) -> CalendarChange {
        var changed: [LocalDate] = []
        var confirmed: [LocalDate] = []
        for year in years.sorted() {
            guard var date = LocalDate(year: year, month: 1, day: 1) else { continue }
            while date.year == year {
                if periods(on: date) != previous.periods(on: date) {
                    changed.append(date)
                } else if isProvisional(date) != previous.isProvisional(date) {
                    confirmed.append(date)
                }
                date = date.adding(days: 1)
            }
        }
        return CalendarChange(changedDays: changed, confirmedDays: confirmed)
    }

    /// The days of `days` that fall between the local dates of `start` and `end`, both included.
    public func days(_ days: [LocalDate], between start: Date, and end: Date) -> [LocalDate] {
        let first = localDate(of: start)
        let last = localDate(of: max(start, end))
        return days.filter { $0 >= first && $0 <= last }
    }

    /// A deadline's explanations computed again on this calendar: the first from its own start with its allowance,
    /// each approved extension (R15) from the due time before it, as when they were made.
    public func recompute(_ explanations: [DeadlineExplanation]) throws(BusinessTimeError) -> [DeadlineExplanation] {
        var result: [DeadlineExplanation] = []
        for explanation in explanations {
            let start = result.last?.dueAt ?? explanation.start
            result.append(try due(after: start, allowance: explanation.allowance).explanation)
        }
        return result
    }
}
