/// A day of the year without a year, as `[calendar] warn_from = "12-01"` gives it.
public struct MonthDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let month: Int
    public let day: Int

    /// 1 December: the State Council has published the next year's schedule in November in recent years.
    public static let defaultWarnFrom = MonthDay(uncheckedMonth: 12, day: 1)

    /// A month and day that exist in a leap year (so `02-29` is accepted, `02-30` is not).
    public init?(month: Int, day: Int) {
        guard LocalDate(year: 2000, month: month, day: day) != nil else { return nil }
        self.month = month
        self.day = day
    }

    private init(uncheckedMonth month: Int, day: Int) {
        self.month = month
        self.day = day
    }

    /// Parses `MM-DD`.
    public init?(string: String) {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }),
            let month = Int(parts[0]), let day = Int(parts[1])
        else { return nil }
        self.init(month: month, day: day)
    }

    public var description: String { "\(LocalDate.pad(month, 2))-\(LocalDate.pad(day, 2))" }

    public static func < (lhs: MonthDay, rhs: MonthDay) -> Bool { (lhs.month, lhs.day) < (rhs.month, rhs.day) }
}

/// Why the calendar cannot be trusted as it stands (SPEC §4): a year whose official holiday schedule is not
/// imported, so its deadlines run on provisional statutory holidays and know no make-up working days.
public enum ScheduleWarning: Sendable, Hashable {
    /// The current year has no official schedule.
    case currentYearNotOfficial(year: Int)
    /// From `[calendar] warn_from`: next year's official schedule is not imported yet.
    case nextYearNotOfficial(year: Int)

    public var year: Int {
        switch self {
        case .currentYearNotOfficial(let year), .nextYearNotOfficial(let year): return year
        }
    }

    /// The warning for people, with what to do about it.
    public func text(in language: Language) -> String {
        switch (self, language) {
        case (.currentYearNotOfficial(let year), .en):
            return "no official holiday schedule for the current year \(year) is imported: its deadlines use "
                + "provisional statutory holidays and no make-up working days; import the State Council's schedule "
                + "with `hotlinectl calendar import FILE`"
        case (.nextYearNotOfficial(let year), .en):
            return "next year's official holiday schedule (\(year)) is not imported: deadlines that reach into \(year) "
                + "use provisional statutory holidays and no make-up working days; import it with `hotlinectl "
                + "calendar import FILE` once the State Council publishes it"
        case (.currentYearNotOfficial(let year), .zh):
            return "尚未导入本年度（\(year) 年）官方放假安排：时限按推算的法定节假日（暂定）计算，不含调休上班日；"
                + "请用 `hotlinectl calendar import 文件` 导入国务院办公厅公布的安排"
        case (.nextYearNotOfficial(let year), .zh):
            return "尚未导入下一年度（\(year) 年）官方放假安排：跨入 \(year) 年的时限按推算的法定节假日（暂定）计算，"
                + "不含调休上班日；国务院办公厅公布后，请用 `hotlinectl calendar import 文件` 导入"
        }
    }
}

extension WorkCalendar {
    /// What to warn about on `today`: the current year without an official schedule, and from `warnFrom` on,
    /// next year without one.
    public func scheduleWarnings(on today: LocalDate, warnFrom: MonthDay) -> [ScheduleWarning] {
        var warnings: [ScheduleWarning] = []
        if !isOfficial(year: today.year) {
            warnings.append(.currentYearNotOfficial(year: today.year))
        }
        if MonthDay(month: today.month, day: today.day).map({ $0 >= warnFrom }) == true,
            !isOfficial(year: today.year + 1)
        {
            warnings.append(.nextYearNotOfficial(year: today.year + 1))
        }
        return warnings
    }
}
