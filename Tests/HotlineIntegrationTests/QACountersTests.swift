import Foundation
import HotlineStore
import HotlineTestSupport
import Testing

/// The hourly counters behind `qa stats` (sql/004): the same figures as a scan of the tables for any period, a
/// rebuild that gives what the triggers kept, and concurrent writers that do not deadlock on them.
extension QAReportTests {
    /// The figures of `period` through the counters and through 003's scan, as rows that differ (none expected).
    static func differences(_ from: String, _ to: String, on connection: PGConnection) throws -> Int {
        try connection.query(
            """
            SELECT count(*) AS n FROM (
                (SELECT * FROM hotline.qa_department_stats($1::timestamptz, $2::timestamptz)
                 EXCEPT ALL SELECT * FROM hotline.qa_department_stats_scan($1::timestamptz, $2::timestamptz))
                UNION ALL
                (SELECT * FROM hotline.qa_department_stats_scan($1::timestamptz, $2::timestamptz)
                 EXCEPT ALL SELECT * FROM hotline.qa_department_stats($1::timestamptz, $2::timestamptz))
            ) AS d
            """,
            [from, to]
        ).first?.decode("n", as: Int.self) ?? -1
    }

    @Test("the counters give a scan's figures for whole hours, partial hours and all time; a rebuild agrees")
    func countersMatchScan() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(arguments: [
            "--database", database, "--clock", "manual", "--clock-start", "2026-11-02T09:00:00+08:00",
        ])
        defer { daemon.stop() }
        try Self.playScriptedMonth(on: daemon)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }

        // The month's activity is at 11-02 09:00, 11-02 10:01 and 11-05 10:02 (+08); the edges below cut through
        // those hours, so the parts of an hour come from the tables and the rest from the counters.
        let periods = [
            ("2026-11-01 00:00+08", "2026-12-01 00:00+08"),
            ("-infinity", "infinity"),
            ("2026-11-02 09:00+08", "2026-11-02 10:01:00.000001+08"),
            ("2026-11-02 09:00:00.5+08", "2026-11-05 10:02:00.000001+08"),
            ("2026-11-02 09:00:00.5+08", "2026-11-05 10:02:00+08"),
            ("2026-11-05 10:01+08", "2026-11-05 10:03+08"),
            ("2026-11-02 07:00+05:30", "2026-11-05 08:00+05:30"),
            ("2026-11-02 10:00+08", "2026-11-05 11:00+08"),
        ]
        for (from, to) in periods {
            #expect(try Self.differences(from, to, on: connection) == 0, "\(from) – \(to)")
        }
        // The partial periods are not trivially empty: the ladder of 11-05 10:02 lies in the last edge.
        let ladder = try connection.query(
            """
            SELECT sum(escalations_gm) AS gm, sum(replied_late) AS late, sum(received) AS received
            FROM hotline.qa_department_stats('2026-11-02 09:00:00.5+08', '2026-11-05 10:02:00.000001+08')
            """
        ).first
        #expect(try ladder?.decode("gm", as: Int.self) == 2)
        #expect(try ladder?.decode("late", as: Int.self) == 1)
        #expect(try ladder?.decode("received", as: Int.self) == 0)

        // Rebuilt from the tables, the counters are what the triggers kept (rows whose counts moved elsewhere,
        // such as a re-routed redo, stay behind as zeros in the kept ones).
        try connection.command(
            """
            CREATE TEMP TABLE kept AS SELECT * FROM hotline.qa_counters
            WHERE (received, resolved_on_spot, transferred_out, transferred_in, replied, replied_late, transfer_overdue,
                reply_overdue, misroutes, escalations_qa, escalations_vp, escalations_gm, extensions, redos,
                satisfaction_sum, satisfaction_count, transferred_late, satisfied, first_answers,
                first_answers_with_feedback, missed_calls, called_back)
                <> (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            """
        )
        #expect(try connection.query("SELECT count(*) AS n FROM kept").first?.decode("n", as: Int.self) ?? 0 > 0)
        try connection.command("SELECT hotline.qa_rebuild_counters()")
        let drift = try connection.query(
            """
            SELECT count(*) AS n FROM (
                (SELECT * FROM kept EXCEPT ALL SELECT * FROM hotline.qa_counters)
                UNION ALL (SELECT * FROM hotline.qa_counters EXCEPT ALL SELECT * FROM kept)
            ) AS d
            """
        )
        #expect(try drift.first?.decode("n", as: Int.self) == 0)

        // hotline_qa has the figures, not the counters they come from.
        try connection.command("SET ROLE hotline_qa")
        #expect(
            try connection.query("SELECT count(*) AS n FROM hotline.qa_department_stats('2026-11-01', '2026-12-01')")
                .first?.decode("n", as: Int.self) == 4
        )
        let denied = #expect(throws: PostgresError.self) { try connection.query("SELECT * FROM hotline.qa_counters") }
        #expect(denied?.code == .insufficientPrivilege)
        let scan = #expect(throws: PostgresError.self) {
            try connection.query("SELECT * FROM hotline.qa_department_stats_scan('-infinity', 'infinity')")
        }
        #expect(scan?.code == .insufficientPrivilege)
    }

    /// What the writers of one test saw, shared between their threads.
    final class WriterOutcome: @unchecked Sendable {
        private let lock = NSLock()
        private var failures: [String] = []

        func fail(_ message: String) { lock.withLock { failures.append(message) } }
        var all: [String] { lock.withLock { failures } }
    }

    @Test("two connections escalating set-based on the same counter rows at once do not deadlock")
    func concurrentCounting() throws {
        let database = try TestEnvironment.makeDatabase()
        let setup = try PGConnection(conninfo: database)
        defer { setup.close() }
        _ = try Migrator(logger: TestEnvironment.logger).migrate(setup)
        try setup.runScript(
            """
            INSERT INTO hotline.departments (code, name) SELECT 'D' || n, 'd' || n FROM generate_series(0, 9) AS n;
            INSERT INTO hotline.staff (login, name, department, roles) VALUES ('s0', 's0', 'D0', '{operator}');
            INSERT INTO hotline.complaints (matter, first_responder, first_responder_dept, responsible, received_at)
                VALUES ('m', 's0', 'D0', 's0', '2026-11-02 09:00+08');
            """
        )
        // Each round is one statement over 10 departments × 6 hours in a random order, as a scheduler worker's
        // set-based insert of its batch's escalations is; two such writers at once meet on every counter row.
        let rounds = 40
        let outcome = WriterOutcome()
        let group = DispatchGroup()
        for writer in 0..<2 {
            DispatchQueue.global().async(group: group) {
                do {
                    let connection = try PGConnection(conninfo: database)
                    defer { connection.close() }
                    for _ in 0..<rounds {
                        try connection.transaction { connection in
                            try connection.command(
                                """
                                INSERT INTO hotline.escalations (complaint_id, kind, level, department, at, reason)
                                SELECT 1, 'explicit', (ARRAY['qa', 'vp', 'gm'])[1 + $1::int], 'D' || d,
                                    timestamptz '2026-11-02 09:30+08' + h * interval '1 hour', ''
                                FROM generate_series(0, 9) AS d, generate_series(0, 5) AS h
                                ORDER BY random()
                                """,
                                [writer]
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
        let totals = try setup.query(
            """
            SELECT sum(escalations_qa) AS qa, sum(escalations_vp) AS vp
            FROM hotline.qa_department_stats('2026-11-01', '2026-12-01')
            """
        ).first
        #expect(try totals?.decode("qa", as: Int.self) == rounds * 60)
        #expect(try totals?.decode("vp", as: Int.self) == rounds * 60)
        #expect(try Self.differences("2026-11-01 00:00+08", "2026-11-03 00:17+08", on: setup) == 0)
    }
}
