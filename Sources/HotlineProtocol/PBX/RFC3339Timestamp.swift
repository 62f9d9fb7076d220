import Foundation
import HotlineCore

/// An RFC 3339 time with an explicit UTC offset (`2026-03-02T09:15:00+08:00`, `2026-03-02T01:15:00.250Z`).
///
/// Hand-written because ISO8601DateFormatter on Linux is unreliable with fractional seconds, and because a
/// PBX line must be refused with a reason ("February 2026 has 28 days") rather than silently rolled over.
/// The text is kept as written, so an event re-renders byte for byte and the offset is not lost.
public struct RFC3339Timestamp: Hashable, Sendable, CustomStringConvertible {
    /// The instant.
    public let date: Date
    /// The offset from UTC the text was written in, in seconds (`+08:00` is 28800).
    public let utcOffsetSeconds: Int
    /// The text as written (or as rendered by ``init(date:utcOffsetSeconds:)``).
    public let text: String

    public var description: String { text }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `t` and `z` are accepted in lower case as RFC 3339
    /// allows. Leap seconds (`:60`) are refused because `Date` cannot represent them.
    public init(parsing text: String) throws(RFC3339Error) {
        let bytes = Array(text.utf8)
        var reader = Reader(bytes: bytes)
        let year = try reader.number(digits: 4, what: "year")
        try reader.expect("-", after: "year")
        let month = try reader.number(digits: 2, what: "month")
        try reader.expect("-", after: "month")
        let day = try reader.number(digits: 2, what: "day")
        guard reader.consume("T") || reader.consume("t") else {
            throw RFC3339Error(reader.atEnd ? "missing the time" : "expected 'T' between date and time")
        }
        let hour = try reader.number(digits: 2, what: "hour")
        try reader.expect(":", after: "hour")
        let minute = try reader.number(digits: 2, what: "minute")
        try reader.expect(":", after: "minute")
        let second = try reader.number(digits: 2, what: "second")
        var nanoseconds = 0
        if reader.consume(".") {
            nanoseconds = try reader.fraction()
        }
        let offset: Int
        if reader.consume("Z") || reader.consume("z") {
            offset = 0
        } else if reader.atEnd {
            throw RFC3339Error("missing the UTC offset (Z or ±hh:mm)")
        } else {
            let sign: Int
            if reader.consume("+") {
                sign = 1
            } else if reader.consume("-") {
                sign = -1
            } else {
                throw RFC3339Error("expected the UTC offset (Z or ±hh:mm)")
            }
            let offsetHours = try reader.number(digits: 2, what: "offset hours")
            try reader.expect(":", after: "offset hours")
            let offsetMinutes = try reader.number(digits: 2, what: "offset minutes")
            guard offsetHours <= 23, offsetMinutes <= 59 else { throw RFC3339Error("offset out of range") }
            offset = sign * (offsetHours * 3600 + offsetMinutes * 60)
        }
        guard reader.atEnd else { throw RFC3339Error("unexpected text after the time") }

        guard (1...12).contains(month) else { throw RFC3339Error("month \(month) does not exist") }
        let monthLength = LocalDate.numberOfDays(year: year, month: month)
        guard (1...monthLength).contains(day) else {
            throw RFC3339Error("\(Self.monthNames[month - 1]) \(year) has \(monthLength) days")
        }
        guard hour <= 23 else { throw RFC3339Error("hour \(hour) is out of range") }
        guard minute <= 59 else { throw RFC3339Error("minute \(minute) is out of range") }
        guard second <= 59 else {
            throw RFC3339Error(second == 60 ? "leap seconds are not supported" : "second \(second) is out of range")
        }

        guard let civil = LocalDate(year: year, month: month, day: day) else {
            throw RFC3339Error("\(year)-\(month)-\(day) is not a date")
        }
        let localSeconds = civil.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second
        let utcSeconds = localSeconds - offset
        self.date = Date(timeIntervalSince1970: Double(utcSeconds) + Double(nanoseconds) / 1_000_000_000)
        self.utcOffsetSeconds = offset
        self.text = text
    }

    /// Renders `date` in the given offset, with microseconds when the date has a fraction
    /// (`2026-03-02T09:15:00.25+08:00`); the stored date is the rendered text read back, so that encoding and
    /// parsing again gives an equal value.
    ///
    /// - Precondition: `utcOffsetSeconds` is a whole number of minutes within ±23:59 and the date falls in the
    ///   years 0000 to 9999.
    public init(date: Date, utcOffsetSeconds: Int = 0) {
        precondition(
            utcOffsetSeconds % 60 == 0 && abs(utcOffsetSeconds) < 86_400,
            "UTC offset must be whole minutes within ±23:59"
        )
        let totalMicroseconds = (date.timeIntervalSince1970 * 1_000_000).rounded()
        let microsecondsPerDay = 86_400 * 1_000_000
        let local = Int(totalMicroseconds) + utcOffsetSeconds * 1_000_000
        let days = local >= 0 ? local / microsecondsPerDay : (local - microsecondsPerDay + 1) / microsecondsPerDay
        let microsecondOfDay = local - days * microsecondsPerDay
        let civil = LocalDate(daysSinceEpoch: days)
        let (year, month, day) = (civil.year, civil.month, civil.day)
        let secondOfDay = microsecondOfDay / 1_000_000
        let micros = microsecondOfDay % 1_000_000

        var text = Self.pad(year, 4) + "-" + Self.pad(month, 2) + "-" + Self.pad(day, 2) + "T"
        text += Self.pad(secondOfDay / 3600, 2) + ":" + Self.pad(secondOfDay / 60 % 60, 2) + ":"
        text += Self.pad(secondOfDay % 60, 2)
        if micros != 0 {
            var fraction = Self.pad(micros, 6)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        if utcOffsetSeconds == 0 {
            text += "Z"
        } else {
            let magnitude = abs(utcOffsetSeconds) / 60
            text += (utcOffsetSeconds < 0 ? "-" : "+") + Self.pad(magnitude / 60, 2) + ":" + Self.pad(magnitude % 60, 2)
        }
        do {
            self = try RFC3339Timestamp(parsing: text)
        } catch {
            preconditionFailure("rendered an unreadable RFC 3339 time \(text): \(error)")
        }
    }

    // MARK: - Calendar arithmetic (proleptic Gregorian, after H. Hinnant's days_from_civil)

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// A cursor over the ASCII bytes of the text.
    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        var atEnd: Bool { index == bytes.count }

        mutating func consume(_ character: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func expect(_ character: Unicode.Scalar, after what: String) throws(RFC3339Error) {
            guard consume(character) else { throw RFC3339Error("expected '\(character)' after the \(what)") }
        }

        mutating func number(digits count: Int, what: String) throws(RFC3339Error) -> Int {
            var value = 0
            for _ in 0..<count {
                guard index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) else {
                    throw RFC3339Error("expected \(count) digits for the \(what)")
                }
                value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            return value
        }

        /// Reads the digits after `.`; keeps nanoseconds and ignores finer digits.
        mutating func fraction() throws(RFC3339Error) -> Int {
            var nanoseconds = 0
            var count = 0
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                if count < 9 { nanoseconds = nanoseconds * 10 + Int(bytes[index] - UInt8(ascii: "0")) }
                count += 1
                index += 1
            }
            guard count > 0 else { throw RFC3339Error("expected digits after '.'") }
            for _ in count..<max(count, 9) { nanoseconds *= 10 }
            return nanoseconds
        }
    }
}

/// Why a text is not an RFC 3339 time with offset.
public struct RFC3339Error: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, e.g. "February 2026 has 28 days" or "missing the UTC offset (Z or ±hh:mm)".
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
