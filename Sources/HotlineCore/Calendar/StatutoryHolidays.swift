import Foundation
import Synchronization

/// The public holidays China's law fixes every year (《全国年节及纪念日放假办法》, as amended in 2024): what a year
/// looks like before the State Council publishes its schedule of bridging days and make-up working days.
///
/// Hotline uses them for any year no official schedule covers, marked **provisional**: 元旦 1 January; 春节 from
/// 除夕 (the last day of the lunar year) to 初三; 清明 on the solar term; 劳动节 1–2 May; 端午 on the 5th of the
/// 5th lunar month; 中秋 on the 15th of the 8th; 国庆 1–3 October. A statutory day on a Saturday or Sunday is
/// compensated with the next weekday that is not already off, as the schedules have always done; make-up working
/// days cannot be predicted and are left out.
public enum StatutoryHoliday: String, Sendable, Hashable, CaseIterable, Codable {
    case newYear
    case springFestival
    case qingming
    case labourDay
    case dragonBoat
    case midAutumn
    case nationalDay

    /// The name calendar files and month sheets use, Chinese then English: `春节 Spring Festival`.
    public var name: String {
        switch self {
        case .newYear: return "元旦 New Year's Day"
        case .springFestival: return "春节 Spring Festival"
        case .qingming: return "清明节 Qingming"
        case .labourDay: return "劳动节 Labour Day"
        case .dragonBoat: return "端午节 Dragon Boat Festival"
        case .midAutumn: return "中秋节 Mid-Autumn Festival"
        case .nationalDay: return "国庆节 National Day"
        }
    }

    /// The name of a weekday given off for one of its days that fell on a weekend.
    public var compensationName: String {
        let parts = name.split(separator: " ", maxSplits: 1)
        return "\(parts[0])补休 \(parts.count > 1 ? parts[1] : ""), day off in lieu"
    }

    /// The statutory days of every holiday in a year, in date order (a date two holidays share appears once, with
    /// the first of them).
    public static func days(in year: Int) -> [(date: LocalDate, holiday: StatutoryHoliday)] {
        rules(for: year).statutory
    }

    /// The provisional schedule of a year, by date: every statutory day, and a compensating weekday for each one
    /// that falls on a Saturday or Sunday.
    public static func provisionalSchedule(for year: Int) -> [LocalDate: CalendarOverride] {
        rules(for: year).schedule
    }

    /// A year's statutory days and provisional schedule, computed once per year (the lunar dates take Foundation a
    /// few milliseconds) and kept for the life of the process.
    private struct YearRules: Sendable {
        var statutory: [(date: LocalDate, holiday: StatutoryHoliday)]
        var schedule: [LocalDate: CalendarOverride]
    }

    private static let cache = Mutex<[Int: YearRules]>([:])

    private static func rules(for year: Int) -> YearRules {
        if let known = cache.withLock({ $0[year] }) { return known }
        let statutory = computeDays(in: year)
        var schedule: [LocalDate: CalendarOverride] = [:]
        for day in statutory {
            schedule[day.date] = CalendarOverride(
                date: day.date,
                kind: .holiday,
                name: day.holiday.name,
                provisional: true
            )
        }
        for day in statutory where day.date.weekday.isWeekend {
            var candidate = day.date.adding(days: 1)
            while candidate.weekday.isWeekend || schedule[candidate] != nil {
                candidate = candidate.adding(days: 1)
            }
            schedule[candidate] = CalendarOverride(
                date: candidate,
                kind: .holiday,
                name: day.holiday.compensationName,
                provisional: true
            )
        }
        let computed = YearRules(statutory: statutory, schedule: schedule)
        cache.withLock { $0[year] = computed }
        return computed
    }

    private static func computeDays(in year: Int) -> [(date: LocalDate, holiday: StatutoryHoliday)] {
        var days: [(date: LocalDate, holiday: StatutoryHoliday)] = []
        func add(_ holiday: StatutoryHoliday, _ dates: [LocalDate?]) {
            for date in dates.compactMap({ $0 }) where !days.contains(where: { $0.date == date }) {
                days.append((date, holiday))
            }
        }
        add(.newYear, [LocalDate(year: year, month: 1, day: 1)])
        if let newYear = ChineseLunarCalendar.gregorianDate(month: 1, day: 1, inGregorianYear: year) {
            add(.springFestival, (-1...2).map { newYear.adding(days: $0) })
        }
        add(.qingming, [SolarTerm.qingming(year: year)])
        add(.labourDay, [LocalDate(year: year, month: 5, day: 1), LocalDate(year: year, month: 5, day: 2)])
        add(.dragonBoat, [ChineseLunarCalendar.gregorianDate(month: 5, day: 5, inGregorianYear: year)])
        add(.midAutumn, [ChineseLunarCalendar.gregorianDate(month: 8, day: 15, inGregorianYear: year)])
        add(.nationalDay, (1...3).map { LocalDate(year: year, month: 10, day: $0) })
        return days.sorted { $0.date < $1.date }
    }
}

/// Dates of the Chinese lunisolar calendar (农历), through Foundation's `chinese` calendar in Beijing time.
enum ChineseLunarCalendar {
    /// The Gregorian date of a day of a (non-leap) lunar month that falls in the Gregorian year `year`: for the
    /// months the festivals use, each occurs exactly once a Gregorian year. Nil only if Foundation cannot say.
    static func gregorianDate(month: Int, day: Int, inGregorianYear year: Int) -> LocalDate? {
        // Where each festival can fall, with a margin: 正月初一 21 Jan–20 Feb, 端午 28 May–25 Jun, 中秋 8 Sep–7 Oct.
        let window: ClosedRange<Int>
        switch month {
        case 1: window = dayOfYear(year, 1, 15)...dayOfYear(year, 2, 25)
        case 5: window = dayOfYear(year, 5, 20)...dayOfYear(year, 7, 1)
        case 8: window = dayOfYear(year, 9, 1)...dayOfYear(year, 10, 15)
        default: window = dayOfYear(year, 1, 1)...dayOfYear(year, 12, 31)
        }
        guard let first = LocalDate(year: year, month: 1, day: 1) else { return nil }
        let calendar = beijingChineseCalendar
        for offset in window {
            let date = first.adding(days: offset)
            // Noon Beijing time: well inside the civil day whatever the calendar's day boundary.
            let noon = Date(timeIntervalSince1970: Double(date.daysSinceEpoch * 86_400 + 4 * 3_600))
            let parts = calendar.dateComponents([.month, .day, .isLeapMonth], from: noon)
            if parts.month == month, parts.day == day, parts.isLeapMonth != true {
                return date
            }
        }
        return nil
    }

    private static func dayOfYear(_ year: Int, _ month: Int, _ day: Int) -> Int {
        guard let first = LocalDate(year: year, month: 1, day: 1),
            let date = LocalDate(year: year, month: month, day: day)
        else { return 0 }
        return date.daysSinceEpoch - first.daysSinceEpoch
    }

    private static let beijingChineseCalendar: Calendar = {
        var calendar = Calendar(identifier: .chinese)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3_600) ?? calendar.timeZone
        return calendar
    }()
}
