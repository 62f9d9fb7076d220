import Foundation
import HotlineProtocol
import HotlineStore
import HotlineTestSupport
import Testing

/// SPEC §4 in a year without an official holiday schedule: provisional statutory holidays, what says so, the
/// warning, and an import of the official schedule that moves the pending deadlines it touches — through a real
/// daemon on the manual clock and hotlinectl.
@Suite("Provisional holidays")
struct ProvisionalCalendarTests {
    private func centre(at start: String, extra: [String] = []) throws -> (DaemonHarness, String) {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(
            arguments: ["--database", database, "--clock", "manual", "--clock-start", start] + extra
        )
        _ = try daemon.ctlJSON(["dept", "add", "QA", "--name", "质检部", "--coordination"])
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        _ = try daemon.ctlJSON(["dept", "add", "INST", "--name", "安装部"])
        _ = try daemon.ctlJSON(["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--role", "operator"])
        _ = try daemon.ctlJSON(["staff", "add", "wangwu", "--name", "王五", "--dept", "INST", "--role", "handler"])
        return (daemon, database)
    }

    /// Files a complaint and transfers it to INST now; returns its id and the reply deadline as shown.
    private func transferred(_ daemon: DaemonHarness, language: String = "en") throws -> (String, JSONValue?) {
        let filed = try daemon.ctlJSON(["complaint", "file", "--matter", "燃气表异响", "--as", "zhangsan"])
        let id = try #require(filed["id"]?.stringValue)
        let shown = try daemon.ctlJSON([
            "complaint", "transfer", id, "--to", "INST", "--reason", "安装问题", "--as", "zhangsan", "--lang", language,
        ])
        return (id, shown["deadlines"]?.arrayValue?.first { $0["kind"] == .string("reply") })
    }

    @Test("one working day over 元旦, 端午 and 中秋 of 2027, each said to be provisional")
    func threeProvisionalCases() throws {
        let (daemon, _) = try centre(at: "2026-12-31T10:00:00+08:00")
        let (_, newYear) = try transferred(daemon)
        #expect(newYear?["due_at"] == .string("2027-01-04T10:00:00+08:00"))
        #expect(newYear?["provisional"] == .bool(true))
        let english = newYear?["explanation"]?.stringValue ?? ""
        #expect(english.contains("Skipped: Fri 2027-01-01 (holiday: 元旦 New Year's Day)"))
        #expect(english.contains("Provisional: Fri 2027-01-01 (元旦 New Year's Day) computed from the statutory"))

        _ = try daemon.ctlJSON(["clock", "set", "2027-06-08T10:00:00+08:00"])
        let (_, dragonBoat) = try transferred(daemon, language: "zh")
        #expect(dragonBoat?["due_at"] == .string("2027-06-10T10:00:00+08:00"))
        let chinese = dragonBoat?["explanation"]?.stringValue ?? ""
        #expect(chinese.contains("暂定:2027-06-09(周三)(端午节 Dragon Boat Festival)系按法定节假日规则推算"))

        _ = try daemon.ctlJSON(["clock", "set", "2027-09-14T10:00:00+08:00"])
        let (id, midAutumn) = try transferred(daemon)
        #expect(midAutumn?["due_at"] == .string("2027-09-16T10:00:00+08:00"))
        #expect(midAutumn?["explanation"]?.stringValue?.contains("Provisional: Wed 2027-09-15") == true)

        // The text of `complaint show` carries the explanation too.
        let text = try daemon.ctl(["complaint", "show", id, "--lang", "zh"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("暂定:2027-09-15(周三)(中秋节 Mid-Autumn Festival)"))
        daemon.stop()
    }

    @Test("calendar show marks provisional days; the official 2026 stays unmarked")
    func calendarShowMarks() throws {
        let (daemon, _) = try centre(at: "2026-11-30T09:00:00+08:00")
        let january = try daemon.ctlJSON(["calendar", "show", "--month", "2027-01"])
        #expect(january["official"] == .bool(false))
        #expect(january["calendar_official_through"] == .string("2026-12-31"))
        let first = january["days"]?.arrayValue?.first
        #expect(first?["date"] == .string("2027-01-01"))
        #expect(first?["working"] == .bool(false))
        #expect(first?["override"] == .string("holiday"))
        #expect(first?["provisional"] == .bool(true))
        #expect(january["days"]?.arrayValue?.filter { $0["provisional"] == .bool(true) }.count == 1)
        let october = try daemon.ctlJSON(["calendar", "show", "--month", "2026-10"])
        #expect(october["official"] == .bool(true))
        #expect(october["days"]?.arrayValue?.allSatisfy { $0["provisional"] == .bool(false) } == true)

        let english = try daemon.ctl(["calendar", "show", "--month", "2027-02"])
        #expect(english.stdout.contains("holiday 春节 Spring Festival (provisional)"))
        #expect(english.stdout.contains("holiday 春节补休 Spring Festival, day off in lieu (provisional)"))
        #expect(english.stdout.contains("No official holiday schedule is imported for this year"))
        let chinese = try daemon.ctl(["calendar", "show", "--month", "2027-02", "--lang", "zh"])
        #expect(chinese.stdout.contains("节假日 春节 Spring Festival（暂定）"))
        let official = try daemon.ctl(["calendar", "show", "--month", "2026-10"])
        #expect(!official.stdout.contains("provisional") && !official.stdout.contains("No official"))
        daemon.stop()
    }

    @Test("status warns from warn_from (1 December by default) that next year's schedule is missing; journal too")
    func statusWarnsFromWarnFrom() throws {
        let (daemon, _) = try centre(at: "2026-11-30T23:59:00+08:00")
        let before = try daemon.ctlJSON(["status"])
        #expect(before["calendar_official_through"] == .string("2026-12-31"))
        #expect(before["warnings"] == .array([]))
        _ = try daemon.ctlJSON(["clock", "advance", "1m"])
        let after = try daemon.ctlJSON(["status"])
        let warnings = after["warnings"]?.arrayValue ?? []
        #expect(warnings.count == 1)
        #expect(
            warnings.first?.stringValue?.contains("next year's official holiday schedule (2027) is not imported")
                == true
        )
        let chinese = try daemon.ctl(["status", "--lang", "zh"])
        #expect(chinese.stdout.contains("警告：尚未导入下一年度（2027 年）官方放假安排"))
        // The daemon says it in its log (the journal under systemd) within its 5-second status round.
        TestEnvironment.waitUntil(timeout: 12) {
            daemon.log().contains("next year's official holiday schedule (2027) is not imported")
        }
        #expect(daemon.log().contains("next year's official holiday schedule (2027) is not imported"))
        // In 2027 with no schedule imported, the current year is the problem all year round.
        _ = try daemon.ctlJSON(["clock", "set", "2027-03-01T09:00:00+08:00"])
        #expect(
            try daemon.ctlJSON(["status"])["warnings"]?.arrayValue?.first?.stringValue?.contains(
                "no official holiday schedule for the current year 2027"
            ) == true
        )
        daemon.stop()
    }

    @Test("[calendar] warn_from moves the warning earlier; a bad value stops the daemon with the key named")
    func warnFromConfigured() throws {
        let config = NSTemporaryDirectory() + "hotlined-warn-\(UUID().uuidString).toml"
        defer { try? FileManager.default.removeItem(atPath: config) }
        try "[calendar]\nwarn_from = \"11-15\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let (daemon, database) = try centre(at: "2026-11-20T09:00:00+08:00", extra: ["--config", config])
        #expect(try daemon.ctlJSON(["status"])["warnings"]?.arrayValue?.count == 1)
        daemon.stop()
        try "[calendar]\nwarn_from = \"13-01\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try ProcessRunner.run([
            TestEnvironment.binDirectory + "/hotlined", "migrate", "--config", config, "--database", database,
        ])
        #expect(bad.status == 78)
        #expect(bad.stderr.contains("calendar.warn_from"))
    }

    /// A 2027 schedule in the State Council's shape: every statutory day off, the Spring Festival as 5–11 February,
    /// and Saturday 20 February worked.
    private static let official2027 = """
        # 2027 (a test's schedule)
        2027-01-01 holiday 元旦
        2027-02-05 holiday 春节
        2027-02-06 holiday 春节
        2027-02-07 holiday 春节
        2027-02-08 holiday 春节
        2027-02-09 holiday 春节
        2027-02-10 holiday 春节
        2027-02-11 holiday 春节
        2027-02-20 workday 春节调休
        2027-04-05 holiday 清明节
        2027-05-01 holiday 劳动节
        2027-05-02 holiday 劳动节
        2027-06-09 holiday 端午节
        2027-09-15 holiday 中秋节
        2027-10-01 holiday 国庆节
        2027-10-02 holiday 国庆节
        2027-10-03 holiday 国庆节

        """

    @Test("importing the official schedule moves a pending deadline, records why, and leaves a met one")
    func importMovesPendingDeadlines() throws {
        let (daemon, database) = try centre(at: "2027-02-04T10:00:00+08:00")
        // Both transferred at 10:00 over the provisional Spring Festival; A is replied at 10:30, so its reply
        // deadline is met; B's is pending.
        let (met, metReply) = try transferred(daemon)
        let (pending, pendingReply) = try transferred(daemon)
        _ = try daemon.ctlJSON(["complaint", "accept", met, "--as", "wangwu"])
        _ = try daemon.ctlJSON(["clock", "advance", "30m"])
        _ = try daemon.ctlJSON(["complaint", "reply", met, "--result", "已上门检修", "--as", "wangwu"])
        #expect(metReply?["due_at"] == .string("2027-02-11T10:00:00+08:00"))
        #expect(pendingReply?["due_at"] == .string("2027-02-11T10:00:00+08:00"))
        #expect(pendingReply?["provisional"] == .bool(true))

        let file = daemon.directory + "/cn-2027.txt"
        try ProvisionalCalendarTests.official2027.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = try daemon.ctlJSON(["calendar", "import", file])
        #expect(imported["official_years"] == .array([.int(2027)]))
        #expect(imported["calendar_official_through"] == .string("2027-12-31"))
        let moved = imported["moved_deadlines"]?.arrayValue ?? []
        #expect(moved.count == 1)
        #expect(moved.first?["complaint"] == .string(pending))
        #expect(moved.first?["old_due_at"] == .string("2027-02-11T10:00:00+08:00"))
        #expect(moved.first?["new_due_at"] == .string("2027-02-12T10:00:00+08:00"))

        // The pending reply deadline: 420 minutes on Thursday, 5–11 February off, 60 minutes on Friday 12th.
        let shown = try daemon.ctlJSON(["complaint", "show", pending])
        let reply = shown["deadlines"]?.arrayValue?.first { $0["kind"] == .string("reply") }
        #expect(reply?["due_at"] == .string("2027-02-12T10:00:00+08:00"))
        #expect(reply?["state"] == .string("pending"))
        #expect(reply?["provisional"] == .bool(false))
        #expect(reply?["explanation"]?.stringValue?.contains("Provisional") == false)
        let move = reply?["moves"]?.arrayValue?.first
        #expect(reply?["moves"]?.arrayValue?.count == 1)
        #expect(move?["old_due_at"] == .string("2027-02-11T10:00:00+08:00"))
        #expect(move?["new_due_at"] == .string("2027-02-12T10:00:00+08:00"))
        #expect(move?["source"] == .string(file))
        #expect(move?["by"] == .string("root"))
        #expect(move?["changed_days"] == .array([.string("2027-02-11")]))
        let text = try daemon.ctl(["complaint", "show", pending])
        #expect(text.stdout.contains("Due time moved from 2027-02-11T10:00:00+08:00 to 2027-02-12T10:00:00+08:00"))
        #expect(text.stdout.contains("changed 2027-02-11"))
        let chinese = try daemon.ctl(["complaint", "show", pending, "--lang", "zh"])
        #expect(chinese.stdout.contains("到期时间已由 2027-02-11T10:00:00+08:00 调整为 2027-02-12T10:00:00+08:00"))

        // The met deadline stays as it was, with no move.
        let metShown = try daemon.ctlJSON(["complaint", "show", met])
        let metDeadline = metShown["deadlines"]?.arrayValue?.first { $0["kind"] == .string("reply") }
        #expect(metDeadline?["state"] == .string("met"))
        #expect(metDeadline?["due_at"] == .string("2027-02-11T10:00:00+08:00"))
        #expect(metDeadline?["provisional"] == .bool(true))
        #expect(metDeadline?["moves"] == .array([]))

        // The warning time moved with the due time: 80 % of 2027-02-04 10:00 → 2027-02-12 10:00.
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let row = try #require(
            try connection.query(
                """
                SELECT to_char(warn_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') AS warn,
                    (SELECT count(*) FROM hotline.deadline_moves) AS moves
                FROM hotline.deadlines WHERE complaint_id = $1::bigint AND kind = 'reply'
                """,
                [pending]
            ).first
        )
        #expect(try row.decode("warn", as: String.self) == "2027-02-10 19:36")
        #expect(try row.decode("moves", as: Int.self) == 1)

        // The year is official now: no warning, no provisional day in February.
        #expect(try daemon.ctlJSON(["status"])["warnings"] == .array([]))
        let february = try daemon.ctlJSON(["calendar", "show", "--month", "2027-02"])
        #expect(february["days"]?.arrayValue?.contains { $0["provisional"] == .bool(true) } == false)
        #expect(february["days"]?.arrayValue?.first { $0["date"] == .string("2027-02-20") }?["working"] == .bool(true))
        // Importing the same file again changes nothing and moves nothing.
        let again = try daemon.ctlJSON(["calendar", "import", file])
        #expect(again["moved_deadlines"] == .array([]))
        #expect(try daemon.ctlJSON(["audit", "verify"])["ok"] == .bool(true))
        daemon.stop()
    }
}
