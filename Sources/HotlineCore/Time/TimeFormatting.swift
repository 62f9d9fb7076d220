import Foundation

/// RFC 3339 text in the centre's time zone, the form every time takes in `--json` output (SPEC §6).
public enum TimeFormatting {
    /// `2026-11-29T19:00:00+08:00`; fractions of a second are dropped.
    ///
    /// Civil-date arithmetic on the zone's offset at that instant (the same Gregorian calendar as Foundation's
    /// from year 1600 on): a `Calendar` and `String(format:)` per call took 4 µs, a fifth of the JSON of ten
    /// thousand deadline events fired together (measured); outside those years it asks `Calendar`.
    public static func rfc3339(_ date: Date, timeZone: TimeZone) -> String {
        let offset = timeZone.secondsFromGMT(for: date)
        let seconds = date.timeIntervalSince1970
        // 1600-01-01 to 9999-12-31 UTC, with a day's margin either side for the offset.
        guard seconds > -11_676_009_600, seconds < 253_402_214_400 else {
            return calendarRFC3339(date, timeZone: timeZone, offset: offset)
        }
        let local = Int64(seconds.rounded(.down)) + Int64(offset)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - days * 86_400)
        // Days since 1970-01-01 to year, month, day (H. Hinnant's civil_from_days).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        return text(
            year: year,
            month: month,
            day: day,
            hour: secondOfDay / 3600,
            minute: secondOfDay / 60 % 60,
            second: secondOfDay % 60,
            offset: offset
        )
    }

    /// The same text through `Calendar`, for years the arithmetic above does not cover.
    static func calendarRFC3339(_ date: Date, timeZone: TimeZone, offset: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return text(
            year: parts.year ?? 0,
            month: parts.month ?? 0,
            day: parts.day ?? 0,
            hour: parts.hour ?? 0,
            minute: parts.minute ?? 0,
            second: parts.second ?? 0,
            offset: offset
        )
    }

    private static func text(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, offset: Int)
        -> String
    {
        var output = ""
        output.reserveCapacity(25)
        func append(_ value: Int, digits: Int) {
            let digitsText = String(value)
            if digitsText.count < digits { output += String(repeating: "0", count: digits - digitsText.count) }
            output += digitsText
        }
        append(year, digits: 4)
        output += "-"
        append(month, digits: 2)
        output += "-"
        append(day, digits: 2)
        output += "T"
        append(hour, digits: 2)
        output += ":"
        append(minute, digits: 2)
        output += ":"
        append(second, digits: 2)
        output += offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        append(magnitude / 3600, digits: 2)
        output += ":"
        append(magnitude / 60 % 60, digits: 2)
        return output
    }

    /// Parses `2026-11-29T19:00:00+08:00`, `…Z`, with optional fractions; nil when malformed.
    public static func parseRFC3339(_ text: String) -> Date? {
        let pattern = #/^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/#
        guard let match = text.wholeMatch(of: pattern) else { return nil }
        guard let year = Int(match.1), let month = Int(match.2), let day = Int(match.3), let hour = Int(match.4),
            let minute = Int(match.5), let second = Int(match.6), (1...12).contains(month), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var offsetSeconds = 0
        let zone = String(match.8)
        if zone != "Z" && zone != "z" {
            let sign = zone.hasPrefix("-") ? -1 : 1
            let hours = Int(zone.dropFirst().prefix(2)) ?? 0
            let minutes = Int(zone.suffix(2)) ?? 0
            offsetSeconds = sign * (hours * 3600 + minutes * 60)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: offsetSeconds) ?? TimeZone(identifier: "UTC")!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let date = calendar.date(from: components),
            calendar.component(.day, from: date) == day
        else { return nil }
        let fraction = match.7.map { Double("0" + $0) ?? 0 } ?? 0
        return date.addingTimeInterval(fraction)
    }
}
