import Foundation
import HotlineCLI
import HotlineProtocol
import HotlineTestSupport
import Testing

/// The real `hotlined` and `hotlinectl` processes over the real control socket (issue 2).
@Suite("hotlined and hotlinectl processes")
struct DaemonProcessTests {
    @Test("status --json reports the database ok, in the SPEC §6 shape")
    func statusJSON() throws {
        let daemon = try DaemonHarness(arguments: ["--database", try TestEnvironment.makeDatabase()])
        let status = try daemon.ctlJSON(["status"])
        #expect(status["database"] == .string("ok"))
        #expect(status["clock"] == .string("system"))
        #expect(status["spool_depth"] == .int(0))
        #expect(status["pending_deadlines"] == .int(0))
        #expect(status["pbx_connections"] == .int(0))
        #expect(status["version"]?.stringValue?.isEmpty == false)
        // Times are RFC 3339 in the centre's zone (Asia/Shanghai by default).
        #expect(status["now"]?.stringValue?.hasSuffix("+08:00") == true)
        let human = try daemon.ctl(["status", "--lang", "zh"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("数据库"))
        #expect(human.stdout.contains("正常"))
        #expect(daemon.stop() == 0)
    }

    @Test("dept and staff add/list work as root without --as, with the exit codes of SPEC §6")
    func directory() throws {
        let daemon = try DaemonHarness(arguments: ["--database", try TestEnvironment.makeDatabase()])
        let added = try daemon.ctlJSON(["dept", "add", "QA", "--name", "质检部", "--coordination"])
        #expect(added["code"] == .string("QA"))
        #expect(added["coordination"] == .bool(true))
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        let staff = try daemon.ctlJSON([
            "staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--rank", "3", "--role", "operator",
            "--role", "supervisor", "--extension", "8001",
        ])
        #expect(staff["login"] == .string("zhangsan"))
        #expect(staff["roles"] == .array([.string("operator"), .string("supervisor")]))
        #expect(staff["extension"] == .string("8001"))

        let departments = try daemon.ctlJSON(["dept", "list"])
        #expect(departments.arrayValue?.compactMap { $0["code"]?.stringValue } == ["QA", "SVC"])
        let members = try daemon.ctlJSON(["staff", "list", "--dept", "SVC"])
        #expect(members.arrayValue?.count == 1)
        #expect(members.arrayValue?.first?["name"] == .string("张三"))

        // Refused (3): duplicate; not found (4): unknown department; usage (2): bad role.
        let duplicate = try daemon.ctl(["dept", "add", "SVC", "--name", "again"])
        #expect(duplicate.status == 3)
        #expect(duplicate.stderr.contains("already exists"))
        let duplicateZh = try daemon.ctl(["dept", "add", "SVC", "--name", "again", "--lang", "zh"])
        #expect(duplicateZh.status == 3)
        #expect(duplicateZh.stderr.contains("部门“SVC”已存在"))
        let missing = try daemon.ctl(["staff", "add", "lisi", "--name", "李四", "--dept", "NOPE"])
        #expect(missing.status == 4)
        #expect(missing.stderr.contains("NOPE"))
        let usage = try daemon.ctl(["staff", "add", "lisi", "--name", "李四", "--dept", "SVC", "--role", "boss"])
        #expect(usage.status == 2)
        let badLogin = try daemon.ctl(["staff", "add", "Li Si", "--name", "李四", "--dept", "SVC"])
        #expect(badLogin.status == 2)
        #expect(badLogin.stderr.contains("login"))
        let secondOffice = try daemon.ctl(["dept", "add", "CO", "--name", "协调办", "--coordination"])
        #expect(secondOffice.status == 3)
        #expect(secondOffice.stderr.contains("R7"))
        // --as names a staff member who must exist.
        let unknownAs = try daemon.ctl(["dept", "list", "--as", "nobody"])
        #expect(unknownAs.status == 4)

        // Human tables align Chinese (double-width) text.
        let table = try daemon.ctl(["dept", "list"])
        let lines = table.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        // Every column starts at the same terminal column on every line, Chinese names included.
        let starts = lines.map(columnStarts)
        #expect(starts.allSatisfy { $0.count == 4 })
        #expect(Set(starts).count == 1, "\(table.stdout)")
        #expect(daemon.stop() == 0)
    }

    @Test("an unreachable daemon is exit 5; a manual-clock command on the system clock is refused (3)")
    func exitCodes() throws {
        let unreachable = try ProcessRunner.run(
            [TestEnvironment.binDirectory + "/hotlinectl", "--socket", "/tmp/hl-nonexistent/control.sock", "status"]
        )
        #expect(unreachable.status == 5)
        #expect(unreachable.stderr.contains("cannot reach hotlined"))
        let daemon = try DaemonHarness(arguments: ["--database", try TestEnvironment.makeDatabase()])
        let clock = try daemon.ctl(["clock", "advance", "1h"])
        #expect(clock.status == 3)
        #expect(clock.stderr.contains("--clock manual"))
        daemon.stop()
    }

    @Test("the manual clock starts where told and moves only forward")
    func manualClock() throws {
        let daemon = try DaemonHarness(arguments: [
            "--database", try TestEnvironment.makeDatabase(), "--clock", "manual", "--clock-start",
            "2026-11-30T09:00:00+08:00",
        ])
        #expect(try daemon.ctlJSON(["status"])["now"] == .string("2026-11-30T09:00:00+08:00"))
        #expect(try daemon.ctlJSON(["clock", "advance", "1h30m"])["now"] == .string("2026-11-30T10:30:00+08:00"))
        #expect(try daemon.ctlJSON(["clock", "set", "2026-12-01T09:00:00+08:00"])["clock"] == .string("manual"))
        let backwards = try daemon.ctl(["clock", "set", "2026-11-01T09:00:00+08:00"])
        #expect(backwards.status == 3)
        daemon.stop()
    }

    @Test("hotlined migrate applies once, then reports the schema up to date")
    func migrateCommand() throws {
        let database = try TestEnvironment.makeDatabase()
        let hotlined = TestEnvironment.binDirectory + "/hotlined"
        let first = try ProcessRunner.run([hotlined, "migrate", "--database", database])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.stdout.contains("applied migrations: 1"))
        let second = try ProcessRunner.run([hotlined, "migrate", "--database", database])
        #expect(second.status == 0)
        #expect(second.stdout.contains("schema up to date"))
        let bad = try ProcessRunner.run([hotlined, "migrate", "--database", "host=/nonexistent/x dbname=y"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("could not connect"))
    }

    @Test("a bad config file stops the daemon with file, line and key named")
    func badConfig() throws {
        let path = "/tmp/hl-config-\(UUID().uuidString.prefix(8)).toml"
        try "[calendar]\ntime_zone = \"Asia/Shanghai\"\n\n[policy]\nreply_deadline = \"1 working day\"\n".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try ProcessRunner.run([TestEnvironment.binDirectory + "/hotlined", "--config", path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("\(path):5: [policy.reply_deadline] unknown key"))
    }

    @Test("with no database configured it runs an embedded PostgreSQL in the state directory")
    func embeddedDatabase() throws {
        let daemon = try DaemonHarness(arguments: [], startupTimeout: 120)
        let status = try daemon.ctlJSON(["status"])
        #expect(status["database"] == .string("ok"))
        let state = daemon.directory + "/state/postgres"
        #expect(FileManager.default.fileExists(atPath: state + "/data/PG_VERSION"))
        #expect(FileManager.default.fileExists(atPath: state + "/run/.s.PGSQL.5432"))
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        #expect(daemon.stop() == 0)
        // Stopped with the daemon: the socket is gone.
        #expect(!FileManager.default.fileExists(atPath: state + "/run/.s.PGSQL.5432"))
        // Data survives a restart.
        let again = try DaemonHarness(arguments: ["--state-dir", daemon.directory + "/state"], startupTimeout: 120)
        #expect(try again.ctlJSON(["dept", "list"]).arrayValue?.count == 1)
        #expect(again.stop() == 0)
    }
}

/// Terminal columns where each cell of a table line starts (cells are separated by two or more spaces).
private func columnStarts(_ line: String) -> [Int] {
    var starts: [Int] = []
    var column = 0
    var spaces = 0
    for character in line {
        if character == " " {
            spaces += 1
        } else {
            if starts.isEmpty || spaces >= 2 { starts.append(column) }
            spaces = 0
        }
        column += TextTable.displayWidth(String(character))
    }
    return starts
}
