import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import HotlineTestSupport
import Testing

/// SPEC §10 through real daemons and hotlinectl: every change tells exactly the people of the table, in the
/// transaction of the change; inboxes, read receipts, the duty roster and the urgent follow-up to the GMs.
@Suite("Notices")
struct NoticesTests {
    private func centre(_ database: String? = nil, start: String = "2026-11-30T09:00:00+08:00") throws
        -> (DaemonHarness, String)
    {
        let database = try database ?? TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(arguments: ["--database", database, "--clock", "manual", "--clock-start", start])
        return (daemon, database)
    }

    private func setUp(_ daemon: DaemonHarness) throws {
        for (code, name, coordination) in [
            ("QA", "质检部", true), ("SVC", "客服部", false), ("INST", "安装部", false), ("PROP", "物业部", false),
        ] {
            _ = try daemon.ctlJSON(["dept", "add", code, "--name", name] + (coordination ? ["--coordination"] : []))
        }
        for (login, name, department, roles) in [
            ("zhangsan", "张三", "SVC", ["operator"]), ("qianba", "钱八", "SVC", ["operator"]),
            ("wangwu", "王五", "INST", ["handler"]), ("zhouyi", "周一", "INST", ["handler"]),
            ("sunqi", "孙七", "PROP", ["handler"]), ("zhaoliu", "赵六", "QA", ["supervisor", "qa"]),
            ("chen", "陈值班", "SVC", ["supervisor"]), ("vpwu", "吴副总", "SVC", ["vp"]), ("gmli", "李总", "SVC", ["gm"]),
        ] {
            _ = try daemon.ctlJSON(
                ["staff", "add", login, "--name", name, "--dept", department] + roles.flatMap { ["--role", $0] }
            )
        }
    }

    private func act(_ daemon: DaemonHarness, _ login: String, _ arguments: [String]) throws -> JSONValue {
        try daemon.ctlJSON(["complaint"] + arguments + ["--as", login])
    }

    /// The notices of a complaint after `after` (an id), as `topic: recipient, recipient` in order.
    private func notices(_ connection: PGConnection, complaint: String, after: Int64 = 0) throws -> [String] {
        try connection.query(
            """
            SELECT n.topic || ': ' || string_agg(r.kind || ' ' || r.name, ', ' ORDER BY r.kind, r.name) AS line
            FROM hotline.notices n JOIN hotline.notice_recipients r ON r.notice_id = n.id
            WHERE n.complaint_id = $1::bigint AND n.id > $2
            GROUP BY n.id, n.topic ORDER BY n.id
            """,
            [complaint, String(after)]
        ).map { try $0.decode("line") }
    }

    private func lastNotice(_ connection: PGConnection) throws -> Int64 {
        try connection.query("SELECT coalesce(max(id), 0) AS id FROM hotline.notices").first?.decode("id") ?? 0
    }

    @Test("every row of SPEC §10's table tells exactly its recipients")
    func everyRow() throws {
        let (daemon, database) = try centre()
        try setUp(daemon)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        func step(_ complaint: String, _ login: String, _ arguments: [String]) throws -> [String] {
            let before = try lastNotice(connection)
            _ = try act(daemon, login, arguments)
            return try notices(connection, complaint: complaint, after: before)
        }
        // Urgent filing with nobody on duty: every vp.
        let urgent = try #require(
            try act(daemon, "zhangsan", ["file", "--matter", "燃气泄漏", "--urgent"])["id"]?.stringValue
        )
        #expect(try notices(connection, complaint: urgent) == ["urgent_complaint: role vp"])
        // With a leader on duty: that leader.
        _ = try daemon.ctlJSON([
            "duty", "set", "chen", "--from", "2026-11-30T08:00:00+08:00", "--to", "2026-11-30T20:00:00+08:00",
        ])
        let second = try #require(
            try act(daemon, "zhangsan", ["file", "--matter", "电梯困人", "--urgent"])["id"]?.stringValue
        )
        #expect(try notices(connection, complaint: second) == ["urgent_complaint: staff chen"])

        let id = try #require(try act(daemon, "zhangsan", ["file", "--matter", "热水器漏水"])["id"]?.stringValue)
        #expect(try notices(connection, complaint: id).isEmpty)
        #expect(
            try step(id, "zhangsan", ["transfer", id, "--to", "INST", "--reason", "安装"]) == [
                "transferred: department INST"
            ]
        )
        #expect(try step(id, "wangwu", ["return", id, "--reason", "属物业"]) == ["returned: department QA"])
        #expect(
            try step(id, "zhaoliu", ["reroute", id, "--to", "PROP", "--reason", "物业报修"]) == [
                "rerouted: department PROP"
            ]
        )
        // Accepting oneself tells nobody; naming another handler tells the handler.
        #expect(try step(id, "sunqi", ["accept", id]).isEmpty)
        let other = try #require(try act(daemon, "zhangsan", ["file", "--matter", "安装延误"])["id"]?.stringValue)
        _ = try act(daemon, "zhangsan", ["transfer", other, "--to", "INST", "--reason", "安装"])
        #expect(
            try step(other, "wangwu", ["accept", other, "--handler", "zhouyi"]) == ["handler_assigned: staff zhouyi"]
        )
        #expect(
            try step(other, "zhangsan", ["urge", other, "--note", "客户再次来电"])
                == ["urged: department INST, staff zhouyi"]
        )
        #expect(
            try step(other, "zhaoliu", ["escalate", other, "--to", "vp", "--reason", "多次催办"]) == ["escalated: role vp"]
        )
        #expect(
            try step(
                other,
                "zhouyi",
                ["extend", other, "--by", "1 working day", "--reason", "等配件", "--approved-by", "zhaoliu"]
            )
                == ["extended: department INST"]
        )
        #expect(
            try step(other, "zhangsan", ["handover", other, "--to", "qianba", "--approved-by", "zhaoliu"])
                == ["new_responsible_person: staff qianba"]
        )
        #expect(try step(other, "wangwu", ["reply", other, "--result", "已处理"]) == ["reply_feedback: staff zhangsan"])
        #expect(
            try step(other, "zhangsan", ["feedback", other, "--satisfaction", "1"])
                == ["redo: department INST, department QA"]
        )
        // An escalation to QA tells the QA department.
        let third = try #require(try act(daemon, "zhangsan", ["file", "--matter", "账单错误"])["id"]?.stringValue)
        #expect(
            try step(third, "zhangsan", ["escalate", third, "--to", "qa", "--reason", "来电人不满"]) == [
                "escalated: department QA"
            ]
        )
        // A low score on an answer given on the spot: the department that answered, and QA.
        let fourth = try #require(try act(daemon, "qianba", ["file", "--matter", "咨询"])["id"]?.stringValue)
        _ = try act(daemon, "qianba", ["resolve", fourth, "--answer", "已解释"])
        #expect(
            try step(fourth, "qianba", ["feedback", fourth, "--satisfaction", "2"])
                == ["low_satisfaction: department QA, department SVC"]
        )
        // A duplicate merged away while a department works on it: that department and its handler, not the
        // responsible person who merged it; the case that carries on tells nobody.
        let fifth = try #require(try act(daemon, "zhangsan", ["file", "--matter", "热水器又漏水"])["id"]?.stringValue)
        _ = try act(daemon, "zhangsan", ["transfer", fifth, "--to", "INST", "--reason", "安装"])
        _ = try act(daemon, "wangwu", ["accept", fifth, "--handler", "zhouyi"])
        let beforeMerge = try lastNotice(connection)
        #expect(
            try step(fifth, "zhangsan", ["merge", fifth, "--into", third, "--reason", "同一来电人重复投诉"])
                == ["merged: department INST, staff zhouyi"]
        )
        #expect(try notices(connection, complaint: third, after: beforeMerge).isEmpty)
        daemon.stop()
    }

    @Test("deadline warnings and breaches tell whoever must act; a breach QA too, a reply breach the first responder")
    func deadlineNotices() throws {
        let (daemon, database) = try centre()
        try setUp(daemon)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let idle = try #require(try act(daemon, "zhangsan", ["file", "--matter", "无人转交"])["id"]?.stringValue)
        let sent = try #require(try act(daemon, "zhangsan", ["file", "--matter", "无人答复"])["id"]?.stringValue)
        _ = try act(daemon, "zhangsan", ["transfer", sent, "--to", "INST", "--reason", "安装"])
        _ = try act(daemon, "wangwu", ["accept", sent])
        // The transfer deadline of `idle` warns at 48 minutes and breaches at 60 (wall clock).
        _ = try daemon.ctlJSON(["clock", "advance", "50m"])
        try TestEnvironment.waitUntil(timeout: 10) { try notices(connection, complaint: idle).count == 1 }
        #expect(try notices(connection, complaint: idle) == ["deadline_warning: staff zhangsan"])
        _ = try daemon.ctlJSON(["clock", "advance", "15m"])
        try TestEnvironment.waitUntil(timeout: 10) { try notices(connection, complaint: idle).count == 2 }
        #expect(
            try notices(connection, complaint: idle) == [
                "deadline_warning: staff zhangsan", "deadline_breach: department QA, staff zhangsan",
            ]
        )
        // The reply deadline of `sent` (one working day from 09:00) warns at 80 % (16:12) and breaches at 18:00.
        _ = try daemon.ctlJSON(["clock", "set", "2026-11-30T17:00:00+08:00"])
        try TestEnvironment.waitUntil(timeout: 10) {
            try notices(connection, complaint: sent).contains { $0.hasPrefix("deadline_warning") }
        }
        _ = try daemon.ctlJSON(["clock", "set", "2026-11-30T18:01:00+08:00"])
        try TestEnvironment.waitUntil(timeout: 10) {
            try notices(connection, complaint: sent).contains { $0.hasPrefix("deadline_breach") }
        }
        let lines = try notices(connection, complaint: sent)
        #expect(lines.contains("deadline_breach: department INST, department QA, staff zhangsan"))
        #expect(lines.contains("deadline_warning: department INST"))
        // The inbox says it in the reader's language.
        let inbox = try daemon.ctlJSON(["inbox", "--as", "zhangsan", "--lang", "zh"]).arrayValue ?? []
        #expect(
            inbox.contains {
                $0["topic"] == .string("deadline_breach") && $0["text"]?.stringValue?.contains("R6/R10：") == true
            }
        )
        daemon.stop()
    }

    @Test("a refused transition and a rolled-back one leave no notice")
    func noNoticeWithoutTheChange() throws {
        let (daemon, database) = try centre()
        try setUp(daemon)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let id = try #require(try act(daemon, "zhangsan", ["file", "--matter", "漏水"])["id"]?.stringValue)
        // Refused by a rule (R4: not to one's own department): nothing written.
        #expect(
            try daemon.ctl(["complaint", "transfer", id, "--to", "SVC", "--reason", "x", "--as", "zhangsan"]).status
                == 3
        )
        // Aborted inside its transaction: a trigger makes the hop insert fail after the notices would be written.
        try connection.runScript(
            """
            CREATE FUNCTION hotline.test_refuse_transfer() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.action = 'transferred' THEN RAISE EXCEPTION 'test: transfers refused'; END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER test_refuse_transfer BEFORE INSERT ON hotline.hops
                FOR EACH ROW EXECUTE FUNCTION hotline.test_refuse_transfer();
            """
        )
        #expect(
            try daemon.ctl(["complaint", "transfer", id, "--to", "INST", "--reason", "x", "--as", "zhangsan"]).status
                == 1
        )
        #expect(try notices(connection, complaint: id).isEmpty)
        try connection.runScript("DROP TRIGGER test_refuse_transfer ON hotline.hops;")
        _ = try act(daemon, "zhangsan", ["transfer", id, "--to", "INST", "--reason", "安装"])
        #expect(try notices(connection, complaint: id) == ["transferred: department INST"])
        daemon.stop()
    }

    @Test("inboxes: mine, my department's and my roles', nobody else's; read receipts are per person")
    func inboxes() throws {
        let (daemon, _) = try centre()
        try setUp(daemon)
        let id = try #require(try act(daemon, "zhangsan", ["file", "--matter", "热水器漏水"])["id"]?.stringValue)
        _ = try act(daemon, "zhangsan", ["transfer", id, "--to", "INST", "--reason", "安装"])
        _ = try act(daemon, "zhaoliu", ["escalate", id, "--to", "gm", "--reason", "重大"])
        func inbox(_ login: String, _ extra: [String] = []) throws -> [JSONValue] {
            try daemon.ctlJSON(["inbox", "--as", login] + extra).arrayValue ?? []
        }
        let wangwu = try inbox("wangwu")
        #expect(wangwu.count == 1)
        #expect(wangwu.first?["to"] == .object([("department", .string("INST"))]))
        #expect(wangwu.first?["topic"] == .string("transferred"))
        #expect(wangwu.first?["complaint"] == .string(id))
        #expect(wangwu.first?["read_at"] == .null)
        #expect(try inbox("gmli").first?["to"] == .object([("role", .string("gm"))]))
        #expect(try inbox("sunqi").isEmpty)
        #expect(try inbox("zhangsan").isEmpty)
        // wangwu reads it; zhouyi, of the same department, still has it unread.
        let noticeID = try #require(wangwu.first?["id"]?.stringValue)
        #expect(try daemon.ctlJSON(["inbox", "read", noticeID, "--as", "wangwu"])["read"] == .int(1))
        #expect(try inbox("wangwu").isEmpty)
        #expect(try inbox("wangwu", ["--all"]).first?["read_at"] != .null)
        #expect(try inbox("zhouyi").count == 1)
        // Not one's own: refused, nothing marked.
        let foreign = try daemon.ctl(["inbox", "read", noticeID, "--as", "sunqi"])
        #expect(foreign.status == 4)
        #expect(try inbox("zhouyi").count == 1)
        #expect(try daemon.ctlJSON(["inbox", "read", "--all", "--as", "zhouyi"])["read"] == .int(1))
        #expect(try inbox("zhouyi").isEmpty)
        // Text and the table in Chinese.
        let table = try daemon.ctl(["inbox", "--all", "--as", "wangwu", "--lang", "zh"])
        #expect(table.stdout.contains("转交贵部门"))
        #expect(table.stdout.contains("部门 INST"))
        // Root has no inbox of its own.
        #expect(try daemon.ctl(["inbox"]).status == 3)
        daemon.stop()
    }

    @Test("urgent: the leader on duty; unread after 10 minutes the GMs too, once, with two daemons running")
    func urgentFollowUp() throws {
        let (one, database) = try centre()
        try setUp(one)
        let (two, _) = try centre(database)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        // A leader must hold supervisor or vp (R12).
        let notLeader = try one.ctl([
            "duty", "set", "wangwu", "--from", "2026-11-30T08:00:00+08:00", "--to", "2026-11-30T20:00:00+08:00",
        ])
        #expect(notLeader.status == 3 && notLeader.stderr.contains("R12"))
        _ = try one.ctlJSON([
            "duty", "set", "chen", "--from", "2026-11-30T08:00:00+08:00", "--to", "2026-11-30T20:00:00+08:00",
        ])
        let shown = try one.ctlJSON(["duty", "show", "--at", "2026-11-30T12:00:00+08:00"]).arrayValue ?? []
        #expect(shown.map { $0["login"] } == [.string("chen")])
        #expect(try one.ctlJSON(["duty", "show", "--at", "2026-11-30T21:00:00+08:00"]) == .array([]))
        let read = try #require(try act(one, "zhangsan", ["file", "--matter", "电梯困人", "--urgent"])["id"]?.stringValue)
        let unread = try #require(
            try act(one, "zhangsan", ["file", "--matter", "燃气泄漏", "--urgent"])["id"]?.stringValue
        )
        let chenInbox = try one.ctlJSON(["inbox", "--as", "chen"]).arrayValue ?? []
        #expect(chenInbox.count == 2)
        let readID = try #require(chenInbox.first { $0["complaint"] == .string(read) }?["id"]?.stringValue)
        _ = try one.ctlJSON(["inbox", "read", readID, "--as", "chen"])
        // Nine minutes: nothing yet.
        _ = try one.ctlJSON(["clock", "advance", "9m"])
        _ = try two.ctlJSON(["clock", "advance", "9m"])
        Thread.sleep(forTimeInterval: 1.5)
        #expect(try notices(connection, complaint: unread) == ["urgent_complaint: staff chen"])
        // Past ten minutes, on both daemons: the unread one goes to the GMs, once; the read one does not.
        _ = try one.ctlJSON(["clock", "advance", "2m"])
        _ = try two.ctlJSON(["clock", "advance", "2m"])
        try TestEnvironment.waitUntil(timeout: 10) { try notices(connection, complaint: unread).count == 2 }
        Thread.sleep(forTimeInterval: 1.5)
        #expect(
            try notices(connection, complaint: unread) == ["urgent_complaint: staff chen", "urgent_unread: role gm"]
        )
        #expect(try notices(connection, complaint: read) == ["urgent_complaint: staff chen"])
        let gm = try one.ctlJSON(["inbox", "--as", "gmli", "--lang", "zh"]).arrayValue ?? []
        #expect(gm.count == 1 && gm.first?["text"]?.stringValue?.contains("燃气泄漏") == true)
        one.stop()
        two.stop()
    }

    @Test("watch --mine streams my new notices as they are written, and nobody else's")
    func watchMine() throws {
        let (daemon, _) = try centre()
        try setUp(daemon)
        let output = daemon.directory + "/watch.out"
        let watcher = try ChildProcess.spawn(
            TestEnvironment.binDirectory + "/hotlinectl",
            ["--socket", daemon.controlSocket, "watch", "--mine", "--json", "--as", "wangwu"],
            stdoutPath: output
        )
        defer {
            watcher.signal(SIGTERM)
            _ = try? watcher.wait()
        }
        // The watcher is listening once its first notice can arrive; file cases until one shows up.
        let first = try #require(try act(daemon, "zhangsan", ["file", "--matter", "甲"])["id"]?.stringValue)
        let notMine = try #require(try act(daemon, "zhangsan", ["file", "--matter", "乙"])["id"]?.stringValue)
        Thread.sleep(forTimeInterval: 1)
        _ = try act(daemon, "zhangsan", ["transfer", notMine, "--to", "PROP", "--reason", "物业"])
        _ = try act(daemon, "zhangsan", ["transfer", first, "--to", "INST", "--reason", "安装"])
        func lines() -> [JSONValue] {
            ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").split(separator: "\n")
                .compactMap { try? JSONValue.parse(Array($0.utf8)) }
        }
        TestEnvironment.waitUntil(timeout: 10) { !lines().isEmpty }
        #expect(lines().count == 1)
        #expect(lines().first?["complaint"] == .string(first))
        #expect(lines().first?["to"] == .object([("department", .string("INST"))]))
        daemon.stop()
    }
}
