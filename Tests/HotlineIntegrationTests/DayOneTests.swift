import Foundation
import HotlineProtocol
import HotlineTestSupport
import Testing

/// Issue 19, day one: the Unix user who starts hotlined administers it, as root does; nobody else does.
@Suite("Day one: the daemon's own user")
struct DayOneTests {
    @Test("a daemon started by a non-root user is administered by that user with no --as; another user is refused")
    func daemonUserIsAdministrator() throws {
        let owner = "hlo" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(6))
        let stranger = "hls" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(6))
        for name in [owner, stranger] {
            let created = try ProcessRunner.run([
                "/usr/sbin/useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name,
            ])
            #expect(created.status == 0, "\(created.output)")
        }
        defer {
            for name in [owner, stranger] { _ = try? ProcessRunner.run(["/usr/sbin/userdel", name]) }
        }
        let database = try TestEnvironment.makeDatabase()
        let config = "/tmp/hl-dayone-\(UUID().uuidString.prefix(8)).toml"
        // Sockets open to everyone for this test, so that the stranger reaches them and is refused by identity.
        try "[sockets]\nmode = \"0666\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: config)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let daemon = try DaemonHarness(arguments: ["--database", database, "--config", config], runAs: owner)
        let hotlinectl = daemon.directory + "/hotlinectl"
        try TestEnvironment.copyExecutable(TestEnvironment.binDirectory + "/hotlinectl", to: hotlinectl)
        func run(as name: String, _ arguments: [String]) throws -> ProcessRunner.Result {
            var attempt = 0
            while true {
                let result = try ProcessRunner.run(
                    ["/usr/sbin/runuser", "-u", name, "--", hotlinectl, "--socket", daemon.controlSocket] + arguments,
                    environment: ["LANG": "C"]
                )
                attempt += 1
                // Only ETXTBSY (a concurrently forked child holding the copy open) is retried.
                guard result.stderr.contains("Text file busy"), attempt < 10 else { return result }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        // The daemon's user sets the centre up with no staff record and no --as, like root.
        let department = try run(as: owner, ["dept", "add", "SVC", "--name", "客服部"])
        #expect(department.status == 0, "\(department.output)")
        let staff = try run(as: owner, ["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC"])
        #expect(staff.status == 0, "\(staff.output)")
        // Acting for a staff member with --as is recorded as such in the hop.
        let filed = try run(as: owner, ["complaint", "file", "--matter", "开通测试", "--as", "zhangsan", "--json"])
        #expect(filed.status == 0, "\(filed.output)")
        let complaint = try JSONValue.parse(Array(filed.stdout.utf8))
        #expect(complaint["first_responder"] == .string("zhangsan"))
        #expect(complaint["hops"]?.arrayValue?.first?["acting_root"] == .bool(true))
        // Without --as, complaint verbs want a staff member, and the message says how to become one.
        let asAdministrator = try run(as: owner, ["complaint", "file", "--matter", "x"])
        #expect(asAdministrator.status == 3)
        #expect(asAdministrator.stderr.contains("hotlinectl staff add \(owner)"))
        // Once the daemon's user has a staff record of their own, they act as themselves and stay an administrator.
        #expect(try run(as: owner, ["staff", "add", owner, "--name", "管理员", "--dept", "SVC"]).status == 0)
        let own = try run(as: owner, ["complaint", "file", "--matter", "本人登记", "--json"])
        #expect(own.status == 0, "\(own.output)")
        #expect(try JSONValue.parse(Array(own.stdout.utf8))["first_responder"] == .string(owner))
        #expect(try run(as: owner, ["dept", "add", "INST", "--name", "安装部"]).status == 0)
        // Anyone else is refused: no staff record, and no --as.
        let refused = try run(as: stranger, ["dept", "add", "QA", "--name", "质检部"])
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("has no staff record"))
        let impersonation = try run(as: stranger, ["dept", "list", "--as", "zhangsan"])
        #expect(impersonation.status == 3)
        #expect(impersonation.stderr.contains("--as is for root only"))
        daemon.stop()
    }
}
