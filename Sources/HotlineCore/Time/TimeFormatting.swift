import Foundation

/// RFC 3339 text in the centre's time zone, the form every time takes in `--json` output (SPEC §6).
public enum TimeFormatting {
    /// `2026-11-29T19:00:00+08:00`; fractions of a second are dropped.
    public static func rfc3339(_ date: Date, timeZone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = timeZone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d",
            parts.year ?? 0,
            parts.month ?? 0,
            parts.day ?? 0,
            parts.hour ?? 0,
            parts.minute ?? 0,
            parts.second ?? 0,
            sign,
            magnitude / 3600,
            magnitude / 60 % 60
        )
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
