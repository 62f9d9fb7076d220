import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import HotlineTestSupport
import Testing

/// Rates beside counts, grades and the call register's answer rate (issue 16, sql/008), through real processes.
extension QAReportTests {
    /// Numerator, denominator and rate of `measure` in a JSON row.
    static func rate(_ row: JSONValue?, _ measure: String) -> (Int?, Int?, JSONValue?) {
        (row?[measure + "_numerator"]?.intValue, row?[measure + "_denominator"]?.intValue, row?[measure + "_rate"])
    }

    /// The call register of the scripted month, written straight into the table (the PBX path has tests of its own):
    /// November has 4 settled calls (2 answered), one still ringing that is left out, and one call in December.
    static func writeCalls(_ database: String) throws {
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        try connection.runScript(
            """
            INSERT INTO hotline.calls (call_id, queue, offered_at, answered_at, outcome) VALUES
                ('c1', 'service', '2026-11-02 09:00+08', '2026-11-02 09:00:05+08', 'answered'),
                ('c2', 'service', '2026-11-02 09:10+08', NULL, 'abandoned'),
                ('c3', 'sales', '2026-11-03 10:00+08', '2026-11-03 10:00:09+08', 'answered'),
                ('c4', NULL, '2026-11-04 10:00+08', NULL, 'missed'),
                ('c5', 'service', '2026-11-30 23:59+08', NULL, 'in_progress'),
                ('c6', 'service', '2026-12-01 00:00+08', '2026-12-01 00:00:03+08', 'answered');
            """
        )
    }

    @Test("the scripted month's rates equal a scan of the tables; zero denominators are null; [qa] grades and ranks")
    func ratesOfTheScriptedMonth() throws {
        let database = try TestEnvironment.makeDatabase()
        let directory = "/tmp/hl-qa-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Grade C at exactly INST's 50 % of replies in time, and just above SVC's 2 of 3 transfers in time.
        let config = directory + "/hotlined.toml"
        try "[qa]\ngrade_c_reply_on_time = 50\ngrade_c_transfer_on_time = 66.67\n".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        let daemon = try DaemonHarness(arguments: [
            "--database", database, "--config", config, "--clock", "manual", "--clock-start",
            "2026-11-02T09:00:00+08:00",
        ])
        defer { daemon.stop() }
        try Self.playScriptedMonth(on: daemon)
        try Self.writeCalls(database)

        let stats = try daemon.ctlJSON(["qa", "stats", "--period", "2026-11", "--as", "zhaoliu"])
        func row(_ code: String) -> JSONValue? { stats.arrayValue?.first { $0["department"] == .string(code) } }
        // By hand from the script: SVC transferred C2, C3 and C4, C4 after its hour; INST replied to C2 in time and
        // to C4 late; PROP replied to C3 in time. Scores: C1 4 (SVC), C2 5 (INST), C3 1 (PROP). First answers:
        // SVC resolved C1 (scored) and C5 (not); INST C2 (scored) and C4 (not); PROP C3 (scored).
        #expect(Self.rate(row("SVC"), "transfer_on_time") == (2, 3, .double(0.6667)))
        #expect(Self.rate(row("SVC"), "reply_on_time") == (0, 0, .null))
        #expect(Self.rate(row("SVC"), "satisfaction") == (1, 1, .double(1)))
        #expect(Self.rate(row("SVC"), "feedback") == (1, 2, .double(0.5)))
        #expect(Self.rate(row("INST"), "transfer_on_time") == (0, 0, .null))
        #expect(Self.rate(row("INST"), "reply_on_time") == (1, 2, .double(0.5)))
        #expect(Self.rate(row("INST"), "satisfaction") == (1, 1, .double(1)))
        #expect(Self.rate(row("INST"), "feedback") == (1, 2, .double(0.5)))
        #expect(Self.rate(row("PROP"), "reply_on_time") == (1, 1, .double(1)))
        #expect(Self.rate(row("PROP"), "satisfaction") == (0, 1, .double(0)))
        #expect(Self.rate(row("PROP"), "feedback") == (1, 1, .double(1)))
        // QA did nothing: every rate null, not 0; not graded, no place.
        for measure in ["transfer_on_time", "reply_on_time", "satisfaction", "feedback"] {
            #expect(Self.rate(row("QA"), measure) == (0, 0, .null), "\(measure)")
        }
        #expect(row("QA")?["grade"] == .null)
        #expect(row("QA")?["rank"] == .null)
        // The old fields are still there, unchanged.
        #expect(row("INST")?["replied_in_time"] == .int(1))
        #expect(row("INST")?["satisfaction_mean"] == .double(5))

        // Against a scan of the tables (003–006's reference, extended by 008), field by field.
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let scan = try connection.query(
            "SELECT * FROM hotline.qa_department_stats_scan('2026-11-01 00:00+08', '2026-12-01 00:00+08')"
        )
        #expect(scan.count == 4)
        for scanned in scan {
            let code = try scanned.decode("department", as: String.self)
            for measure in ["transfer_on_time", "reply_on_time", "satisfaction", "feedback"] {
                let numerator = try scanned.decode(measure + "_numerator", as: Int.self)
                let denominator = try scanned.decode(measure + "_denominator", as: Int.self)
                let rate = try scanned.decodeIfPresent(measure + "_rate", as: Double.self)
                #expect(
                    Self.rate(row(code), measure) == (numerator, denominator, rate.map(JSONValue.double) ?? .null),
                    "\(code) \(measure)"
                )
            }
        }
        #expect(try Self.differences("2026-11-01 00:00+08", "2026-12-01 00:00+08", on: connection) == 0)
        #expect(try Self.differences("2026-11-02 09:00:00.5+08", "2026-11-05 10:02:00+08", on: connection) == 0)

        // Grades from [qa]: INST exactly at C's 50 %; SVC's 66.666… % short of 66.67 %; PROP's satisfaction 0 %.
        #expect(row("INST")?["grade"] == .string("C"))
        #expect(row("SVC")?["grade"] == .string("D"))
        #expect(row("PROP")?["grade"] == .string("D"))
        #expect(row("INST")?["rank"] == .int(1))
        #expect(row("SVC")?["rank"] == .int(2))
        #expect(row("PROP")?["rank"] == .int(2))

        // The whole assessment: the hotline's totals, the calls and the weekly trend of a month.
        let whole = try daemon.ctlJSON(["qa", "calls", "--period", "2026-11", "--as", "zhaoliu"])
        let calls = whole.arrayValue ?? []
        #expect(
            calls.map { "\($0["scope"]?.stringValue ?? "")/\($0["queue"]?.stringValue ?? "-")" } == [
                "hotline/-", "queue/sales", "queue/service", "queue/-",
            ]
        )
        #expect(calls.map { $0["offered"]?.intValue ?? -1 } == [4, 1, 2, 1])
        #expect(calls.map { $0["answered"]?.intValue ?? -1 } == [2, 1, 1, 0])
        #expect(calls.map { $0["answer_rate"] ?? .null } == [.double(0.5), .double(1), .double(0.5), .double(0)])
        let december = try daemon.ctlJSON(["qa", "calls", "--period", "2026-12", "--as", "zhaoliu"])
        #expect(december.arrayValue?.first?["offered"] == .int(1))
        let january = try daemon.ctlJSON(["qa", "calls", "--period", "2027-01", "--as", "zhaoliu"])
        #expect(january.arrayValue?.count == 1)
        #expect(january.arrayValue?.first?["offered"] == .int(0))
        #expect(january.arrayValue?.first?["answer_rate"] == .null)

        // December: nothing to count anywhere, so every rate is null and nobody is graded.
        let empty = try daemon.ctlJSON(["qa", "stats", "--period", "2026-12", "--as", "zhaoliu"])
        #expect(empty.arrayValue?.count == 4)
        for department in empty.arrayValue ?? [] {
            for measure in ["transfer_on_time", "reply_on_time", "satisfaction", "feedback"] {
                #expect(Self.rate(department, measure) == (0, 0, .null), "\(measure)")
            }
            #expect(department["grade"] == .null)
            #expect(department["rank"] == .null)
        }

        // CSV: the old columns first, then the new ones; a null rate is an empty cell. (The byte-order mark is read
        // away with the UTF-8; scriptedMonth checks it.)
        let csv = try daemon.ctl(["qa", "stats", "--period", "2026-11", "--format", "csv", "--as", "zhaoliu"])
        #expect(csv.status == 0, "\(csv.output)")
        let lines = csv.stdout.components(separatedBy: "\r\n")
        #expect(
            lines.first?.hasPrefix(
                "department,received,resolved_on_spot,transferred_out,transferred_in,replied_in_time,"
                    + "replied_late,transfer_overdue,reply_overdue,misroutes,escalations_qa,escalations_vp,"
                    + "escalations_gm,extensions,redos,satisfaction_mean,transfer_on_time_numerator,"
                    + "transfer_on_time_denominator,transfer_on_time_rate,reply_on_time_numerator"
            ) == true,
            "\(lines.first ?? "")"
        )
        #expect(lines.first?.hasSuffix(",feedback_rate,grade,rank,missed_calls,called_back,repeat_callers") == true)
        #expect(
            lines.contains {
                $0.hasPrefix("SVC,5,2,3,0,0,0,1,0,1,2,0,0,0,0,4.00,2,3,0.6667,0,0,,1,1,1.0000,1,2,0.5000,D,2")
            }
        )
        #expect(lines.contains { $0.hasPrefix("QA,0,0,0,0,0,0,0,0,0,0,0,0,0,0,,0,0,,0,0,,0,0,,0,0,,,") })

        // The table: readers' words in English too, rates with their fractions, "—" for nothing, the rules.
        let table = try daemon.ctl(["qa", "stats", "--period", "2026-11", "--as", "zhaoliu", "--lang", "en"])
        #expect(table.status == 0, "\(table.output)")
        for text in [
            "On-time transfer rate", "On-time reply rate", "Satisfaction rate", "Feedback rate", "Answer rate",
            "66.7% (2/3)", "Grading rules:", "C (Satisfactory): On-time transfer rate ≥ 66.67%", "客服部 SVC",
            "Whole hotline", "— not graded", "Resolved on the spot",
        ] {
            #expect(table.stdout.contains(text), "\(text) in:\n\(table.stdout)")
        }
        #expect(!table.stdout.contains("resolved_on_spot"))
        let chinese = try daemon.ctl(["qa", "stats", "--period", "2026-11", "--as", "zhaoliu", "--lang", "zh"])
        for text in ["按时转出率", "按时答复率", "满意率", "回访率", "接通率", "评级规则：", "全部热线"] {
            #expect(chinese.stdout.contains(text), "\(text)")
        }

        // A reload with C at 66.66 %: SVC's 2 of 3 reaches it, and shares first place with INST.
        try "[qa]\ngrade_c_reply_on_time = 50\ngrade_c_transfer_on_time = 66.66\n".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        daemon.process.signal(SIGHUP)
        var reloaded = JSONValue.null
        try TestEnvironment.waitUntil {
            reloaded = try daemon.ctlJSON(["qa", "stats", "--period", "2026-11", "--as", "zhaoliu"])
            return reloaded.arrayValue?.first { $0["department"] == .string("SVC") }?["grade"] == .string("C")
        }
        let places = (reloaded.arrayValue ?? []).map {
            "\($0["department"]?.stringValue ?? "")=\($0["rank"]?.intValue.map(String.init) ?? "-")"
        }
        #expect(places == ["INST=1", "PROP=3", "QA=-", "SVC=1"])
    }

    @Test("transfer deadlines written after the transfers, changed and deleted move the late transfers as the scan")
    func lateTransfersFromTheDeadlinesSide() throws {
        let database = try TestEnvironment.makeDatabase()
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(connection)
        // A bulk load: two complaints transferred by D0 at 10:30, their deadlines afterwards.
        try connection.runScript(
            """
            INSERT INTO hotline.departments (code, name) VALUES ('D0', 'd0'), ('D1', 'd1');
            INSERT INTO hotline.staff (login, name, department, roles) VALUES ('s0', 's0', 'D0', '{operator}');
            INSERT INTO hotline.complaints (matter, first_responder, first_responder_dept, responsible, received_at)
                VALUES ('m', 's0', 'D0', 's0', '2026-11-02 09:00+08'), ('n', 's0', 'D0', 's0', '2026-11-02 09:00+08');
            INSERT INTO hotline.hops (complaint_id, seq, action, by_login, department, subject, at, prev_hash, hash)
            VALUES (1, 1, 'transferred', 's0', 'D0', 'D1', '2026-11-02 10:30+08', NULL, sha256('1')),
                (2, 1, 'transferred', 's0', 'D0', 'D1', '2026-11-02 10:30+08', NULL, sha256('2'));
            """
        )
        let steps = [
            // Both hours breached at 10:00, before the transfers: both late.
            """
            INSERT INTO hotline.deadlines (complaint_id, kind, department, started_at, due_at, state, breached_at)
            VALUES (1, 'transfer', 'D0', '2026-11-02 09:00+08', '2026-11-02 10:00+08', 'breached', '2026-11-02 10:00+08'),
                (2, 'transfer', 'D0', '2026-11-02 09:00+08', '2026-11-02 10:00+08', 'breached', '2026-11-02 10:00+08')
            """,
            // One breach stamped after the transfer (a clock set back): that transfer was in time.
            "UPDATE hotline.deadlines SET breached_at = '2026-11-02 11:00+08' WHERE complaint_id = 1",
            // Its breach taken back altogether.
            "UPDATE hotline.deadlines SET state = 'met', breached_at = NULL, met_at = '2026-11-02 10:30+08' "
                + "WHERE complaint_id = 1",
            // The other deadline removed: nothing late.
            "DELETE FROM hotline.deadlines WHERE complaint_id = 2",
        ]
        let expected = [(0, 2), (1, 2), (1, 2), (2, 2)]
        for (step, (onTime, transfers)) in zip(steps, expected) {
            try connection.command(step)
            let row = try connection.query(
                "SELECT transfer_on_time_numerator AS n, transfer_on_time_denominator AS d "
                    + "FROM hotline.qa_department_stats('-infinity', 'infinity') WHERE department = 'D0'"
            ).first
            #expect(try row?.decode("n", as: Int.self) == onTime, "\(step)")
            #expect(try row?.decode("d", as: Int.self) == transfers, "\(step)")
            #expect(try Self.differences("-infinity", "infinity", on: connection) == 0, "\(step)")
            #expect(try Self.differences("2026-11-02 10:00+08", "2026-11-02 10:31+08", on: connection) == 0, "\(step)")
        }
        try connection.command("CREATE TEMP TABLE kept AS SELECT * FROM hotline.qa_counters")
        try connection.command("SELECT hotline.qa_rebuild_counters()")
        #expect(try Self.counterDrift(on: connection) == 0)
    }
}
