import Foundation
import HotlineProtocol
import HotlineStore
import HotlineTestSupport
import Testing

/// SPEC §2: resolved and replied cases close by themselves after `[policy] quiet_period` without feedback, signed
/// by the daemon, through real daemons and hotlinectl on the manual clock.
@Suite("Quiet-period close")
struct QuietPeriodTests {
    private func setUpCentre(_ daemon: DaemonHarness) throws {
        _ = try daemon.ctlJSON(["dept", "add", "QA", "--name", "质检部", "--coordination"])
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        _ = try daemon.ctlJSON(["dept", "add", "INST", "--name", "安装部"])
        _ = try daemon.ctlJSON(["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--role", "operator"])
        _ = try daemon.ctlJSON(["staff", "add", "wangwu", "--name", "王五", "--dept", "INST", "--role", "handler"])
    }

    private func manualDaemon(_ database: String, extra: [String] = []) throws -> DaemonHarness {
        try DaemonHarness(
            arguments: ["--database", database, "--clock", "manual", "--clock-start", "2026-11-30T09:00:00+08:00"]
                + extra
        )
    }

    private func act(_ daemon: DaemonHarness, as login: String, _ arguments: [String]) throws -> JSONValue {
        try daemon.ctlJSON(["complaint"] + arguments + ["--as", login])
    }

    @Test("a replied case closes when the default 3 working days have passed, not before; hotlined signs the hop")
    func repliedCaseCloses() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try manualDaemon(database)
        try setUpCentre(daemon)
        let id = try #require(try act(daemon, as: "zhangsan", ["file", "--matter", "热水器漏水"])["id"]?.stringValue)
        _ = try act(daemon, as: "zhangsan", ["transfer", id, "--to", "INST", "--reason", "安装问题"])
        _ = try daemon.ctlJSON(["clock", "advance", "20m"])
        _ = try act(daemon, as: "wangwu", ["accept", id])
        let replied = try act(daemon, as: "wangwu", ["reply", id, "--result", "已更换阀门"])
        #expect(replied["state"] == .string("replied"))
        // Replied Monday 09:20: three working days of 480 business minutes end Thursday 09:20 (a weekend in
        // between would not count).
        _ = try daemon.ctlJSON(["clock", "set", "2026-12-03T09:19:00+08:00"])
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try daemon.ctlJSON(["complaint", "show", id])["state"] == .string("replied"))
        _ = try daemon.ctlJSON(["clock", "advance", "2m"])
        let closed = try daemon.complaintShown(id) { $0["state"] == .string("closed") }
        #expect(closed["state"] == .string("closed"))
        let last = closed["hops"]?.arrayValue?.last
        #expect(last?["action"] == .string("closed"))
        #expect(last?["by"] == .string("hotlined"))
        #expect(last?["at"] == .string("2026-12-03T09:21:00+08:00"))
        #expect(closed["hops"]?.arrayValue?.filter { $0["action"] == .string("closed") }.count == 1)
        #expect(try daemon.ctlJSON(["audit", "verify", id])["ok"] == .bool(true))
        #expect(try daemon.ctlJSON(["audit", "verify"])["ok"] == .bool(true))
        // Feedback after the quiet period is refused, naming R13, in the reader's language.
        let late = try daemon.ctl(["complaint", "feedback", id, "--satisfaction", "5", "--as", "zhangsan"])
        #expect(late.status == 3)
        #expect(late.stderr.contains("R13") && late.stderr.contains("quiet period"))
        let lateZh = try daemon.ctl(
            ["complaint", "feedback", id, "--satisfaction", "5", "--as", "zhangsan", "--lang", "zh"]
        )
        #expect(lateZh.stderr.contains("静默期满后办结"))
        // The daemon's record is in no staff list.
        let staff = try daemon.ctlJSON(["staff", "list"]).arrayValue ?? []
        #expect(!staff.contains { $0["login"] == .string("hotlined") })
        daemon.stop()
    }

    @Test("quiet_period from the config file; any hop on a waiting case starts the wait again")
    func configuredPeriod() throws {
        let database = try TestEnvironment.makeDatabase()
        let config = NSTemporaryDirectory() + "hotlined-quiet-\(UUID().uuidString).toml"
        try "[policy]\nquiet_period = \"2h\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let daemon = try manualDaemon(database, extra: ["--config", config])
        try setUpCentre(daemon)
        let id = try #require(try act(daemon, as: "zhangsan", ["file", "--matter", "查询账单"])["id"]?.stringValue)
        _ = try act(daemon, as: "zhangsan", ["resolve", id, "--answer", "已当场解释"])
        _ = try daemon.ctlJSON(["clock", "advance", "90m"])
        // An escalation 90 minutes in: the two hours count again from here.
        _ = try act(daemon, as: "zhangsan", ["escalate", id, "--to", "qa", "--reason", "来电人仍不满意"])
        _ = try daemon.ctlJSON(["clock", "advance", "119m"])
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try daemon.ctlJSON(["complaint", "show", id])["state"] == .string("resolved"))
        _ = try daemon.ctlJSON(["clock", "advance", "2m"])
        let closed = try daemon.complaintShown(id) { $0["state"] == .string("closed") }
        #expect(closed["state"] == .string("closed"))
        #expect(closed["hops"]?.arrayValue?.last?["by"] == .string("hotlined"))
        #expect(try daemon.ctlJSON(["audit", "verify", id])["ok"] == .bool(true))
        daemon.stop()
    }

    @Test("two daemons on one database close each waiting case exactly once; older cases get their wait too")
    func twoDaemons() throws {
        let database = try TestEnvironment.makeDatabase()
        let one = try manualDaemon(database)
        try setUpCentre(one)
        let two = try manualDaemon(database)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        // 300 resolved cases due together, and 20 as migration 005 found them (no quiet_until yet), inserted
        // directly for speed; they have no hops, so each chain starts with the closing hop.
        try connection.runScript(
            """
            INSERT INTO hotline.complaints (state, matter, first_responder, first_responder_dept, responsible,
                received_at, quiet_until)
            SELECT 'resolved', '批量 ' || n, 'zhangsan', 'SVC', 'zhangsan', '2026-11-30 01:00:00+00',
                CASE WHEN n <= 300 THEN timestamptz '2026-11-30 02:00:00+00' END
            FROM generate_series(1, 320) AS n;
            """
        )
        _ = try one.ctlJSON(["clock", "set", "2026-12-10T10:30:00+08:00"])
        _ = try two.ctlJSON(["clock", "set", "2026-12-10T10:30:00+08:00"])
        var waiting = 320
        try TestEnvironment.waitUntil(timeout: 15) {
            waiting =
                try connection.query(
                    "SELECT count(*) AS n FROM hotline.complaints WHERE state = 'resolved'"
                ).first?.decode("n", as: Int.self) ?? -1
            return waiting == 0
        }
        #expect(waiting == 0)
        let counts = try connection.query(
            """
            SELECT count(*) AS hops, count(DISTINCT complaint_id) AS complaints,
                count(*) FILTER (WHERE by_login = 'hotlined' AND department IS NULL) AS by_daemon
            FROM hotline.hops WHERE action = 'closed'
            """
        ).first
        #expect(try counts?.decode("hops", as: Int.self) == 320)
        #expect(try counts?.decode("complaints", as: Int.self) == 320)
        #expect(try counts?.decode("by_daemon", as: Int.self) == 320)
        #expect(try one.ctlJSON(["audit", "verify"])["ok"] == .bool(true))
        one.stop()
        two.stop()
    }
}
