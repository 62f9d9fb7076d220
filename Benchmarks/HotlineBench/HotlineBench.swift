import Foundation
import HotlineAdapter
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging

/// `make bench`: PBX ingest throughput and ack latency of hotlined, measured in the same run as two baselines on
/// the same rows — PostgreSQL's own COPY into the event table (the practical limit) and one autocommit INSERT per
/// event (what call loggers such as Asterisk's cdr_pgsql do). Figures are ratios, because the machine is shared.
///
/// Needs HOTLINE_TEST_DATABASE (a superuser conninfo on database `postgres`; `make bench` provides one) and a
/// release `hotlined` next to this binary.
@main
struct HotlineBench {
    static let events = Int(ProcessInfo.processInfo.environment["HOTLINE_BENCH_EVENTS"] ?? "") ?? 100_000
    static let insertEvents = 5_000
    static let latencySeconds = 15.0
    static let offeredRate = 1_000.0

    static func main() throws {
        guard let admin = ProcessInfo.processInfo.environment["HOTLINE_TEST_DATABASE"] else {
            print("hotline-bench: set HOTLINE_TEST_DATABASE (run it with `make bench`)")
            exit(2)
        }
        let logger = Logger(label: "bench")
        // HOTLINE_BENCH_ONLY names the parts to run, comma-separated: ingest, deadlines, qa, anchors, matters, soak.
        // Without it: ingest, deadlines, qa and anchors. The soak runs only when asked for (`make soak`: half an
        // hour by default); matter search too.
        let everyday = ["ingest", "deadlines", "qa", "anchors"]
        let known = everyday + ["matters", "soak"]
        let asked = ProcessInfo.processInfo.environment["HOTLINE_BENCH_ONLY"].map {
            $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let parts = asked ?? everyday
        if let unknown = parts.first(where: { !known.contains($0) }) {
            let names = known.joined(separator: ", ")
            print("hotline-bench: HOTLINE_BENCH_ONLY: unknown part \"\(unknown)\"; the parts are \(names)")
            exit(2)
        }
        try? FileManager.default.createDirectory(atPath: "bench-results", withIntermediateDirectories: true)
        // What the summary line reads: only this run's figures, never an older run's.
        for name in ["ingest", "deadlines", "qa"] {
            try? FileManager.default.removeItem(atPath: "bench-results/\(name).json")
        }
        for part in parts {
            switch part {
            case "ingest": try ingest(admin: admin, logger: logger)
            case "deadlines": try deadlines(admin: admin, logger: logger)
            case "qa": try qaFigures(admin: admin, logger: logger)
            case "anchors": try anchors(admin: admin, logger: logger)
            case "matters": try matterSearch(admin: admin, logger: logger)
            default: try soak(admin: admin, logger: logger)
            }
        }
        print("")
        print(BenchSummary.line())
    }

    /// PBX ingest: hotlined's throughput with durable acks against COPY and one INSERT per event, and its ack
    /// latency at 1,000 events/s against one INSERT's commit latency.
    static func ingest(admin: String, logger: Logger) throws {
        let lines = LoadGenerator.calls(total: events, prefix: "bench", extensions: ["8001", "8002"])
        let parsed = try lines.map { line -> PBXEvent in try PBXEventParser.parse(line: line).get() }
        print("hotline-bench: \(events) events (\(events / 3) calls: offered, answered, ended)")

        // Baseline 1: COPY of the same rows into hotline.pbx_events.
        let copyDatabase = try makeDatabase(admin: admin, name: "bench_copy", logger: logger)
        let copyConnection = try PGConnection(conninfo: copyDatabase)
        var copyText = ""
        copyText.reserveCapacity(events * 250)
        for event in parsed {
            let payload = String(decoding: event.encodedLine().dropLast(), as: UTF8.self)
            copyText += "\(event.id)\t\(event.typeName)\t\(event.callID ?? "\\N")\t\(event.at.postgresText)\t"
            copyText += payload.replacingOccurrences(of: "\\", with: "\\\\") + "\n"
        }
        let copyStart = Date()
        try copyConnection.copyIn(
            "COPY hotline.pbx_events (event_id, type, call_id, occurred_at, payload) FROM STDIN",
            data: Array(copyText.utf8)
        )
        let copyRate = Double(events) / Date().timeIntervalSince(copyStart)
        copyConnection.close()
        print(String(format: "  COPY into hotline.pbx_events:        %9.0f rows/s", copyRate))

        // Baseline 2: one autocommit INSERT per event.
        let insertDatabase = try makeDatabase(admin: admin, name: "bench_insert", logger: logger)
        let insertConnection = try PGConnection(conninfo: insertDatabase)
        let insertStart = Date()
        // Each INSERT's own time too: its p99 is the floor of an ack's, which must wait for a durable commit.
        var commitLatencies: [Double] = []
        commitLatencies.reserveCapacity(insertEvents)
        for event in parsed.prefix(insertEvents) {
            let one = Date()
            defer { commitLatencies.append(Date().timeIntervalSince(one)) }
            try insertConnection.command(
                """
                INSERT INTO hotline.pbx_events (event_id, type, call_id, occurred_at, payload)
                VALUES ($1, $2, $3, $4, $5)
                """,
                [
                    event.id, event.typeName, event.callID, event.at,
                    String(decoding: event.encodedLine().dropLast(), as: UTF8.self),
                ]
            )
        }
        let insertRate = Double(insertEvents) / Date().timeIntervalSince(insertStart)
        insertConnection.close()
        let commit = LatencySummary(commitLatencies)
        print(String(format: "  one autocommit INSERT per event:     %9.0f rows/s", insertRate))
        print(
            String(
                format: "  one autocommit INSERT, p50 / p99:    %6.2f / %.2f ms",
                commit.p50 * 1000,
                commit.p99 * 1000
            )
        )

        let paced = LoadGenerator.calls(total: Int(offeredRate * latencySeconds), prefix: "paced", extensions: ["8001"])

        // Baseline 3: the transaction an ack waits for, without hotlined: the paced events stored one by one by the
        // ingest's own store call from one client at the same rate. An ack must wait for the call register's write
        // too, not just the event's INSERT, so this is hotlined's own floor.
        let registerDatabase = try makeDatabase(admin: admin, name: "bench_register", logger: logger)
        try addBenchStaff(registerDatabase)
        let register = try registerCommitLatencies(paced, database: registerDatabase)
        print(
            String(
                format: "  an ack's transaction, one client:    p50 / p99 %.2f / %.2f ms (with waits: %.2f / %.2f)",
                register.service.p50 * 1000,
                register.service.p99 * 1000,
                register.queued.p50 * 1000,
                register.queued.p99 * 1000
            )
        )

        // hotlined: sustained throughput, then latency at an offered 1,000 events/s.
        let daemonDatabase = try makeDatabase(admin: admin, name: "bench_daemon", logger: logger)
        try addBenchStaff(daemonDatabase)
        let daemon = try Daemon(database: daemonDatabase)
        // CPU per event, hotlined's and the whole cluster's: unlike the rates, it hardly moves when other work shares
        // the cores, so it shows what a change to either side costs or saves.
        let isDaemon = { (pid: pid_t, _: String) in pid == daemon.process.pid }
        let isPostgres = { (_: pid_t, command: String) in command == "postgres" }
        let daemonCPU = cpuSeconds(include: isDaemon)
        let postgresCPU = cpuSeconds(include: isPostgres)
        let sustainedStart = Date()
        let sustained = try AdapterConnection(path: daemon.pbxSocket, window: 4000).deliver(lines)
        let sustainedRate = Double(sustained.count) / Date().timeIntervalSince(sustainedStart)
        let sustainedAcked = sustained.filter { if case .accepted = $0.ack { return true } else { return false } }.count
        let daemonPerEvent = cpuMicrosecondsPerEvent(since: daemonCPU, events: events, include: isDaemon)
        let postgresPerEvent = cpuMicrosecondsPerEvent(since: postgresCPU, events: events, include: isPostgres)
        print(String(format: "  hotlined, durable acks (unpaced):    %9.0f events/s", sustainedRate))
        print(
            String(
                format: "  CPU per event: hotlined %.1f µs, PostgreSQL %.1f µs",
                daemonPerEvent,
                postgresPerEvent
            )
        )

        let latencies = try AdapterConnection(path: daemon.pbxSocket, window: 4000).deliver(paced, rate: offeredRate)
        let latency = LatencySummary(latencies.map(\.latency))
        print("  hotlined at \(Int(offeredRate)) events/s offered:      ack latency \(latency)")

        daemon.stop()
        let verify = try PGConnection(conninfo: daemonDatabase)
        let stored = try verify.query("SELECT count(*) AS n FROM hotline.pbx_events").first?.decode("n", as: Int.self)
        verify.close()

        print("")
        print(
            String(
                format: "  throughput / COPY:                   %6.1f %%   (target ≥ 40 %%)",
                100 * sustainedRate / copyRate
            )
        )
        print(
            String(
                format: "  throughput / one INSERT per event:   %6.1f ×   (target ≥ 12 ×)",
                sustainedRate / insertRate
            )
        )
        print(
            String(
                format: "  p99 ack latency at 1,000 events/s:   %6.2f ms  (target ≤ 2 × one INSERT's p99 = %.2f ms)",
                latency.p99 * 1000,
                2 * commit.p99 * 1000
            )
        )
        print("  acked \(sustainedAcked + latencies.count) of \(events + paced.count), stored \(stored ?? -1)")
        let report = """
            {"events":\(events),"copy_rows_per_second":\(Int(copyRate)),"insert_rows_per_second":\(Int(insertRate)),\
            "hotlined_events_per_second":\(Int(sustainedRate)),"ratio_to_copy":\(sustainedRate / copyRate),\
            "ratio_to_insert":\(sustainedRate / insertRate),"p50_ms_at_1000":\(latency.p50 * 1000),\
            "p99_ms_at_1000":\(latency.p99 * 1000),"commit_p50_ms":\(commit.p50 * 1000),\
            "commit_p99_ms":\(commit.p99 * 1000),"register_commit_p50_ms":\(register.service.p50 * 1000),\
            "register_commit_p99_ms":\(register.service.p99 * 1000),\
            "register_queued_p99_ms":\(register.queued.p99 * 1000),\
            "hotlined_cpu_us_per_event":\(daemonPerEvent),"postgres_cpu_us_per_event":\(postgresPerEvent)}
            """
        try? report.write(toFile: "bench-results/ingest.json", atomically: true, encoding: .utf8)
    }

    /// The two operators the generated calls are answered by.
    static func addBenchStaff(_ database: String) throws {
        let setup = try PGConnection(conninfo: database)
        defer { setup.close() }
        try setup.runScript(
            """
            INSERT INTO hotline.departments (code, name) VALUES ('SVC', '客服部');
            INSERT INTO hotline.staff (login, name, department, rank, roles, extension)
                VALUES ('zhangsan', '张三', 'SVC', 2, '{operator}', '8001'), ('lisi', '李四', 'SVC', 5, '{operator}', '8002');
            """
        )
    }

    /// Each line stored on its own by `CallRegisterStore.ingest`, as an ingest worker stores a batch of one, paced at
    /// `offeredRate` from one client.
    ///
    /// `service` is each store call's own time. `queued` also counts the wait of an event that was due while the one
    /// before it was still being stored, as an adapter's events wait behind a slow commit: a commit that stalls for
    /// 3 ms delays the three events due meanwhile too, and ack latency counts those waits.
    static func registerCommitLatencies(_ lines: [[UInt8]], database: String) throws
        -> (service: LatencySummary, queued: LatencySummary)
    {
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        try CallRegisterStore.prepareSession(on: connection)
        var memory = IngestMemory()
        var service: [Double] = []
        var queued: [Double] = []
        service.reserveCapacity(lines.count)
        queued.reserveCapacity(lines.count)
        let start = Date()
        for (index, line) in lines.enumerated() {
            let due = start.addingTimeInterval(Double(index) / offeredRate)
            let wait = due.timeIntervalSinceNow
            if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
            let event = try PBXEventParser.parse(line: line).get()
            let received = ReceivedEvent(event: event, line: String(decoding: line, as: UTF8.self))
            let begun = Date()
            _ = try CallRegisterStore.ingest([received], on: connection, memory: &memory)
            let finished = Date()
            service.append(finished.timeIntervalSince(begun))
            // An event this client slept for was sent when it woke; one it was late for, when it was due.
            queued.append(finished.timeIntervalSince(wait > 0 ? begun : due))
        }
        return (LatencySummary(service), LatencySummary(queued))
    }

    static let qaComplaints = Int(ProcessInfo.processInfo.environment["HOTLINE_BENCH_COMPLAINTS"] ?? "") ?? 1_000_000

    /// QA's queries at a real centre's size: a year of complaints with four hops each, their reply deadlines and
    /// escalations, generated in SQL; then `qa escalations` for a month and `qa stats` for a quarter.
    static func qaFigures(admin: String, logger: Logger) throws {
        print("")
        print("hotline-bench: QA figures over \(qaComplaints) complaints and \(4 * qaComplaints) hops in 2026")
        let database = try makeDatabase(admin: admin, name: "bench_qa", logger: logger)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let loadStart = Date()
        try connection.runScript(QAData.script(complaints: qaComplaints))
        // As autovacuum would have by the time QA asks: index-only scans need the visibility map, and the counters'
        // upserts during the load leave dead row versions behind.
        try connection.command("VACUUM (ANALYZE) hotline.hops, hotline.qa_counters")
        print(String(format: "  generated in %.1f s", Date().timeIntervalSince(loadStart)))
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        func measure(_ label: String, _ body: () throws -> Int) throws -> Double {
            _ = try body()  // warm the cache once, as a QA desk asking twice would
            var times: [Double] = []
            var rows = 0
            for _ in 0..<3 {
                let start = Date()
                rows = try body()
                times.append(Date().timeIntervalSince(start))
            }
            let median = times.sorted()[1]
            print(String(format: "  %@ %6.0f ms (median of 3, %d rows)  (target < 500 ms)", label, median * 1000, rows))
            return median
        }
        let month = try measure("qa escalations, one month:") {
            try QAQueries.escalations(
                from: Date(postgresText: "2026-11-01 00:00:00+08"),
                to: Date(postgresText: "2026-12-01 00:00:00+08"),
                department: nil,
                timeZone: zone,
                on: connection
            ).count
        }
        let quarter = try measure("qa stats, one quarter:     ") {
            try QAQueries.stats(
                from: Date(postgresText: "2026-10-01 00:00:00+08")!,
                to: Date(postgresText: "2027-01-01 00:00:00+08")!,
                on: connection
            ).count
        }
        // Edges that are not whole hours are read from the tables (sql/004): a quarter cut at the half hour.
        let edged = try measure("qa stats, quarter ±30 min:  ") {
            try QAQueries.stats(
                from: Date(postgresText: "2026-10-01 00:30:00+08")!,
                to: Date(postgresText: "2026-12-31 23:30:00+08")!,
                on: connection
            ).count
        }
        // The period's seal (issue 17), which qa stats now computes too: the quarter's hop hashes read through the
        // hops_at index, sorted and hashed into the Merkle root.
        let seal = try measure("seal of the quarter:        ") {
            let hops = try ComplaintQueries.periodHops(
                from: Date(postgresText: "2026-10-01 00:00:00+08")!,
                to: Date(postgresText: "2027-01-01 00:00:00+08")!,
                on: connection
            )
            _ = PeriodSeal.root(hops)
            return hops.count
        }
        // The counters must give what a scan of the tables gives (003's function, kept as the reference).
        let differing = try connection.query(
            """
            SELECT count(*) AS n FROM (
                (SELECT * FROM hotline.qa_department_stats($1, $2) EXCEPT ALL
                 SELECT * FROM hotline.qa_department_stats_scan($1, $2))
                UNION ALL
                (SELECT * FROM hotline.qa_department_stats_scan($1, $2) EXCEPT ALL
                 SELECT * FROM hotline.qa_department_stats($1, $2))
            ) AS d
            """,
            [Date(postgresText: "2026-10-01 00:30:00+08"), Date(postgresText: "2026-12-31 23:30:00+08")]
        ).first?.decode("n", as: Int.self)
        print("  rows differing from a scan of the tables: \(differing ?? -1)")
        func explain(_ title: String, _ sql: String) throws {
            let plan = try connection.query("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY ON) " + sql)
                .compactMap { try $0.decodeIfPresent("QUERY PLAN", as: String.self) }
            print("  plan of \(title):")
            for line in plan.prefix(8) { print("    " + line) }
        }
        try explain(
            "the month's escalations",
            "SELECT * FROM hotline.qa_escalations WHERE at >= '2026-11-01 00:00+08' AND at < '2026-12-01 00:00+08'"
        )
        // The function is SECURITY DEFINER, so its plan is not inlined here; its main part is this read.
        try explain(
            "the quarter's counters",
            """
            SELECT department, sum(received), sum(replied), sum(satisfaction_sum) FROM hotline.qa_counters
            WHERE bucket >= '2026-10-01 00:00+08' AND bucket < '2027-01-01 00:00+08' GROUP BY department
            """
        )
        let report = """
            {"complaints":\(qaComplaints),"hops":\(4 * qaComplaints),"escalations_month_ms":\(month * 1000),\
            "stats_quarter_ms":\(quarter * 1000),"stats_quarter_edges_ms":\(edged * 1000),\
            "rows_differing_from_scan":\(differing ?? -1),"seal_quarter_ms":\(seal * 1000)}
            """
        try? report.write(toFile: "bench-results/qa.json", atomically: true, encoding: .utf8)
    }

    static let pendingDeadlines = Int(ProcessInfo.processInfo.environment["HOTLINE_BENCH_DEADLINES"] ?? "") ?? 1_000_000
    static let simultaneous = 10_000

    /// The scheduler at scale: start-up time and resident memory with a million pending deadlines, and how late
    /// the breach records of 10,000 deadlines due in the same second are.
    static func deadlines(admin: String, logger: Logger) throws {
        print("")
        print("hotline-bench: \(pendingDeadlines) pending deadlines, \(simultaneous) of them due in the same second")
        let database = try makeDatabase(admin: admin, name: "bench_deadlines", logger: logger)
        let setup = try PGConnection(conninfo: database)
        let loadStart = Date()
        try setup.runScript(
            """
            INSERT INTO hotline.departments (code, name) VALUES ('SVC', '客服部');
            INSERT INTO hotline.staff (login, name, department, roles) VALUES ('zhangsan', '张三', 'SVC', '{operator}');
            INSERT INTO hotline.complaints (matter, first_responder, first_responder_dept, responsible, received_at)
                SELECT 'bench', 'zhangsan', 'SVC', 'zhangsan', now() FROM generate_series(1, \(pendingDeadlines));
            """
        )
        try setup.command(
            """
            INSERT INTO hotline.deadlines (complaint_id, kind, department, started_at, due_at)
            SELECT id, 'transfer', 'SVC', now(), now() + interval '30 days' FROM hotline.complaints
            """
        )
        try setup.command("ANALYZE")
        print(String(format: "  loaded in %.1f s", Date().timeIntervalSince(loadStart)))
        // The simultaneous ones fall due together, a few seconds after the daemon has started.
        let due = Date().addingTimeInterval(8)
        try setup.command(
            "UPDATE hotline.deadlines SET due_at = $2 WHERE complaint_id <= $1",
            [simultaneous, due]
        )
        setup.close()
        let startup = Date()
        let daemon = try Daemon(database: database)
        defer { daemon.stop() }
        let control = daemon.directory + "/control.sock"
        while !FileManager.default.fileExists(atPath: control) { usleep(10_000) }
        let startupSeconds = Date().timeIntervalSince(startup)
        let rssAtStart = residentMegabytes(daemon.process.pid)
        print(String(format: "  start-up (until the sockets listen):  %6.2f s   (target < 3 s)", startupSeconds))
        print(String(format: "  resident memory after start-up:       %6.1f MB  (target < 100 MB)", rssAtStart))
        // Lateness as people see it: when the breach records become visible (committed), against the due time.
        // Polled every 10 ms, so the figures carry up to 10 ms of measuring error. Counted as the simultaneous ones
        // no longer pending, through the pending deadlines' index: a count of the breached rows scanned the whole
        // table every 10 ms (0.15 s a time at a million rows), a core taken from the daemon it measures.
        let check = try PGConnection(conninfo: database)
        defer { check.close() }
        let giveUp = due.addingTimeInterval(60)
        var breached = 0
        var p50 = -1.0
        var p99 = -1.0
        while breached < simultaneous && Date() < giveUp {
            usleep(10_000)
            let pending =
                try check.query(
                    "SELECT count(*) AS n FROM hotline.deadlines WHERE state = 'pending' AND due_at <= $1",
                    [due]
                ).first?.decode("n", as: Int.self) ?? simultaneous
            breached = simultaneous - pending
            let late = Date().timeIntervalSince(due)
            if p50 < 0 && breached * 2 >= simultaneous { p50 = late }
            if p99 < 0 && breached * 100 >= simultaneous * 99 { p99 = late }
        }
        let rssAfter = residentMegabytes(daemon.process.pid)
        if ProcessInfo.processInfo.environment["HOTLINE_DEBUG"] != nil {
            let log = (try? String(contentsOfFile: daemon.directory + "/hotlined.log", encoding: .utf8)) ?? ""
            print(log.split(separator: "\n").filter { $0.contains("deadline pass") }.joined(separator: "\n"))
        }
        let floor = try breachFloor(database: database)
        print("  breached: \(breached) of \(simultaneous)")
        print(
            String(
                format: "  breach visible after due, p50 / p99:  %6.3f / %.3f s  (target p99 < 0.7 s; floor %.3f s)",
                p50,
                p99,
                floor
            )
        )
        print(String(format: "  resident memory after firing:         %6.1f MB", rssAfter))
        let report = """
            {"pending":\(pendingDeadlines),"startup_seconds":\(startupSeconds),"rss_mb":\(rssAtStart),\
            "rss_after_mb":\(rssAfter),"breached":\(breached),"lateness_p50_s":\(p50),"lateness_p99_s":\(p99),\
            "floor_s":\(floor)}
            """
        try? report.write(toFile: "bench-results/deadlines.json", atomically: true, encoding: .utf8)
    }

    /// The floor of breach visibility: the least any scheduler must do for \(simultaneous) breaches — one UPDATE of
    /// as many pending rows and one INSERT of their escalations, committed — timed on the same database after the
    /// daemon is done with it (on other, still pending rows).
    static func breachFloor(database: String) throws -> Double {
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let start = Date()
        try connection.transaction { connection in
            try connection.command(
                """
                WITH due AS (
                    SELECT id FROM hotline.deadlines WHERE state = 'pending' ORDER BY due_at LIMIT $1
                )
                UPDATE hotline.deadlines AS d SET state = 'breached', breached_at = now(), fired_late = false
                FROM due WHERE d.id = due.id
                """,
                [simultaneous]
            )
            try connection.command(
                """
                INSERT INTO hotline.escalations (complaint_id, kind, level, department, at, reason, deadline_id)
                SELECT complaint_id, 'transfer_overdue', 'qa', department, now(), 'floor', id
                FROM hotline.deadlines WHERE state = 'breached' AND breached_at = now()
                """
            )
        }
        return Date().timeIntervalSince(start)
    }

    /// VmRSS of a process in megabytes, from /proc.
    /// CPU seconds (user and system) each running process has used, by pid, for the processes `include` accepts by
    /// their command name (`/proc/PID/stat`).
    static func cpuSeconds(include: (_ pid: pid_t, _ command: String) -> Bool) -> [pid_t: Double] {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var seconds: [pid_t: Double] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")"),
                include(pid, String(stat[stat.index(after: open)..<close]))
            else { continue }
            // After the command: state, ppid, …; utime and stime are the 12th and 13th fields from there.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            seconds[pid] = (user + system) / ticks
        }
        return seconds
    }

    /// Microseconds of CPU per event that the processes `include` accepts used between `before` and now; a process
    /// started meanwhile counts from zero.
    static func cpuMicrosecondsPerEvent(
        since before: [pid_t: Double],
        events: Int,
        include: (_ pid: pid_t, _ command: String) -> Bool
    ) -> Double {
        let used = cpuSeconds(include: include).reduce(0.0) { $0 + $1.value - (before[$1.key] ?? 0) }
        return used * 1_000_000 / Double(events)
    }

    static func residentMegabytes(_ pid: pid_t) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kilobytes = line.split(separator: " ").compactMap { Double($0) }.first ?? -1
            return kilobytes / 1024
        }
        return -1
    }

    /// A fresh database with the schema applied.
    static func makeDatabase(admin: String, name: String, logger: Logger) throws -> String {
        let connection = try PGConnection(conninfo: admin)
        defer { connection.close() }
        let unique = "\(name)_\(Int(Date().timeIntervalSince1970))"
        // The name is built here from a constant and digits; identifiers cannot be parameters.
        try connection.command("CREATE DATABASE \(unique)")
        let conninfo = admin.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(unique)")
        let target = try PGConnection(conninfo: conninfo)
        defer { target.close() }
        _ = try Migrator(logger: logger).migrate(target)
        return conninfo
    }
}

/// A release hotlined on the bench database, with sockets in a private directory.
struct Daemon {
    let process: ChildProcess
    let directory: String
    var pbxSocket: String { directory + "/pbx.sock" }

    /// `arguments` come after the database and socket options (`--clock manual`, say).
    init(database: String, arguments: [String] = []) throws {
        directory = "/tmp/hotline-bench-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path + "/hotlined"
        process = try ChildProcess.spawn(
            binary,
            [
                "--database", database, "--pbx-socket", directory + "/pbx.sock", "--control-socket",
                directory + "/control.sock",
                "--state-dir", directory + "/state",
            ] + arguments,
            stdoutPath: directory + "/hotlined.log"
        )
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: directory + "/pbx.sock")
            || !FileManager.default.fileExists(atPath: directory + "/control.sock")
        {
            guard Date() < deadline else { throw ChildProcessError(program: binary, reason: "did not start") }
            usleep(50_000)
        }
    }

    func stop() {
        process.signal(SIGTERM)
        _ = try? process.wait(timeout: 30)
        try? FileManager.default.removeItem(atPath: directory)
    }
}
