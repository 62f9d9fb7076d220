import Foundation
import HotlineCore

/// Converts between `Date` and the text form of `timestamptz` in a session whose TimeZone is UTC.
///
/// Sessions are set to UTC on connect (``PGConnection``), so the server prints `2026-11-29 19:00:00.123456+00`; the
/// parser also accepts other offsets in case a statement formats times itself.
enum PostgresTimestamp {
    /// `2026-11-29 19:00:00.123456+00`, built digit by digit: this runs for every event on the ingest path,
    /// where `String(format:)` showed up as a fifth of the ingest thread's time.
    static func format(_ date: Date) -> String {
        let totalMicros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        let seconds = floorDiv(totalMicros, 1_000_000)
        let micros = Int(totalMicros - seconds * 1_000_000)
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = Int(seconds - days * 86_400)
        let civil = LocalDate(daysSinceEpoch: Int(days))
        let (year, month, day) = (civil.year, civil.month, civil.day)
        var bytes = [UInt8](repeating: 0, count: 29)
        func put(_ value: Int, at offset: Int, width: Int) {
            var remaining = value
            for position in stride(from: offset + width - 1, through: offset, by: -1) {
                bytes[position] = UInt8(48 + remaining % 10)
                remaining /= 10
            }
        }
        put(year, at: 0, width: 4)
        bytes[4] = 45
        put(month, at: 5, width: 2)
        bytes[7] = 45
        put(day, at: 8, width: 2)
        bytes[10] = 32
        put(secondOfDay / 3600, at: 11, width: 2)
        bytes[13] = 58
        put(secondOfDay / 60 % 60, at: 14, width: 2)
        bytes[16] = 58
        put(secondOfDay % 60, at: 17, width: 2)
        bytes[19] = 46
        put(micros, at: 20, width: 6)
        bytes[26] = 43
        bytes[27] = 48
        bytes[28] = 48
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]±HH[:MM[:SS]]`.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        var index = 0
        func number(_ count: Int) -> Int? {
            guard index + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[index..<index + count] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            index += count
            return value
        }
        func expect(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        guard let year = number(4), expect(45), let month = number(2), expect(45), let day = number(2),
            expect(32) || expect(84), let hour = number(2), expect(58), let minute = number(2), expect(58),
            let second = number(2)
        else { return nil }
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            while index < bytes.count, bytes[index] >= 48 && bytes[index] <= 57 {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
        }
        var offsetSeconds = 0
        if index < bytes.count {
            let sign: Int
            switch bytes[index] {
            case 43: sign = 1
            case 45: sign = -1
            case 90: sign = 0
            default: return nil
            }
            index += 1
            if sign != 0 {
                guard let offsetHours = number(2) else { return nil }
                var offsetMinutes = 0
                var extraSeconds = 0
                if expect(58) { offsetMinutes = number(2) ?? 0 }
                if expect(58) { extraSeconds = number(2) ?? 0 }
                offsetSeconds = sign * (offsetHours * 3600 + offsetMinutes * 60 + extraSeconds)
            }
        }
        guard index == bytes.count else { return nil }
        guard let civil = LocalDate(year: year, month: month, day: day) else { return nil }
        let days = Int64(civil.daysSinceEpoch)
        let seconds = days * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offsetSeconds)
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}
