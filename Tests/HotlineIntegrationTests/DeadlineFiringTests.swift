import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import HotlineTestSupport
import Testing

/// Deadlines firing through real daemons on the manual clock (issue 5): breaches, escalations, the ladder,
/// announcements, restarts and several daemons on one database.
@Suite("Deadlines firing")
struct DeadlineFiringTests {
    private static let start = "2026-11-30T09:00:00+08:00"

    private func setUpCentre(_ daemon: DaemonHarness) throws {
        _ = try daemon.ctlJSON(["dept", "add", "QA", "--name", "质检部", "--coordination"])
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        _ = try daemon.ctlJSON(["dept", "add", "INST", "--name", "安装部"])
        _ = try daemon.ctlJSON(["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--role", "operator"])
        _ = try daemon.ctlJSON(["staff", "add", "wangwu", "--name", "王五", "--dept", "INST", "--role", "handler"])
    }

    private func manualDaemon(_ database: String, start: String = DeadlineFiringTests.start, extra: [String] = [])
        throws -> DaemonHarness
    {
        try DaemonHarness(arguments: ["--database", database, "--clock", "manual", "--clock-start", start] + extra)
    }

    private func file(_ daemon: DaemonHarness, _ matter: String) throws -> String {
        try #require(
            try daemon.ctlJSON(["complaint", "file", "--matter", matter, "--as", "zhangsan"])["id"]?.stringValue
        )
    }

    private func deadline(_ complaint: JSONValue, _ kind: String) -> JSONValue? {
        complaint["deadlines"]?.arrayValue?.first { $0["kind"] == .string(kind) }
    }

    @Test("the 1-hour transfer deadline breaches, escalates to QA, and is announced by NOTIFY and watch")
    func transferBreach() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try manualDaemon(database)
        try setUpCentre(daemon)
        let listener = try PGConnection(conninfo: database)
        defer { listener.close() }
        try listener.listen("hotline_events")
        let watchOutput = daemon.directory + "/watch.out"
        let watch = try ChildProcess.spawn(
            TestEnvironment.binDirectory + "/hotlinectl",
            ["watch", "--json", "--socket", daemon.controlSocket],
            stdoutPath: watchOutput
        )
        defer {
            watch.signal(SIGTERM)
            _ = try? watch.wait(timeout: 5)
        }
        Thread.sleep(forTimeInterval: 0.5)
        let id = try file(daemon, "一小时内未转交")
        _ = try daemon.ctlJSON(["clock", "advance", "59m"])
        Thread.sleep(forTimeInterval: 0.3)
        #expect(deadline(try daemon.ctlJSON(["complaint", "show", id]), "transfer")?["state"] == .string("pending"))
        _ = try daemon.ctlJSON(["clock", "advance", "2m"])
        let shown = try daemon.complaintShown(id) { self.deadline($0, "transfer")?["state"] == .string("breached") }
        #expect(deadline(shown, "transfer")?["state"] == .string("breached"))
        #expect(deadline(shown, "transfer")?["breached_at"] == .string("2026-11-30T10:01:00+08:00"))
        #expect(shown["escalation_level"] == .string("qa"))
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let escalations = try connection.query(
            "SELECT kind, level, department, by_login FROM hotline.escalations WHERE complaint_id = $1::bigint",
            [id]
        )
        #expect(escalations.count == 1)
        #expect(try escalations.first?.decode("kind", as: String.self) == "transfer_overdue")
        #expect(try escalations.first?.decode("department", as: String.self) == "SVC")
        #expect(try escalations.first?.decodeIfPresent("by_login", as: String.self) == nil)
        // The warning at 80 % (10:48 of the hour) and the breach were both announced.
        var payloads: [String] = []
        let until = Date().addingTimeInterval(3)
        while payloads.count < 2 && Date() < until {
            payloads += try listener.waitForNotifications(timeout: .milliseconds(200)).map(\.payload)
        }
        // Each notification carries an array of events.
        let events = try payloads.flatMap { try JSONValue.parse(Array($0.utf8)).arrayValue ?? [] }
        #expect(events.map { $0["event"] } == [.string("warning"), .string("breach")])
        #expect(events.last?["complaint"] == .string(id))
        #expect(events.last?["escalation"] == .string("qa"))
        let watched = (try? String(contentsOfFile: watchOutput, encoding: .utf8)) ?? ""
        #expect(watched.contains(#""event":"breach""#))
        daemon.stop()
    }

    @Test("a deadline met before it is due never fires; a late reply climbs the ladder to VP and GM")
    func metAndLadder() throws {
        let daemon = try manualDaemon(try TestEnvironment.makeDatabase())
        try setUpCentre(daemon)
        let resolved = try file(daemon, "当场答复")
        _ = try daemon.ctlJSON(["complaint", "resolve", resolved, "--answer", "已答复", "--as", "zhangsan"])
        let late = try file(daemon, "迟迟未答复")
        _ = try daemon.ctlJSON(["complaint", "transfer", late, "--to", "INST", "--reason", "安装", "--as", "zhangsan"])
        _ = try daemon.ctlJSON(["complaint", "accept", late, "--as", "wangwu"])
        // Past the reply deadline (18:00), then past both ladder rungs (Tue 18:00, Wed 18:00).
        _ = try daemon.ctlJSON(["clock", "set", "2026-11-30T18:01:00+08:00"])
        var shown = try daemon.complaintShown(late) { $0["escalation_level"] == .string("qa") }
        #expect(deadline(shown, "reply")?["state"] == .string("breached"))
        _ = try daemon.ctlJSON(["clock", "set", "2026-12-02T18:01:00+08:00"])
        shown = try daemon.complaintShown(late) { $0["escalation_level"] == .string("gm") }
        #expect(shown["escalation_level"] == .string("gm"))
        #expect(deadline(shown, "reply_vp")?["state"] == .string("breached"))
        #expect(deadline(shown, "reply_gm")?["due_at"] == .string("2026-12-02T18:00:00+08:00"))
        let untouched = try daemon.ctlJSON(["complaint", "show", resolved])
        #expect(untouched["escalation_level"] == .string("none"))
        #expect(deadline(untouched, "transfer")?["state"] == .string("met"))
        daemon.stop()
    }

    @Test("deadlines due while no daemon ran fire at start-up, marked late, each exactly once")
    func restart() throws {
        let database = try TestEnvironment.makeDatabase()
        let first = try manualDaemon(database)
        try setUpCentre(first)
        let ids = try (0..<3).map { try file(first, "停机期间到期 \($0)") }
        #expect(first.stop() == 0)
        let second = try manualDaemon(database, start: "2026-11-30T13:00:00+08:00")
        for id in ids {
            let shown = try second.complaintShown(id) { self.deadline($0, "transfer")?["state"] == .string("breached") }
            #expect(deadline(shown, "transfer")?["state"] == .string("breached"))
        }
        #expect(second.stop() == 0)
        let third = try manualDaemon(database, start: "2026-11-30T14:00:00+08:00")
        Thread.sleep(forTimeInterval: 1.5)
        #expect(third.stop() == 0)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let row = try connection.query(
            """
            SELECT (SELECT count(*) FROM hotline.escalations WHERE kind = 'transfer_overdue') AS escalations,
                   (SELECT count(*) FROM hotline.deadlines WHERE kind = 'transfer' AND fired_late) AS late
            """
        ).first
        #expect(try row?.decode("escalations", as: Int.self) == 3)
        #expect(try row?.decode("late", as: Int.self) == 3)
    }

    @Test("two daemons on one database fire each of several hundred deadlines exactly once")
    func twoDaemons() throws {
        let database = try TestEnvironment.makeDatabase()
        let one = try manualDaemon(database)
        try setUpCentre(one)
        let two = try manualDaemon(database)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        // 400 complaints whose transfer deadlines fall due together, inserted directly for speed.
        try connection.runScript(
            """
            WITH filed AS (
                INSERT INTO hotline.complaints (matter, first_responder, first_responder_dept, responsible, received_at)
                SELECT '批量 ' || n, 'zhangsan', 'SVC', 'zhangsan', '2026-11-30 01:00:00+00'
                FROM generate_series(1, 400) AS n
                RETURNING id
            )
            INSERT INTO hotline.deadlines (complaint_id, kind, department, started_at, due_at)
            SELECT id, 'transfer', 'SVC', '2026-11-30 01:00:00+00', '2026-11-30 02:00:00+00' FROM filed;
            """
        )
        _ = try one.ctlJSON(["clock", "set", "2026-11-30T10:30:00+08:00"])
        _ = try two.ctlJSON(["clock", "set", "2026-11-30T10:30:00+08:00"])
        var pending = 400
        try TestEnvironment.waitUntil(timeout: 15) {
            pending =
                try connection.query(
                    "SELECT count(*) AS n FROM hotline.deadlines WHERE state = 'pending'"
                ).first?.decode("n", as: Int.self) ?? -1
            return pending == 0
        }
        #expect(pending == 0)
        let counts = try connection.query(
            """
            SELECT count(*) AS escalations, count(DISTINCT deadline_id) AS deadlines,
                   (SELECT count(*) FROM hotline.deadlines WHERE state = 'breached') AS breached
            FROM hotline.escalations WHERE kind = 'transfer_overdue'
            """
        ).first
        #expect(try counts?.decode("escalations", as: Int.self) == 400)
        #expect(try counts?.decode("deadlines", as: Int.self) == 400)
        #expect(try counts?.decode("breached", as: Int.self) == 400)
        one.stop()
        two.stop()
    }

    @Test("the notification command gets each event as JSON; a failing command does not stall the scheduler")
    func notificationCommand() throws {
        let directory = "/tmp/hl-notify-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sink = directory + "/events.ndjson"
        // Appends the event, and fails on purpose for warnings, which must not keep the breach from firing.
        let script = "cat >> \(sink); echo >> \(sink); grep -q '\"event\":\"warning\"' \(sink) && exit 7; exit 0"
        let config = directory + "/hotlined.toml"
        try
            "[policy]\nnotification_command = \"\(script.replacingOccurrences(of: "\"", with: "\\\""))\"\nnotification_timeout = 5\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try manualDaemon(try TestEnvironment.makeDatabase(), extra: ["--config", config])
        try setUpCentre(daemon)
        let id = try file(daemon, "通知脚本")
        _ = try daemon.ctlJSON(["clock", "advance", "50m"])
        Thread.sleep(forTimeInterval: 0.5)
        _ = try daemon.ctlJSON(["clock", "advance", "15m"])
        _ = try daemon.complaintShown(id) { self.deadline($0, "transfer")?["state"] == .string("breached") }
        let until = Date().addingTimeInterval(5)
        var lines: [String] = []
        while lines.count < 2 && Date() < until {
            Thread.sleep(forTimeInterval: 0.1)
            lines = ((try? String(contentsOfFile: sink, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
        let events = try lines.map { try JSONValue.parse(Array($0.utf8)) }
        #expect(events.map { $0["event"] } == [.string("warning"), .string("breach")])
        #expect(daemon.log().contains("notification command failed with status 7"))
        daemon.stop()
    }
}
