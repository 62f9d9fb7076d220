import Foundation
import HotlineProtocol
import HotlineStore
import HotlineTestSupport
import Testing

/// The operator's desk in QA's figures (issue 12, sql/012): missed calls from the PBX, call-backs that reached the
/// caller and repeat callers, through real hotlined and hotlinectl processes, held to a scan of the tables before
/// and after a rebuild of the counters.
extension QAReportTests {
    /// The desk's three figures of a `qa stats --json` row.
    static func desk(_ row: JSONValue?) -> [Int] {
        ["missed_calls", "called_back", "repeat_callers"].map { row?[$0]?.intValue ?? -1 }
    }

    /// The whole hotline's row of the desk table in `qa stats`' text: its three numbers.
    static func deskTotalsLine(_ text: String, _ wholeHotline: String) -> [String]? {
        text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }.last {
            $0.first == wholeHotline || $0.prefix(2) == ["Whole", "hotline"]
        }.map { Array($0.suffix(3)) }
    }

    @Test("missed calls, call-backs reached and repeat callers: per department and hotline, a scan's, after a rebuild")
    func deskFigures() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(arguments: [
            "--database", database, "--clock", "manual", "--clock-start", "2026-11-02T09:00:00+08:00",
        ])
        defer { daemon.stop() }
        for (code, name) in [("QA", "质检部"), ("SVC", "客服部"), ("INST", "安装部")] {
            _ = try daemon.ctlJSON(["dept", "add", code, "--name", name] + (code == "QA" ? ["--coordination"] : []))
        }
        for (login, department, roles, phoneExtension) in [
            ("zhangsan", "SVC", ["operator"], "8001"), ("lisi", "INST", ["operator"], "8101"),
            ("zhaoliu", "QA", ["supervisor", "qa"], "8301"),
        ] {
            _ = try daemon.ctlJSON(
                ["staff", "add", login, "--name", login, "--dept", department, "--extension", phoneExtension]
                    + roles.flatMap { ["--role", $0] }
            )
        }

        // The PBX: SVC's queue loses 9201 (abandoned) and 9202 (nobody answered) and answers 9204; 9203 is lost
        // from the shared queue `complaints`, which names no department; 9205's end arrives before its offer.
        let pbx = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        var acks = try pbx.exchange([
            Events.offered("d-1", call: "9201", at: "2026-11-02T08:40:00+08:00", from: "13811110000", queue: "SVC"),
            Events.ended("d-2", call: "9201", at: "2026-11-02T08:40:30+08:00", cause: "abandoned"),
            Events.offered("d-3", call: "9202", at: "2026-11-02T08:45:00+08:00", from: "13822220000", queue: "SVC"),
            Events.ended("d-4", call: "9202", at: "2026-11-02T08:45:20+08:00", cause: "no_answer"),
            Events.offered("d-5", call: "9203", at: "2026-11-02T08:50:00+08:00", from: "13833330000"),
            Events.ended("d-6", call: "9203", at: "2026-11-02T08:50:40+08:00", cause: "abandoned"),
            Events.offered("d-7", call: "9204", at: "2026-11-02T08:52:00+08:00", from: "13844440000", queue: "SVC"),
            Events.answered("d-8", call: "9204", at: "2026-11-02T08:52:05+08:00", agents: ["8001"]),
            Events.ended("d-9", call: "9204", at: "2026-11-02T08:55:00+08:00"),
            Events.ended("d-10", call: "9205", at: "2026-11-02T08:58:30+08:00", cause: "abandoned"),
        ])
        #expect(acks.allSatisfy { $0.isStored })
        func stats() throws -> JSONValue {
            try daemon.ctlJSON(["qa", "stats", "--period", "2026-11", "--as", "zhaoliu"])
        }
        func row(_ stats: JSONValue, _ code: String) -> JSONValue? {
            stats.arrayValue?.first { $0["department"] == .string(code) }
        }
        // A call without its offer has no hour to count at yet.
        #expect(Self.desk(row(try stats(), "SVC")) == [2, 0, 0])
        acks = try pbx.exchange([
            Events.offered("d-11", call: "9205", at: "2026-11-02T08:58:00+08:00", from: "13855550000", queue: "SVC")
        ])
        #expect(acks.allSatisfy { $0.isStored })
        #expect(Self.desk(row(try stats(), "SVC")) == [3, 0, 0])

        // Call-backs: 9201 reached at the second attempt, 9202's number was wrong, 9203 reached by INST's operator.
        _ = try daemon.ctlJSON(["callback", "done", "9201", "--outcome", "no_answer", "--as", "zhangsan"])
        #expect(Self.desk(row(try stats(), "SVC")) == [3, 0, 0])
        _ = try daemon.ctlJSON(["clock", "advance", "1h"])
        _ = try daemon.ctlJSON(["callback", "done", "9201", "--outcome", "reached", "--as", "zhangsan"])
        _ = try daemon.ctlJSON(["callback", "done", "9202", "--outcome", "wrong_number", "--as", "zhangsan"])
        _ = try daemon.ctlJSON(["callback", "done", "9203", "--outcome", "reached", "--as", "lisi"])

        // Complaints: 13811110000 twice to SVC (a repeat caller of SVC); 13866660000 once to SVC and once to INST
        // (a repeat caller of the hotline, of neither department); 13877770000 once.
        for (login, phone) in [
            ("zhangsan", "13811110000"), ("zhangsan", "138-1111-0000"), ("zhangsan", "13866660000"),
            ("lisi", "13866660000"), ("lisi", "13877770000"),
        ] {
            _ = try daemon.ctlJSON(["complaint", "file", "--phone", phone, "--matter", "热水器漏水", "--as", login])
        }

        var figures = try stats()
        #expect(Self.desk(row(figures, "SVC")) == [3, 1, 1])
        #expect(Self.desk(row(figures, "INST")) == [0, 0, 0])
        #expect(Self.desk(row(figures, "QA")) == [0, 0, 0])
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        func totals(_ function: String, _ from: String, _ to: String) throws -> [Int] {
            // The function's name is one of two constants of this test, never input.
            let found = try connection.query(
                "SELECT * FROM hotline.\(function)($1::timestamptz, $2::timestamptz)",
                [from, to]
            )
            .first
            return try ["missed_calls", "called_back", "repeat_callers"].map {
                try found?.decode($0, as: Int.self) ?? -1
            }
        }
        #expect(try totals("qa_desk_totals", "2026-11-01 00:00+08", "2026-12-01 00:00+08") == [4, 2, 2])

        // A late answer of 9202 (the PBX's event came after the end): no longer missed, nothing to call back.
        acks = try pbx.exchange([
            Events.answered("d-12", call: "9202", at: "2026-11-02T08:45:10+08:00", agents: ["8001"])
        ])
        #expect(acks.allSatisfy { $0.isStored })
        figures = try stats()
        #expect(Self.desk(row(figures, "SVC")) == [2, 1, 1])
        #expect(try totals("qa_desk_totals", "2026-11-01 00:00+08", "2026-12-01 00:00+08") == [3, 2, 2])

        // The JSON equals a scan of the tables, department by department and for the hotline, for the month, for
        // all time and for periods whose edges cut through the hours of the calls and the complaints.
        let scan = try connection.query(
            "SELECT * FROM hotline.qa_department_stats_scan('2026-11-01 00:00+08', '2026-12-01 00:00+08')"
        )
        #expect(scan.count == 3)
        for scanned in scan {
            let code = try scanned.decode("department", as: String.self)
            let expected = try ["missed_calls", "called_back", "repeat_callers"].map {
                try scanned.decode($0, as: Int.self)
            }
            #expect(Self.desk(row(figures, code)) == expected, "\(code)")
        }
        let periods = [
            ("2026-11-01 00:00+08", "2026-12-01 00:00+08"), ("-infinity", "infinity"),
            ("2026-11-02 08:45+08", "2026-11-02 08:58:00.5+08"), ("2026-11-02 08:50:00.5+08", "2026-11-02 10:00+08"),
            ("2026-11-02 09:30+08", "2026-11-02 10:00:00.000001+08"), ("2026-11-02 10:00+08", "2026-11-03 00:00+08"),
        ]
        for (from, to) in periods {
            #expect(try Self.differences(from, to, on: connection) == 0, "\(from) – \(to)")
            #expect(
                try totals("qa_desk_totals", from, to) == totals("qa_desk_totals_scan", from, to),
                "\(from) – \(to)"
            )
        }

        // The table, in both languages: the desk's columns by department and the whole hotline's (not their sum).
        let english = try daemon.ctl(["qa", "stats", "--period", "2026-11", "--as", "zhaoliu", "--lang", "en"])
        #expect(english.status == 0, "\(english.output)")
        for text in ["Missed calls", "Called back", "Repeat callers", "客服部 SVC"] {
            #expect(english.stdout.contains(text), "\(text) in:\n\(english.stdout)")
        }
        #expect(Self.deskTotalsLine(english.stdout, "Whole") == ["3", "2", "2"], "\(english.stdout)")
        let chinese = try daemon.ctl(["qa", "stats", "--period", "2026-11", "--as", "zhaoliu", "--lang", "zh"])
        for text in ["漏接来电", "回拨接通", "重复来电人"] { #expect(chinese.stdout.contains(text), "\(text)") }
        #expect(Self.deskTotalsLine(chinese.stdout, "全部热线") == ["3", "2", "2"], "\(chinese.stdout)")
        // CSV: the desk's columns after the place.
        let csv = try daemon.ctl(["qa", "stats", "--period", "2026-11", "--format", "csv", "--as", "zhaoliu"])
        let lines = csv.stdout.components(separatedBy: "\r\n")
        #expect(lines.first?.hasSuffix(",rank,missed_calls,called_back,repeat_callers") == true)
        #expect(lines.contains { $0.hasPrefix("SVC,") && $0.hasSuffix(",2,1,1") }, "\(lines)")

        // Rebuilt from the tables, the counters are what the triggers kept, and so are the figures.
        try connection.command("CREATE TEMP TABLE kept AS SELECT * FROM hotline.qa_counters")
        try connection.command("CREATE TEMP TABLE kept_chains AS SELECT * FROM hotline.qa_repeat_complaints")
        // 13811110000's second complaint in SVC and in the hotline; 13866660000's second in the hotline only.
        #expect(try connection.query("SELECT count(*) AS n FROM kept_chains").first?.decode("n", as: Int.self) == 3)
        #expect(
            try connection.query("SELECT sum(missed_calls) AS n FROM kept").first?.decode("n", as: Int.self) == 3
        )
        try connection.command("SELECT hotline.qa_rebuild_counters()")
        #expect(try Self.counterDrift(on: connection) == 0)
        let chainDrift = try connection.query(
            """
            SELECT count(*) AS n FROM (
                (SELECT * FROM kept_chains EXCEPT ALL SELECT * FROM hotline.qa_repeat_complaints)
                UNION ALL (SELECT * FROM hotline.qa_repeat_complaints EXCEPT ALL SELECT * FROM kept_chains)
            ) AS d
            """
        )
        #expect(try chainDrift.first?.decode("n", as: Int.self) == 0)
        #expect(try stats() == figures)
        for (from, to) in periods {
            #expect(try Self.differences(from, to, on: connection) == 0, "\(from) – \(to)")
            #expect(
                try totals("qa_desk_totals", from, to) == totals("qa_desk_totals_scan", from, to),
                "\(from) – \(to)"
            )
        }

        // hotline_qa reads the hotline's figures, not the counters behind them.
        try connection.command("SET ROLE hotline_qa")
        #expect(try connection.query("SELECT * FROM hotline.qa_desk_totals").count == 1)
        let denied = #expect(throws: PostgresError.self) {
            try connection.query("SELECT * FROM hotline.qa_repeat_complaints")
        }
        #expect(denied?.code == .insufficientPrivilege)
    }
}

extension QAReportTests {
    @Test("two connections filing for the same numbers and recording call-backs on the same calls at once agree")
    func concurrentDeskWriters() throws {
        let database = try TestEnvironment.makeDatabase()
        let setup = try PGConnection(conninfo: database)
        defer { setup.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(setup)
        let rounds = 30
        try setup.runScript(
            """
            INSERT INTO hotline.departments (code, name) VALUES ('D0', 'd0'), ('D1', 'd1');
            INSERT INTO hotline.staff (login, name, department, roles)
                VALUES ('s0', 's0', 'D0', '{operator}'), ('s1', 's1', 'D1', '{operator}');
            INSERT INTO hotline.calls (call_id, queue, offered_at, outcome)
            SELECT 'm' || n, 'D0', timestamptz '2026-11-02 09:00+08' + n * interval '1 minute', 'missed'
            FROM generate_series(0, \(rounds - 1)) AS n;
            """
        )
        // Each round: both writers file a complaint for the round's number (one in D0, one in D1) and record a
        // reached call-back on the round's call, in one transaction each, at the same time.
        let outcome = WriterOutcome()
        let group = DispatchGroup()
        for writer in 0..<2 {
            DispatchQueue.global().async(group: group) {
                do {
                    let connection = try PGConnection(conninfo: database)
                    defer { connection.close() }
                    for round in 0..<rounds {
                        try connection.transaction { connection in
                            try connection.command(
                                """
                                INSERT INTO hotline.complaints (matter, first_responder, first_responder_dept,
                                    responsible, received_at, caller_phone)
                                VALUES ('m', 's' || $1::text, 'D' || $1::text, 's' || $1::text,
                                    timestamptz '2026-11-02 10:00+08' + $2::int * interval '1 minute',
                                    '1380000' || lpad($2::text, 4, '0'))
                                """,
                                [String(writer), round]
                            )
                            try connection.command(
                                """
                                INSERT INTO hotline.callback_attempts (call_id, outcome, by_login, at)
                                VALUES ('m' || $1::text, 'reached', 's0', now())
                                """,
                                [String(round)]
                            )
                        }
                    }
                } catch {
                    outcome.fail("writer \(writer): \(error)")
                }
            }
        }
        group.wait()
        #expect(outcome.all.isEmpty, "\(outcome.all)")
        // Every number complained twice to the hotline (once to each department); every call was called back once.
        let totals = try setup.query("SELECT * FROM hotline.qa_desk_totals('2026-11-01', '2026-12-01')").first
        #expect(try totals?.decode("missed_calls", as: Int.self) == rounds)
        #expect(try totals?.decode("called_back", as: Int.self) == rounds)
        #expect(try totals?.decode("repeat_callers", as: Int.self) == rounds)
        #expect(try Self.differences("2026-11-01 00:00+08", "2026-12-01 00:00+08", on: setup) == 0)
        #expect(try Self.differences("2026-11-02 09:10:30+08", "2026-11-02 10:20:30+08", on: setup) == 0)
        let chains = try setup.query(
            "SELECT count(*) AS n FROM hotline.qa_repeat_complaints WHERE department = ''"
        ).first
        #expect(try chains?.decode("n", as: Int.self) == rounds)
    }
}
