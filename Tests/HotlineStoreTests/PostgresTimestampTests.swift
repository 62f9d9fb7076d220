import Foundation
import Testing

@testable import HotlineStore

@Suite("timestamptz text")
struct PostgresTimestampTests {
    @Test(
        "parses what PostgreSQL prints",
        arguments: [
            ("2026-11-29 19:00:00+00", 1_795_978_800.0),
            ("2026-11-30 03:00:00+08", 1_795_978_800.0),
            ("2026-11-29 19:00:00.25+00", 1_795_978_800.25),
            ("2026-11-29 14:30:00-04:30", 1_795_978_800.0),
            ("1970-01-01 00:00:00+00", 0.0),
            ("1969-12-31 23:59:59+00", -1.0),
        ]
    )
    func parse(text: String, seconds: Double) {
        #expect(PostgresTimestamp.parse(text)?.timeIntervalSince1970 == seconds)
    }

    @Test(
        "rejects malformed text",
        arguments: ["", "2026-11-29", "2026-11-29 19:00+00", "yesterday", "2026-11-29 19:00:00+0x"]
    )
    func malformed(text: String) {
        #expect(PostgresTimestamp.parse(text) == nil)
    }

    @Test("format and parse are inverse to the microsecond")
    func roundTrip() {
        for seconds in [0.0, 1_795_978_800.123456, -86_400.5, 4_102_444_800.999999] {
            let date = Date(timeIntervalSince1970: seconds)
            let text = PostgresTimestamp.format(date)
            let back = PostgresTimestamp.parse(text)
            #expect(back.map { abs($0.timeIntervalSince1970 - seconds) < 0.000_001 } == true, "\(text)")
        }
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 1_795_978_800)) == "2026-11-29 19:00:00.000000+00")
    }
}
