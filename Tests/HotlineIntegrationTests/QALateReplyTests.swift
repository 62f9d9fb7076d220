import Foundation
import HotlineProtocol
import HotlineStore
import HotlineTestSupport
import Testing

/// Late replies after a redo (sql/006): a reply is late iff the reply deadline it answers — the most recent one of
/// its department started at or before it — was breached at or before it, and it counts late once.
extension QAReportTests {
    @Test("a late reply, a redo and a reply in time: one late and one in time, through the counters and the scan")
    func lateReplyThenRedoInTime() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(arguments: [
            "--database", database, "--clock", "manual", "--clock-start", "2026-11-02T09:00:00+08:00",
        ])
        defer { daemon.stop() }
        for (code, name, coordination) in [("QA", "质检部", true), ("SVC", "客服部", false), ("INST", "安装部", false)] {
            _ = try daemon.ctlJSON(["dept", "add", code, "--name", name] + (coordination ? ["--coordination"] : []))
        }
        for (login, department, roles) in [
            ("zhangsan", "SVC", ["operator"]), ("wangwu", "INST", ["handler"]),
            ("zhaoliu", "QA", ["supervisor", "qa"]),
        ] {
            _ = try daemon.ctlJSON(
                ["staff", "add", login, "--name", login, "--dept", department] + roles.flatMap { ["--role", $0] }
            )
        }
        func act(_ login: String, _ arguments: [String]) throws -> JSONValue {
            try daemon.ctlJSON(["complaint"] + arguments + ["--as", login])
        }
        func replyDeadlines(_ id: String) throws -> [String] {
            try act("zhaoliu", ["show", id])["deadlines"]?.arrayValue?
                .filter { $0["kind"] == .string("reply") }
                .compactMap { $0["state"]?.stringValue } ?? []
        }

        let id = try #require(try act("zhangsan", ["file", "--matter", "热水器漏水"])["id"]?.stringValue)
        _ = try act("zhangsan", ["transfer", id, "--to", "INST", "--reason", "安装"])
        _ = try act("wangwu", ["accept", id])
        // The reply day passes: the reply deadline is breached, then the reply comes late.
        _ = try daemon.ctlJSON(["clock", "set", "2026-11-03T11:00:00+08:00"])
        try TestEnvironment.waitUntil { try replyDeadlines(id) == ["breached"] }
        #expect(try replyDeadlines(id) == ["breached"])
        _ = try act("wangwu", ["reply", id, "--result", "已更换阀门"])
        // The caller's feedback an hour later is low: a redo with a new reply deadline (R16), answered well
        // within it.
        _ = try daemon.ctlJSON(["clock", "advance", "1h"])
        #expect(try act("zhangsan", ["feedback", id, "--satisfaction", "1"])["state"] == .string("accepted"))
        _ = try daemon.ctlJSON(["clock", "advance", "30m"])
        _ = try act("wangwu", ["reply", id, "--result", "已复查"])
        #expect(try replyDeadlines(id) == ["breached", "met"])

        let stats = try daemon.ctlJSON(["qa", "stats", "--period", "2026-11", "--as", "zhaoliu"])
        let inst = stats.arrayValue?.first { $0["department"] == .string("INST") }
        #expect(inst?["replied_late"] == .int(1))
        #expect(inst?["replied_in_time"] == .int(1))
        #expect(inst?["redos"] == .int(1))

        // The counters (kept by the triggers, and rebuilt) and the scan agree, for the period and its edges.
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let periods = [
            ("2026-11-01 00:00+08", "2026-12-01 00:00+08"),
            ("-infinity", "infinity"),
            ("2026-11-03 11:00+08", "2026-11-03 12:30+08"),
            ("2026-11-03 11:00:00.5+08", "2026-11-03 12:30:00.000001+08"),
            ("2026-11-03 10:59+08", "2026-11-03 11:00:00.000001+08"),
            ("2026-11-03 12:15+08", "2026-11-04 00:00+08"),
        ]
        for (from, to) in periods {
            #expect(try Self.differences(from, to, on: connection) == 0, "\(from) – \(to)")
        }
        let scan = try connection.query(
            "SELECT replied_in_time, replied_late FROM hotline.qa_department_stats_scan('-infinity', 'infinity') "
                + "WHERE department = 'INST'"
        ).first
        #expect(try scan?.decode("replied_in_time", as: Int.self) == 1)
        #expect(try scan?.decode("replied_late", as: Int.self) == 1)
        try connection.command("CREATE TEMP TABLE kept AS SELECT * FROM hotline.qa_counters")
        try connection.command("SELECT hotline.qa_rebuild_counters()")
        #expect(try Self.counterDrift(on: connection) == 0)
    }

    @Test("deadlines written after the replies, changed and deleted move the late replies as the scan counts them")
    func lateRepliesFromTheDeadlinesSide() throws {
        let database = try TestEnvironment.makeDatabase()
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(connection)
        // A bulk load: the hops first (two replies of D0, one of them after a redo), the deadlines afterwards.
        try connection.runScript(
            """
            INSERT INTO hotline.departments (code, name) VALUES ('D0', 'd0'), ('D1', 'd1');
            INSERT INTO hotline.staff (login, name, department, roles) VALUES ('s0', 's0', 'D0', '{operator}');
            INSERT INTO hotline.complaints (matter, first_responder, first_responder_dept, responsible, received_at)
                VALUES ('m', 's0', 'D1', 's0', '2026-11-02 09:00+08');
            INSERT INTO hotline.hops (complaint_id, seq, action, by_login, department, at, prev_hash, hash) VALUES
                (1, 1, 'replied', 's0', 'D0', '2026-11-03 10:00+08', NULL, sha256('1')),
                (1, 2, 'replied', 's0', 'D0', '2026-11-03 12:00+08', sha256('1'), sha256('2'));
            """
        )
        let steps = [
            // Two breached deadlines before the replies: both answer the later one and are late once each.
            """
            INSERT INTO hotline.deadlines (complaint_id, kind, department, started_at, due_at, state, breached_at)
            VALUES (1, 'reply', 'D0', '2026-11-02 09:00+08', '2026-11-02 10:00+08', 'breached', '2026-11-02 10:00+08'),
                (1, 'reply', 'D0', '2026-11-02 11:00+08', '2026-11-02 12:00+08', 'breached', '2026-11-02 12:00+08')
            """,
            // The redo's deadline, met by the second reply: no longer answering a breached one, it is in time.
            """
            INSERT INTO hotline.deadlines (complaint_id, kind, department, started_at, due_at, state, met_at)
            VALUES (1, 'reply', 'D0', '2026-11-03 11:00+08', '2026-11-04 11:00+08', 'met', '2026-11-03 12:00+08')
            """,
            // Moved after the second reply, that deadline no longer binds it: late again.
            """
            UPDATE hotline.deadlines SET started_at = '2026-11-03 12:30+08', due_at = '2026-11-04 12:30+08'
            WHERE id = 3
            """,
            // Gone: both replies answer the second breached deadline.
            "DELETE FROM hotline.deadlines WHERE id = 3",
            // Its breach taken back (a clock set back): both replies in time.
            "UPDATE hotline.deadlines SET state = 'pending', breached_at = NULL WHERE id = 2",
            // Removed altogether: the first breached deadline is answered again.
            "DELETE FROM hotline.deadlines WHERE id = 2",
        ]
        let expected = [(0, 2), (1, 1), (0, 2), (0, 2), (2, 0), (0, 2)]
        for (step, (inTime, late)) in zip(steps, expected) {
            try connection.command(step)
            let row = try connection.query(
                "SELECT replied_in_time, replied_late FROM hotline.qa_department_stats('-infinity', 'infinity') "
                    + "WHERE department = 'D0'"
            ).first
            #expect(try row?.decode("replied_in_time", as: Int.self) == inTime, "\(step)")
            #expect(try row?.decode("replied_late", as: Int.self) == late, "\(step)")
            #expect(try Self.differences("-infinity", "infinity", on: connection) == 0, "\(step)")
            #expect(try Self.differences("2026-11-03 10:00+08", "2026-11-03 11:59+08", on: connection) == 0, "\(step)")
        }
        try connection.command("CREATE TEMP TABLE kept AS SELECT * FROM hotline.qa_counters")
        try connection.command("SELECT hotline.qa_rebuild_counters()")
        #expect(try Self.counterDrift(on: connection) == 0)
    }

    /// Rows that differ between the counters kept in the temporary table `kept` and the current ones, leaving out
    /// rows of zeros (counts that moved elsewhere leave them behind in the kept ones).
    static func counterDrift(on connection: PGConnection) throws -> Int {
        try connection.query(
            """
            WITH nonzero AS (
                SELECT * FROM kept
                WHERE (received, resolved_on_spot, transferred_out, transferred_in, replied, replied_late,
                    transfer_overdue, reply_overdue, misroutes, escalations_qa, escalations_vp, escalations_gm,
                    extensions, redos, satisfaction_sum, satisfaction_count, transferred_late, satisfied,
                    first_answers, first_answers_with_feedback, missed_calls, called_back)
                    <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            )
            SELECT count(*) AS n FROM (
                (SELECT * FROM nonzero EXCEPT ALL SELECT * FROM hotline.qa_counters)
                UNION ALL (SELECT * FROM hotline.qa_counters EXCEPT ALL SELECT * FROM nonzero)
            ) AS d
            """
        ).first?.decode("n", as: Int.self) ?? -1
    }
}
