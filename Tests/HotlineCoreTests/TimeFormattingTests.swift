import Foundation
import Testing

@testable import HotlineCore

@Suite("TimeFormatting: RFC 3339 text")
struct TimeFormattingTests {
    @Test("known instants in the centre's zone and in UTC")
    func knownInstants() throws {
        let shanghai = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let utc = try #require(TimeZone(identifier: "UTC"))
        let instant = Date(timeIntervalSince1970: 1_796_007_600.75)  // 2026-11-30T03:00:00.75Z
        #expect(TimeFormatting.rfc3339(instant, timeZone: shanghai) == "2026-11-30T11:00:00+08:00")
        #expect(TimeFormatting.rfc3339(instant, timeZone: utc) == "2026-11-30T03:00:00+00:00")
        #expect(TimeFormatting.rfc3339(Date(timeIntervalSince1970: -0.5), timeZone: utc) == "1969-12-31T23:59:59+00:00")
        #expect(
            TimeFormatting.rfc3339(Date(timeIntervalSince1970: 951_782_400), timeZone: utc)
                == "2000-02-29T00:00:00+00:00"
        )
    }

    @Test("the arithmetic agrees with Calendar across years, zones, fractions and offsets of half hours")
    func agreesWithCalendar() throws {
        let zones = try [
            "Asia/Shanghai", "UTC", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham",
        ]
        .map { try #require(TimeZone(identifier: $0)) }
        // A fixed sequence (a linear congruential generator), so a failure names the same instant every run.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for zone in zones {
            var instants = (0..<3000).map { _ in Date(timeIntervalSince1970: -11_000_000_000 + next() * 264_000_000_000)
            }
            instants += (0..<1000).map { Date(timeIntervalSince1970: 1_796_000_000 + Double($0) * 0.3721) }
            for instant in instants {
                let expected = TimeFormatting.calendarRFC3339(
                    instant,
                    timeZone: zone,
                    offset: zone.secondsFromGMT(for: instant)
                )
                #expect(TimeFormatting.rfc3339(instant, timeZone: zone) == expected, "\(instant.timeIntervalSince1970)")
            }
        }
    }
}
