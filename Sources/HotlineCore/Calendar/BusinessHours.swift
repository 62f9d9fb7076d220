/// The weekly template of opening hours: for each weekday, the periods of the day when the centre works.
///
/// A day may have several periods (a lunch break splits the default day in two). Periods are minutes after local
/// midnight, sorted and never overlapping, so day arithmetic can walk them in order. A weekday without periods
/// is closed. The text form, used in the configuration file, is `mon-fri 09:00-12:00,13:00-18:00; sat 09:00-12:00`.
public struct BusinessHours: Sendable, Hashable, Codable, CustomStringConvertible {
    /// One opening period of a day, `[start, end)` in minutes after local midnight (end at most 24:00).
    public struct Period: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
        public let start: Int
        public let end: Int

        /// A period when `0 <= start < end <= 1440`; nil otherwise.
        public init?(start: Int, end: Int) {
            guard start >= 0, end <= 1440, start < end else { return nil }
            self.start = start
            self.end = end
        }

        /// Parses `09:00-12:00`.
        public init(parsing text: String) throws(CalendarConfigError) {
            let ends = text.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2 else { throw .badRange(text) }
            let start = try Period.minuteOfDay(String(ends[0]))
            let end = try Period.minuteOfDay(String(ends[1]))
            guard let period = Period(start: start, end: end) else { throw .badRange(text) }
            self = period
        }

        /// The length of the period in minutes.
        public var minutes: Int { end - start }

        /// `09:00-12:00`.
        public var description: String {
            "\(Period.clock(start))-\(Period.clock(end))"
        }

        public static func < (lhs: Period, rhs: Period) -> Bool {
            (lhs.start, lhs.end) < (rhs.start, rhs.end)
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            do {
                self = try Period(parsing: text)
            } catch {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }

        /// `HH:MM` for a minute of the day (1440 prints as 24:00).
        static func clock(_ minuteOfDay: Int) -> String {
            "\(LocalDate.pad(minuteOfDay / 60, 2)):\(LocalDate.pad(minuteOfDay % 60, 2))"
        }

        /// Reads `9:00`, `09:00` or `24:00`.
        static func minuteOfDay(_ text: String) throws(CalendarConfigError) -> Int {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
                parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigit) }),
                let hour = Int(parts[0]), let minute = Int(parts[1]),
                (0...23).contains(hour) && (0...59).contains(minute) || (hour == 24 && minute == 0)
            else {
                throw .badTime(text)
            }
            return hour * 60 + minute
        }
    }

    private var periodsByWeekday: [Weekday: [Period]]

    /// Mon–Fri 09:00–12:00 and 13:00–18:00: the default of SPEC §4, 480 minutes a day.
    public static let standard: BusinessHours = {
        let day = [Period(start: 9 * 60, end: 12 * 60), Period(start: 13 * 60, end: 18 * 60)].compactMap { $0 }
        let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]
        return BusinessHours(checked: Dictionary(uniqueKeysWithValues: weekdays.map { ($0, day) }))
    }()

    /// Builds the template from periods per weekday; missing weekdays are closed.
    ///
    /// The periods of a day are sorted here; overlapping ones are refused. A template with no hours at all is
    /// accepted (the arithmetic then reports that no business time exists), but ``init(parsing:)`` refuses it.
    public init(_ periods: [Weekday: [Period]]) throws(CalendarConfigError) {
        var checked: [Weekday: [Period]] = [:]
        for day in Weekday.allCases {
            let sorted = (periods[day] ?? []).sorted()
            for (earlier, later) in zip(sorted, sorted.dropFirst()) where later.start < earlier.end {
                throw .overlappingRanges(day, earlier.description, later.description)
            }
            if !sorted.isEmpty {
                checked[day] = sorted
            }
        }
        self.init(checked: checked)
    }

    /// Parses the configuration form: clauses separated by `;` or new lines, each a day list and its hours.
    ///
    /// Days are `mon` … `sun` (or full names), lists with `,` and ranges with `-` (`mon-fri`, `mon,wed,fri`).
    /// Hours are ranges `HH:MM-HH:MM` separated by `,`, or `closed`. Days not named are closed.
    public init(parsing text: String) throws(CalendarConfigError) {
        let clauses = text.split(whereSeparator: { $0 == ";" || $0.isNewline })
            .map { $0.trimmingWhitespace() }
            .filter { !$0.isEmpty }
        guard !clauses.isEmpty else { throw .empty }
        var periods: [Weekday: [Period]] = [:]
        var named: Set<Weekday> = []
        for clause in clauses {
            let words = clause.split(whereSeparator: \.isWhitespace)
            guard let first = words.first else { continue }
            let days = try BusinessHours.parseDays(String(first))
            let hoursText = words.dropFirst().joined()
            guard !hoursText.isEmpty else { throw .missingHours(clause) }
            var dayPeriods: [Period] = []
            if !["closed", "off"].contains(hoursText.lowercased()) {
                for range in hoursText.split(separator: ",", omittingEmptySubsequences: false) {
                    dayPeriods.append(try Period(parsing: String(range)))
                }
            }
            for day in days {
                guard named.insert(day).inserted else { throw .duplicateDay(day) }
                periods[day] = dayPeriods
            }
        }
        try self.init(periods)
        guard !isClosedEveryDay else { throw .noBusinessHours }
    }

    private init(checked: [Weekday: [Period]]) {
        periodsByWeekday = checked
    }

    /// The opening periods of a weekday, sorted; empty when the day is closed.
    public func periods(on weekday: Weekday) -> [Period] {
        periodsByWeekday[weekday] ?? []
    }

    /// The business minutes of a weekday.
    public func minutes(on weekday: Weekday) -> Int {
        periods(on: weekday).reduce(0) { $0 + $1.minutes }
    }

    /// The hours a make-up working day (调休) follows: those of the first weekday, from Monday on, that has hours.
    ///
    /// A make-up day stands in for a normal working day, so it takes the weekday template rather than the
    /// template of the weekend day it falls on. With the standard hours this is Monday's 09:00–12:00, 13:00–18:00.
    public var makeUpDayPeriods: [Period] {
        Weekday.allCases.lazy.map { periods(on: $0) }.first { !$0.isEmpty } ?? []
    }

    /// True when no weekday has any hours.
    public var isClosedEveryDay: Bool {
        periodsByWeekday.values.allSatisfy(\.isEmpty)
    }

    /// The configuration form, grouping neighbouring days with equal hours: `mon-fri 09:00-12:00,13:00-18:00`.
    public var description: String {
        var clauses: [String] = []
        var index = 0
        let days = Weekday.allCases
        while index < days.count {
            let hours = periods(on: days[index])
            var last = index
            while last + 1 < days.count, periods(on: days[last + 1]) == hours {
                last += 1
            }
            if !hours.isEmpty {
                let span = last == index ? days[index].shortName : "\(days[index].shortName)-\(days[last].shortName)"
                clauses.append("\(span) \(hours.map(\.description).joined(separator: ","))")
            }
            index = last + 1
        }
        return clauses.isEmpty ? "closed" : clauses.joined(separator: "; ")
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self = try BusinessHours(parsing: text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Reads `mon-fri`, `sat`, `mon,wed,fri` or `mon-wed,fri`.
    private static func parseDays(_ text: String) throws(CalendarConfigError) -> [Weekday] {
        var days: [Weekday] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = item.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2 else { throw .unknownDay(String(item)) }
            let bounds = try ends.map { (end: Substring) throws(CalendarConfigError) -> Weekday in
                guard let day = Weekday(name: String(end)) else { throw .unknownDay(String(end)) }
                return day
            }
            guard let first = bounds.first, let last = bounds.last else { throw .unknownDay(String(item)) }
            guard first <= last else { throw .backwardDayRange(String(item)) }
            days += Weekday.allCases.filter { $0 >= first && $0 <= last }
        }
        return days
    }
}
