import Foundation
import HotlineProtocol
import HotlineStore
import HotlineTestSupport
import Testing

/// The complaint workflow through real hotlinectl processes against a real daemon and database (issue 4).
@Suite("Complaints through hotlinectl")
struct ComplaintWorkflowProcessTests {
    /// A daemon on a manual clock with a service desk (SVC), an installation department (INST), a property
    /// department (PROP) and the QA department as coordination office.
    private func makeCentre(extraArguments: [String] = []) throws -> (DaemonHarness, String) {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(
            arguments: [
                "--database", database, "--clock", "manual", "--clock-start", "2026-11-30T09:00:00+08:00",
            ] + extraArguments
        )
        for (code, name, coordination) in [
            ("QA", "质检部", true), ("SVC", "客服部", false), ("INST", "安装部", false), ("PROP", "物业部", false),
        ] {
            _ = try daemon.ctlJSON(["dept", "add", code, "--name", name] + (coordination ? ["--coordination"] : []))
        }
        for (login, name, department, roles, phoneExtension) in [
            ("zhangsan", "张三", "SVC", ["operator"], "8001"), ("wangwu", "王五", "INST", ["handler"], "8101"),
            ("sunqi", "孙七", "PROP", ["handler"], "8201"), ("zhaoliu", "赵六", "QA", ["supervisor", "qa"], "8301"),
            ("qianba", "钱八", "SVC", ["operator"], "8002"),
        ] {
            _ = try daemon.ctlJSON(
                ["staff", "add", login, "--name", name, "--dept", department, "--extension", phoneExtension]
                    + roles.flatMap { ["--role", $0] }
            )
        }
        return (daemon, database)
    }

    private func act(_ daemon: DaemonHarness, as login: String, _ arguments: [String]) throws -> JSONValue {
        try daemon.ctlJSON(["complaint"] + arguments + ["--as", login])
    }

    private func refused(_ daemon: DaemonHarness, as login: String, _ arguments: [String]) throws
        -> ProcessRunner.Result
    {
        try daemon.ctl(["complaint"] + arguments + ["--as", login])
    }

    @Test("happy path: filed from a call, transferred, accepted, replied, feedback, closed; the trail verifies")
    func happyPath() throws {
        let (daemon, _) = try makeCentre()
        let pbx = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let acks = try pbx.exchange([
            Events.offered("h-1", call: "7001", at: "2026-11-30T08:58:00+08:00", name: "王女士"),
            Events.answered("h-2", call: "7001", at: "2026-11-30T08:58:30+08:00", agents: ["8001"]),
        ])
        #expect(acks.allSatisfy { $0.isStored })
        // Only the call's first responder (or a supervisor) may file from it (R2).
        #expect(try refused(daemon, as: "qianba", ["file", "--call", "7001", "--matter", "漏水"]).status == 3)
        let filed = try act(daemon, as: "zhangsan", ["file", "--call", "7001", "--matter", "热水器安装后漏水"])
        let id = try #require(filed["id"]?.stringValue)
        #expect(filed["state"] == .string("open"))
        #expect(filed["caller_name"] == .string("王女士"))
        #expect(filed["caller_phone"] == .string("13812345678"))
        #expect(filed["first_responder"] == .string("zhangsan"))
        #expect(filed["received_at"] == .string("2026-11-30T08:58:30+08:00"))
        let transfer = filed["deadlines"]?.arrayValue?.first
        #expect(transfer?["kind"] == .string("transfer"))
        #expect(transfer?["due_at"] == .string("2026-11-30T09:58:30+08:00"))
        #expect(transfer?["state"] == .string("pending"))

        let transferred = try act(daemon, as: "zhangsan", ["transfer", id, "--to", "INST", "--reason", "安装质量问题"])
        #expect(transferred["state"] == .string("transferred"))
        #expect(
            transferred["hops"]?.arrayValue?.map { $0["action"] } == [
                .string("filed"), .string("transferred"), .string("copied_to_qa"),
            ]
        )
        _ = try daemon.ctlJSON(["clock", "advance", "20m"])
        let accepted = try act(daemon, as: "wangwu", ["accept", id])
        #expect(accepted["handler"] == .string("wangwu"))
        let replied = try act(daemon, as: "wangwu", ["reply", id, "--result", "已上门更换阀门"])
        #expect(replied["state"] == .string("replied"))
        let deadlines = replied["deadlines"]?.arrayValue ?? []
        #expect(deadlines.map { $0["kind"] } == [.string("transfer"), .string("accept"), .string("reply")])
        #expect(deadlines.allSatisfy { $0["state"] == .string("met") })
        // 1 working day from the transfer at 09:00: 480 business minutes, due 18:00 the same day.
        #expect(deadlines.last?["due_at"] == .string("2026-11-30T18:00:00+08:00"))
        let closed = try act(daemon, as: "zhangsan", ["feedback", id, "--satisfaction", "5", "--comment", "满意"])
        #expect(closed["state"] == .string("closed"))
        #expect(closed["satisfaction"] == .int(5))
        let audit = try daemon.ctlJSON(["audit", "verify", id])
        #expect(audit["ok"] == .bool(true))
        daemon.stop()
    }

    @Test("resolved on the spot within the first responder's own department (R3)")
    func resolveOnTheSpot() throws {
        let (daemon, _) = try makeCentre()
        let filed = try act(
            daemon,
            as: "zhangsan",
            ["file", "--name", "李先生", "--phone", "139 0000 1111", "--matter", "账单疑问"]
        )
        let id = try #require(filed["id"]?.stringValue)
        let empty = try refused(daemon, as: "zhangsan", ["resolve", id, "--answer", "  "])
        #expect(empty.status == 3)
        #expect(empty.stderr.contains("R3"))
        let resolved = try act(daemon, as: "zhangsan", ["resolve", id, "--answer", "已解释账单明细"])
        #expect(resolved["state"] == .string("resolved"))
        #expect(resolved["deadlines"]?.arrayValue?.first?["state"] == .string("met"))
        daemon.stop()
    }

    @Test("return and re-route (R7): a third department is refused, the return is a misroute of the sender")
    func returnAndReroute() throws {
        let (daemon, database) = try makeCentre()
        let id = try #require(try act(daemon, as: "zhangsan", ["file", "--matter", "楼道灯坏了"])["id"]?.stringValue)
        _ = try act(daemon, as: "zhangsan", ["transfer", id, "--to", "INST", "--reason", "灯具安装"])
        let onward = try refused(daemon, as: "wangwu", ["transfer", id, "--to", "PROP", "--reason", "不归我们"])
        #expect(onward.status == 3)
        #expect(onward.stderr.contains("R7"))
        #expect(onward.stderr.contains("return"))
        #expect(try act(daemon, as: "wangwu", ["return", id, "--reason", "属物业"])["state"] == .string("returned"))
        // Only the coordination office re-routes.
        #expect(try refused(daemon, as: "zhangsan", ["reroute", id, "--to", "PROP", "--reason", "x"]).status == 3)
        let unknown = try refused(daemon, as: "zhaoliu", ["reroute", id, "--to", "NOPE", "--reason", "x"])
        #expect(unknown.status == 4)
        let rerouted = try act(daemon, as: "zhaoliu", ["reroute", id, "--to", "PROP", "--reason", "物业报修"])
        #expect(rerouted["state"] == .string("transferred"))
        #expect(rerouted["department"] == .string("PROP"))
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let misroutes = try connection.query(
            "SELECT department, level FROM hotline.escalations WHERE kind = 'misroute' AND complaint_id = $1::bigint",
            [id]
        )
        #expect(misroutes.count == 1)
        #expect(try misroutes.first?.decode("department", as: String.self) == "SVC")
        daemon.stop()
    }

    @Test("refusals name their rule or role, with the exit codes of SPEC §6")
    func refusals() throws {
        let (daemon, _) = try makeCentre()
        let id = try #require(try act(daemon, as: "zhangsan", ["file", "--matter", "安装预约未到"])["id"]?.stringValue)
        // Root must name a staff member for complaint verbs; an unknown complaint is not found.
        #expect(try daemon.ctl(["complaint", "resolve", id, "--answer", "x"]).status == 3)
        #expect(try refused(daemon, as: "zhangsan", ["show", "999"]).status == 4)
        // R4: a transfer needs an existing department other than one's own.
        #expect(try refused(daemon, as: "zhangsan", ["transfer", id, "--to", "NOPE", "--reason", "x"]).status == 4)
        #expect(try refused(daemon, as: "zhangsan", ["transfer", id, "--to", "SVC", "--reason", "x"]).status == 3)
        _ = try act(daemon, as: "zhangsan", ["transfer", id, "--to", "INST", "--reason", "安装"])
        // R5: only the receiving department accepts.
        let wrongDepartment = try refused(daemon, as: "sunqi", ["accept", id])
        #expect(wrongDepartment.status == 3)
        _ = try act(daemon, as: "wangwu", ["accept", id])
        // R11: a handover needs a supervisor's approval.
        let handover = try refused(
            daemon,
            as: "zhangsan",
            ["handover", id, "--to", "qianba", "--approved-by", "wangwu"]
        )
        #expect(handover.status == 3)
        #expect(handover.stderr.contains("R11"))
        // R15: an extension needs a supervisor's approval; with it, the reply deadline moves.
        let noApproval = try refused(
            daemon,
            as: "wangwu",
            ["extend", id, "--by", "2 working days", "--reason", "等配件", "--approved-by", "zhangsan"]
        )
        #expect(noApproval.status == 3)
        #expect(noApproval.stderr.contains("R15"))
        let extended = try act(
            daemon,
            as: "wangwu",
            ["extend", id, "--by", "2 working days", "--reason", "等配件", "--approved-by", "zhaoliu"]
        )
        let reply = extended["deadlines"]?.arrayValue?.first { $0["kind"] == .string("reply") }
        #expect(reply?["due_at"] == .string("2026-12-02T18:00:00+08:00"))
        // R8: escalation goes only up; R10: the first responder urges.
        #expect(
            try act(daemon, as: "zhaoliu", ["escalate", id, "--to", "vp", "--reason", "多次催办"])["escalation_level"]
                == .string("vp")
        )
        #expect(try refused(daemon, as: "zhaoliu", ["escalate", id, "--to", "qa", "--reason", "x"]).status == 3)
        #expect(
            try act(daemon, as: "zhangsan", ["urge", id, "--note", "客户再次来电"])["hops"]?.arrayValue?.last?["action"]
                == .string("urged")
        )
        // R13/R16: a low score sends the case back for a redo; feedback is taken once.
        _ = try act(daemon, as: "wangwu", ["reply", id, "--result", "已处理"])
        let redo = try act(daemon, as: "zhangsan", ["feedback", id, "--satisfaction", "1"])
        #expect(redo["state"] == .string("accepted"))
        #expect(try refused(daemon, as: "zhangsan", ["feedback", id, "--satisfaction", "5"]).status == 3)
        // Usage errors are 2.
        #expect(try daemon.ctl(["complaint", "feedback", id, "--satisfaction", "9", "--as", "zhangsan"]).status == 2)
        daemon.stop()
    }

    @Test("input errors reach staff in their language: bad phone numbers, durations, ids and usage")
    func errorsInTheReadersLanguage() throws {
        let (daemon, _) = try makeCentre()
        let file = ["complaint", "file", "--matter", "漏水", "--phone", "138x1234", "--as", "zhangsan"]
        let english = try daemon.ctl(file + ["--lang", "en"])
        #expect(english.status == 2)
        #expect(english.stderr.contains("--phone: not a phone number: contains 'x'"))
        let chinese = try daemon.ctl(file + ["--lang", "zh"])
        #expect(chinese.status == 2)
        #expect(chinese.stderr.contains("--phone：不是电话号码：含有字符 'x'"))
        // The locale decides when --lang is not given.
        let byLocale = try daemon.ctl(
            ["complaint", "file", "--matter", "漏水", "--phone", "12", "--as", "zhangsan"],
            environment: ["LANG": "zh_CN.UTF-8"]
        )
        #expect(byLocale.stderr.contains("号码太短：2 位数字，至少 3 位"))
        // hotlinectl's own checks are usage errors (2) in the reader's language.
        let extend = ["complaint", "extend", "1", "--by", "1 day", "--reason", "x", "--approved-by", "zhaoliu"]
        let extendZh = try daemon.ctl(extend + ["--lang", "zh"])
        #expect(extendZh.status == 2)
        #expect(extendZh.stderr.contains("错误：--by：时长“1 day”：工作时间请写“工作日”"))
        let extendEn = try daemon.ctl(extend + ["--lang", "en"])
        #expect(extendEn.status == 2)
        #expect(extendEn.stderr.contains("Error: --by: allowance \"1 day\": say \"working days\""))
        let satisfaction = try daemon.ctl(["complaint", "feedback", "1", "--satisfaction", "9", "--lang", "zh"])
        #expect(satisfaction.status == 2)
        #expect(satisfaction.stderr.contains("--satisfaction 须为 1 到 5"))
        let badLang = try daemon.ctl(["status", "--lang", "fr"], environment: ["LANG": "zh_CN.UTF-8"])
        #expect(badLang.status == 2)
        #expect(badLang.stderr.contains("--lang 须为 zh 或 en，不能是“fr”"))
        // Store errors too: an unknown complaint or call.
        let missing = try daemon.ctl(["complaint", "show", "999", "--as", "zhangsan", "--lang", "zh"])
        #expect(missing.status == 4)
        #expect(missing.stderr.contains("没有投诉 999"))
        let noCall = try daemon.ctl(
            ["complaint", "file", "--call", "nope", "--matter", "x", "--as", "zhangsan", "--lang", "zh"]
        )
        #expect(noCall.status == 4)
        #expect(noCall.stderr.contains("登记册中没有呼叫 nope"))
        daemon.stop()
    }

    @Test("urgent complaints are escalated to the on-duty leader at once and run shorter timers (R12)")
    func urgent() throws {
        let (daemon, _) = try makeCentre()
        let filed = try act(daemon, as: "zhangsan", ["file", "--matter", "燃气泄漏", "--urgent"])
        #expect(filed["escalation_level"] == .string("vp"))
        // 1 hour at the urgent scale of 0.25: 15 minutes.
        #expect(filed["deadlines"]?.arrayValue?.first?["due_at"] == .string("2026-11-30T09:15:00+08:00"))
        daemon.stop()
    }

    @Test("tampering with a hop as the database superuser makes audit verify fail at that hop")
    func tamperedHop() throws {
        let (daemon, database) = try makeCentre()
        let id = try #require(try act(daemon, as: "zhangsan", ["file", "--matter", "原始记录"])["id"]?.stringValue)
        _ = try act(daemon, as: "zhangsan", ["transfer", id, "--to", "INST", "--reason", "转交理由"])
        #expect(try daemon.ctlJSON(["audit", "verify"])["ok"] == .bool(true))
        let superuser = try PGConnection(conninfo: database)
        defer { superuser.close() }
        // The trigger refuses even the superuser until it is switched off on purpose.
        #expect(throws: PostgresError.self) {
            try superuser.command(
                "UPDATE hotline.hops SET text = 'forged' WHERE seq = 2 AND complaint_id = $1::bigint",
                [id]
            )
        }
        try superuser.command("SET session_replication_role = replica")
        try superuser.command(
            "UPDATE hotline.hops SET text = 'forged' WHERE seq = 2 AND complaint_id = $1::bigint",
            [id]
        )
        let verify = try daemon.ctl(["audit", "verify", id])
        #expect(verify.status == 3)
        #expect(verify.stderr.contains("R9"))
        #expect(verify.stderr.contains("hop 2"))
        daemon.stop()
    }

    @Test("identity comes from the peer's Unix user; a user without a staff record and --as by non-root are refused")
    func unixIdentity() throws {
        let config = "/tmp/hl-ident-\(UUID().uuidString.prefix(8)).toml"
        // Sockets open to everyone for this test, so that another Unix user can reach them.
        try "[sockets]\nmode = \"0666\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let (daemon, _) = try makeCentre(extraArguments: ["--config", config])
        let user = "hlt" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(6))
        let stranger = "hlx" + String(UUID().uuidString.lowercased().filter(\.isLetter).prefix(6))
        for name in [user, stranger] {
            let created = try ProcessRunner.run([
                "/usr/sbin/useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name,
            ])
            #expect(created.status == 0, "\(created.output)")
        }
        defer {
            for name in [user, stranger] { _ = try? ProcessRunner.run(["/usr/sbin/userdel", name]) }
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: daemon.directory)
        // The other users run a copy beside the sockets: the checkout may sit in a directory only root can enter.
        let hotlinectl = daemon.directory + "/hotlinectl"
        try TestEnvironment.copyExecutable(TestEnvironment.binDirectory + "/hotlinectl", to: hotlinectl)
        _ = try daemon.ctlJSON(["staff", "add", user, "--name", "测试员", "--dept", "SVC", "--role", "operator"])
        func run(as name: String, _ arguments: [String]) throws -> ProcessRunner.Result {
            // Other tests spawn processes meanwhile; a child forked while the copy was being written holds its
            // descriptor until it execs, and exec then fails with ETXTBSY. That is the only failure retried.
            var attempt = 0
            while true {
                let result = try ProcessRunner.run(
                    ["/usr/sbin/runuser", "-u", name, "--", hotlinectl, "--socket", daemon.controlSocket] + arguments,
                    environment: ["LANG": "C"]
                )
                attempt += 1
                guard result.stderr.contains("Text file busy"), attempt < 10 else { return result }
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        let filed = try run(as: user, ["complaint", "file", "--matter", "本人登记", "--json"])
        #expect(filed.status == 0, "\(filed.output)")
        let json = try JSONValue.parse(Array(filed.stdout.utf8))
        #expect(json["first_responder"] == .string(user))
        #expect(json["hops"]?.arrayValue?.first?["acting_root"] == .bool(false))
        let unknown = try run(as: stranger, ["complaint", "list"])
        #expect(unknown.status == 3)
        #expect(unknown.stderr.contains("no staff record"))
        let impersonation = try run(as: user, ["complaint", "list", "--as", "zhaoliu"])
        #expect(impersonation.status == 3)
        #expect(impersonation.stderr.contains("--as is for root only"))
        daemon.stop()
    }
}
