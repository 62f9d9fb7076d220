/// The steps of a trend chart over a reporting period (issue 16): the months of a quarter, or the weeks of a month
/// (Monday to Sunday, the first and last cut at the month's edges, so the steps add up to the period).
extension ReportingPeriod {
    public struct Step: Sendable, Equatable {
        /// "2026-10" for a month, "11-02–11-08" for a week.
        public var label: String
        public var first: LocalDate
        /// The day after the step.
        public var end: LocalDate
    }

    public var isQuarter: Bool { description.contains("Q") }

    public var trendSteps: [Step] {
        var steps: [Step] = []
        var start = first
        while start < end {
            let next: LocalDate
            if isQuarter {
                next =
                    start.month == 12
                    ? LocalDate(year: start.year + 1, month: 1, day: 1)!
                    : LocalDate(year: start.year, month: start.month + 1, day: 1)!
            } else {
                next = min(end, start.adding(days: 8 - start.weekday.isoNumber))
            }
            steps.append(Step(label: isQuarter ? monthLabel(start) : weekLabel(start, next), first: start, end: next))
            start = next
        }
        return steps
    }

    private func monthLabel(_ day: LocalDate) -> String { String(day.description.prefix(7)) }

    private func weekLabel(_ first: LocalDate, _ end: LocalDate) -> String {
        let last = end.adding(days: -1)
        // A week of one day (a month starting on a Sunday) is that day.
        guard last != first else { return String(first.description.dropFirst(5)) }
        return "\(first.description.dropFirst(5))–\(last.description.dropFirst(5))"
    }
}
