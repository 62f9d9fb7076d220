import Foundation
import HotlineAdapter
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Logging

/// `make soak` (HOTLINE_BENCH_ONLY=soak): hotlined under a centre's steady load for HOTLINE_SOAK_SECONDS (default 30
/// minutes), watching for what only shows over time — memory, descriptors or database connections that grow.
///
/// The load: PBX call events at 200/s through the reference adapter, operators filing complaints and moving them
/// (transfer, accept, reply) through hotlinectl, and the manual clock advanced five minutes every second, so transfer
/// and accept deadlines breach and quiet periods end while it runs. Figures are taken after a warm-up (a tenth of
/// the run, at most a minute) and at the end; each must not grow by more than 10 %.
extension HotlineBench {
    static let soakSeconds = Double(ProcessInfo.processInfo.environment["HOTLINE_SOAK_SECONDS"] ?? "") ?? 1800
    static let soakRate = 200.0
    /// Manual minutes per real second.
    static let soakClockMinutesPerSecond = 5
    static let soakGrowthLimit = 0.10

    /// One sample of what hotlined holds.
    struct SoakFigures {
        var residentMegabytes: Double
        var descriptors: Int
        var databaseConnections: Int
    }

    /// What the load threads saw, shared between them.
    final class SoakTally: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [String: Int] = [:]
        private var firstErrors: [String] = []
        private var running = true
        private let start: Date

        init(start: Date) {
            self.start = start
        }

        func add(_ key: String, _ count: Int = 1) { lock.withLock { counts[key, default: 0] += count } }
        func error(_ message: String) {
            lock.withLock {
                counts["errors", default: 0] += 1
                let at = Int(Date().timeIntervalSince(start))
                if firstErrors.count < 10 { firstErrors.append("at \(at) s: \(message)") }
            }
        }
        func stop() { lock.withLock { running = false } }
        var isRunning: Bool { lock.withLock { running } }
        func count(_ key: String) -> Int { lock.withLock { counts[key] ?? 0 } }
        var errors: [String] { lock.withLock { firstErrors } }
    }

    static func soak(admin: String, logger: Logger) throws {
        let chinaTime = ISO8601DateFormatter()
        chinaTime.timeZone = TimeZone(secondsFromGMT: 8 * 3600)
        let seconds = soakSeconds
        print(
            "hotline-bench soak: \(Int(seconds)) s of PBX events at \(Int(soakRate))/s, operators filing and moving "
                + "complaints, the manual clock \(soakClockMinutesPerSecond) min per second"
        )
        let database = try makeDatabase(admin: admin, name: "bench_soak", logger: logger)
        let setup = try PGConnection(conninfo: database)
        try setup.runScript(
            """
            INSERT INTO hotline.departments (code, name, is_coordination) VALUES
                ('QA', '质检部', true), ('SVC', '客服部', false), ('INST', '安装部', false);
            INSERT INTO hotline.staff (login, name, department, rank, roles, extension) VALUES
                ('zhangsan', '张三', 'SVC', 2, '{operator}', '8001'), ('lisi', '李四', 'SVC', 2, '{operator}', '8002'),
                ('wangwu', '王五', 'INST', 3, '{handler}', '8101'), ('zhaoliu', '赵六', 'QA', 5, '{supervisor,qa}', '8301');
            """
        )
        setup.close()
        let daemon = try Daemon(
            database: database,
            arguments: ["--clock", "manual", "--clock-start", chinaTime.string(from: Date())]
        )
        defer { daemon.stop() }
        let control = daemon.directory + "/control.sock"
        let hotlinectl = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path + "/hotlinectl"
        guard FileManager.default.isExecutableFile(atPath: hotlinectl) else {
            print("hotline-bench soak: \(hotlinectl) is missing (`make soak` builds it)")
            exit(2)
        }
        let watcher = try PGConnection(conninfo: database)
        defer { watcher.close() }
        func figures() throws -> SoakFigures {
            let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(daemon.process.pid)/fd"))
            let connections = try watcher.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).first?.decode("n", as: Int.self)
            return SoakFigures(
                residentMegabytes: residentMegabytes(daemon.process.pid),
                descriptors: descriptors?.count ?? -1,
                databaseConnections: connections ?? -1
            )
        }

        // The PBX socket is there first; the load starts once the control socket answers too.
        let answering = Date().addingTimeInterval(30)
        while ctl(hotlinectl, control, ["status"]).0 != 0 {
            guard Date() < answering else {
                print("hotline-bench soak: hotlined does not answer on \(control)")
                daemon.stop()
                exit(2)
            }
            usleep(100_000)
        }

        let tally = SoakTally(start: Date())
        let started = Date()
        let until = started.addingTimeInterval(seconds)
        let loads: [@Sendable () -> Void] = [
            { soakPBX(socket: daemon.pbxSocket, until: until, tally: tally) },
            { soakOperators(hotlinectl: hotlinectl, control: control, tally: tally) },
            { soakClock(hotlinectl: hotlinectl, control: control, tally: tally) },
        ]
        let finished = DispatchGroup()
        for load in loads {
            finished.enter()
            Thread {
                load()
                finished.leave()
            }.start()
        }

        let warmUp = min(60, seconds / 10)
        Thread.sleep(forTimeInterval: warmUp)
        let first = try figures()
        print(
            String(
                format: "  after %.0f s warm-up:  RSS %.1f MB, %d open descriptors, %d database connections",
                warmUp,
                first.residentMegabytes,
                first.descriptors,
                first.databaseConnections
            )
        )
        var nextReport = Date().addingTimeInterval(60)
        while Date() < until {
            Thread.sleep(forTimeInterval: max(0, min(1, until.timeIntervalSinceNow)))
            if Date() >= nextReport {
                let now = try figures()
                print(
                    String(
                        format:
                            "  %5.0f s: RSS %.1f MB, %d descriptors, %d connections; %d events acked, %d complaints",
                        Date().timeIntervalSince(started),
                        now.residentMegabytes,
                        now.descriptors,
                        now.databaseConnections,
                        tally.count("acked"),
                        tally.count("filed")
                    )
                )
                nextReport = nextReport.addingTimeInterval(60)
            }
        }
        tally.stop()
        finished.wait()
        let last = try figures()
        let elapsed = Date().timeIntervalSince(started)

        let counts = try watcher.query(
            """
            SELECT (SELECT count(*) FROM hotline.pbx_events) AS events,
                (SELECT count(*) FROM hotline.complaints) AS complaints,
                (SELECT count(*) FROM hotline.deadlines WHERE state = 'breached') AS breached,
                (SELECT count(*) FROM hotline.complaints WHERE state = 'closed') AS closed
            """
        ).first
        let stored = try counts?.decode("events", as: Int.self) ?? -1
        let log = (try? String(contentsOfFile: daemon.directory + "/hotlined.log", encoding: .utf8)) ?? ""
        let logErrors = log.split(separator: "\n").filter { $0.contains(" error ") || $0.contains(" critical ") }

        print("")
        print(
            String(
                format: "  ran %.0f s: %d events acked (%.0f/s), %d stored",
                elapsed,
                tally.count("acked"),
                Double(tally.count("acked")) / elapsed,
                stored
            )
        )
        print(
            "  operators: \(tally.count("filed")) complaints filed, \(tally.count("moved")) moves, "
                + "\(tally.count("refused")) refusals; clock advanced \(tally.count("minutes")) min"
        )
        print(
            "  deadlines breached: \(try counts?.decode("breached", as: Int.self) ?? -1), complaints closed: "
                + "\(try counts?.decode("closed", as: Int.self) ?? -1) of \(try counts?.decode("complaints", as: Int.self) ?? -1)"
        )
        var passed = true
        func judge(_ label: String, _ start: Double, _ end: Double, unit: String) -> String {
            let growth = start > 0 ? (end - start) / start : (end > start ? 1 : 0)
            let ok = growth <= soakGrowthLimit
            passed = passed && ok
            let name = label.padding(toLength: 22, withPad: " ", startingAt: 0)
            let figures =
                String(format: "start %8.1f", start) + unit + String(format: ", end %8.1f", end) + unit
                + String(format: ", growth %+6.1f %% (limit +10 %%)", growth * 100)
            print("  \(ok ? "PASS" : "FAIL") \(name) \(figures)")
            return "\"\(label)\":{\"start\":\(start),\"end\":\(end),\"pass\":\(ok)}"
        }
        let judged = [
            judge("resident_memory", first.residentMegabytes, last.residentMegabytes, unit: " MB"),
            judge("open_descriptors", Double(first.descriptors), Double(last.descriptors), unit: ""),
            judge(
                "database_connections",
                Double(first.databaseConnections),
                Double(last.databaseConnections),
                unit: ""
            ),
        ]
        let errors = tally.count("errors") + logErrors.count
        let errorsOK = errors == 0 && stored >= tally.count("acked")
        passed = passed && errorsOK
        print(
            "  \(errorsOK ? "PASS" : "FAIL") errors                 \(errors) (load \(tally.count("errors")), hotlined log \(logErrors.count))"
        )
        for error in tally.errors { print("    \(error)") }
        for line in logErrors.prefix(10) { print("    hotlined: \(line)") }
        let report =
            "{\"seconds\":\(elapsed),\"acked\":\(tally.count("acked")),\"stored\":\(stored),"
            + "\"filed\":\(tally.count("filed")),\"errors\":\(errors),\(judged.joined(separator: ",")),"
            + "\"pass\":\(passed)}"
        try? FileManager.default.createDirectory(atPath: "bench-results", withIntermediateDirectories: true)
        try? report.write(toFile: "bench-results/soak.json", atomically: true, encoding: .utf8)
        print(passed ? "hotline-bench soak: PASS" : "hotline-bench soak: FAIL")
        if !passed {
            // exit() runs no defer: stop the daemon here.
            watcher.close()
            daemon.stop()
            exit(1)
        }
    }

    /// The PBX: calls at `soakRate` events per second, ten seconds of them per delivery.
    private static func soakPBX(socket: String, until: Date, tally: SoakTally) {
        let adapter = AdapterConnection(path: socket, window: 1000)
        var chunk = 0
        while tally.isRunning && Date() < until {
            let lines = LoadGenerator.calls(
                total: Int(soakRate * 10),
                prefix: "soak\(chunk)",
                extensions: ["8001", "8002"]
            )
            chunk += 1
            do {
                for delivery in try adapter.deliver(lines, rate: soakRate) {
                    if case .accepted = delivery.ack {
                        tally.add("acked")
                    } else {
                        tally.error("PBX event \(delivery.index) of chunk \(chunk): \(delivery.ack)")
                    }
                }
            } catch {
                tally.error("PBX delivery: \(error)")
                Thread.sleep(forTimeInterval: 1)
            }
        }
    }

    /// Runs hotlinectl once; returns its exit status and standard output.
    private static func ctl(_ hotlinectl: String, _ control: String, _ arguments: [String]) -> (Int32, String, String) {
        let base = "/tmp/hotline-soak-\(getpid())-\(UUID().uuidString.prefix(8))"
        defer {
            unlink(base + ".out")
            unlink(base + ".err")
        }
        do {
            let child = try ChildProcess.spawn(
                hotlinectl,
                ["--socket", control] + arguments,
                stdoutPath: base + ".out",
                stderrPath: base + ".err",
                environment: ["LANG": "C", "PATH": "/usr/bin:/bin"]
            )
            guard let status = try child.wait(timeout: 60) else {
                child.signal(SIGKILL)
                _ = try? child.wait()
                return (-1, "", "timed out")
            }
            let output = (try? String(contentsOfFile: base + ".out", encoding: .utf8)) ?? ""
            let errors = (try? String(contentsOfFile: base + ".err", encoding: .utf8)) ?? ""
            return (status, output, errors)
        } catch {
            return (-1, "", "\(error)")
        }
    }

    /// Operators and handlers at work, one step a second: file a complaint; two in three are transferred, and of
    /// those one is accepted and replied to (it then closes after its quiet period), the other left for the accept
    /// deadline; the third is left for the transfer deadline.
    private static func soakOperators(hotlinectl: String, control: String, tally: SoakTally) {
        var index = 0
        func run(_ arguments: [String], counting key: String) -> JSONValue? {
            let (status, output, errors) = ctl(hotlinectl, control, arguments + ["--json"])
            switch status {
            case 0:
                tally.add(key)
                return try? JSONValue.parse(Array(output.utf8))
            case 3:
                // A refusal names its rule: the workflow's answer, not a failure of the daemon.
                tally.add("refused")
            default:
                tally.error("hotlinectl \(arguments.prefix(2).joined(separator: " ")) exited \(status): \(errors)")
            }
            return nil
        }
        while tally.isRunning {
            let stepStart = Date()
            index += 1
            let operatorLogin = index % 2 == 0 ? "zhangsan" : "lisi"
            let filed = run(
                [
                    "complaint", "file", "--phone", "139\(String(format: "%08d", index))", "--name", "来电人\(index)",
                    "--matter", "浸泡测试第\(index)件：热水器漏水", "--as", operatorLogin,
                ],
                counting: "filed"
            )
            if let id = filed?["id"]?.stringValue, index % 3 != 0 {
                _ = run(
                    ["complaint", "transfer", id, "--to", "INST", "--reason", "安装问题", "--as", operatorLogin],
                    counting: "moved"
                )
                if index % 3 == 1 {
                    _ = run(["complaint", "accept", id, "--as", "wangwu"], counting: "moved")
                    _ = run(
                        ["complaint", "reply", id, "--result", "已上门处理", "--as", "wangwu"],
                        counting: "moved"
                    )
                }
            }
            Thread.sleep(forTimeInterval: max(0, 1 - Date().timeIntervalSince(stepStart)))
        }
    }

    /// The manual clock, `soakClockMinutesPerSecond` minutes each real second.
    private static func soakClock(hotlinectl: String, control: String, tally: SoakTally) {
        while tally.isRunning {
            let stepStart = Date()
            let (status, _, errors) = ctl(
                hotlinectl,
                control,
                ["clock", "advance", "\(soakClockMinutesPerSecond)m", "--json"]
            )
            if status == 0 {
                tally.add("minutes", soakClockMinutesPerSecond)
            } else {
                tally.error("hotlinectl clock advance exited \(status): \(errors)")
            }
            Thread.sleep(forTimeInterval: max(0, 1 - Date().timeIntervalSince(stepStart)))
        }
    }
}
