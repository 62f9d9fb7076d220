import Foundation
import HotlineProtocol
import HotlineTestSupport
import Testing

/// `hotlinectl calendar import|show` against a real daemon (issue 5).
@Suite("Calendar import")
struct CalendarImportTests {
    @Test("a bad file is refused with file and line and applies nothing; a good one is kept and used for deadlines")
    func importAndUse() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(arguments: [
            "--database", database, "--clock", "manual", "--clock-start", "2026-12-31T17:00:00+08:00",
        ])
        let directory = daemon.directory
        try "2027-01-01 holiday 元旦\n2027-02-30 holiday 不存在的日子\n".write(
            toFile: directory + "/bad.txt",
            atomically: true,
            encoding: .utf8
        )
        let bad = try daemon.ctl(["calendar", "import", directory + "/bad.txt"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.txt:2"))
        func day(_ date: String, _ month: String) throws -> JSONValue? {
            try daemon.ctlJSON(["calendar", "show", "--month", month])["days"]?.arrayValue?.first {
                $0["date"] == .string(date)
            }
        }
        // Before any 2027 schedule, 1 January is a provisional statutory holiday (SPEC §4).
        #expect(try day("2027-01-01", "2027-01")?["working"] == .bool(false))
        #expect(try day("2027-01-01", "2027-01")?["provisional"] == .bool(true))
        // The shipped 2026 schedule is there without any import.
        #expect(try day("2026-10-01", "2026-10")?["override"] == .string("holiday"))
        #expect(try day("2026-10-10", "2026-10")?["working"] == .bool(true))

        try "# 2027\n2027-01-01 holiday 元旦\n2027-01-04 workday 调休\n".write(
            toFile: directory + "/cn-2027.txt",
            atomically: true,
            encoding: .utf8
        )
        let imported = try daemon.ctlJSON(["calendar", "import", directory + "/cn-2027.txt"])
        #expect(imported["holidays"] == .int(1))
        #expect(imported["workdays"] == .int(1))
        #expect(try day("2027-01-01", "2027-01")?["working"] == .bool(false))
        // Not every statutory day of 2027 is in the file: it adds to the calendar, the provisional days stay.
        #expect(try day("2027-01-01", "2027-01")?["provisional"] == .bool(false))
        #expect(imported["partial_years"] == .array([.int(2027)]))

        // A reply allowance started on 12-31 17:00 skips the new holiday and the weekend.
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        _ = try daemon.ctlJSON(["dept", "add", "INST", "--name", "安装部"])
        _ = try daemon.ctlJSON(["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--role", "operator"])
        let id = try #require(
            try daemon.ctlJSON(["complaint", "file", "--matter", "跨年", "--as", "zhangsan"])["id"]?.stringValue
        )
        let transferred = try daemon.ctlJSON([
            "complaint", "transfer", id, "--to", "INST", "--reason", "安装", "--as", "zhangsan", "--lang", "zh",
        ])
        let reply = transferred["deadlines"]?.arrayValue?.first { $0["kind"] == .string("reply") }
        // 60 minutes on 12-31, then 420 on Mon 01-04 (a make-up working day): due 01-04 17:00.
        #expect(reply?["due_at"] == .string("2027-01-04T17:00:00+08:00"))
        #expect(reply?["explanation"]?.stringValue?.contains("元旦") == true)
        daemon.stop()

        // Kept in the database: a restarted daemon has it.
        let again = try DaemonHarness(arguments: ["--database", database])
        #expect(
            try again.ctlJSON(["calendar", "show", "--month", "2027-01"])["days"]?.arrayValue?.first?["working"]
                == .bool(false)
        )
        again.stop()
    }
}
