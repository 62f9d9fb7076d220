/// One row of the month sheet that `hotlinectl calendar show --month 2026-10` prints.
public struct DayInfo: Sendable, Hashable, Codable {
    public var date: LocalDate
    public var weekday: Weekday
    /// True when the day has any business time.
    public var isWorkingDay: Bool
    /// The holiday or make-up working day that applies to the date, if any.
    public var override: CalendarOverride?
    /// The opening periods in force that day (the make-up template on a make-up working day).
    public var periods: [BusinessHours.Period]
    /// Business minutes of the day as the clock on the wall counts them (a daylight-saving change may alter
    /// the elapsed minutes; see ``WorkCalendar/businessMinutes(from:to:)`` for those).
    public var businessMinutes: Int
    /// Why the day is off; nil on a working day.
    public var nonWorkingReason: NonWorkingReason?

    public init(
        date: LocalDate,
        weekday: Weekday,
        isWorkingDay: Bool,
        override: CalendarOverride?,
        periods: [BusinessHours.Period],
        businessMinutes: Int,
        nonWorkingReason: NonWorkingReason?
    ) {
        self.date = date
        self.weekday = weekday
        self.isWorkingDay = isWorkingDay
        self.override = override
        self.periods = periods
        self.businessMinutes = businessMinutes
        self.nonWorkingReason = nonWorkingReason
    }

    /// The name of the holiday or make-up day, when one applies and has a name.
    public var overrideName: String? {
        guard let name = override?.name, !name.isEmpty else { return nil }
        return name
    }
}
