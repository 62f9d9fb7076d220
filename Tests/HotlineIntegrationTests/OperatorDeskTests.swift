import Foundation
import HotlineProtocol
import HotlineTestSupport
import Testing

/// The operator's desk (SPEC §12, issue 12) through real hotlinectl processes against a real daemon and database:
/// the knowledge base of matters, telling recorded in the signed hop, and caller history.
@Suite("Operator's desk through hotlinectl")
struct OperatorDeskTests {
    /// A daemon on a manual clock with a service desk, a police household office and QA; zhaoliu is a
    /// supervisor, zhangsan an operator.
    private func makeCentre() throws -> DaemonHarness {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(
            arguments: ["--database", database, "--clock", "manual", "--clock-start", "2026-11-30T09:00:00+08:00"]
        )
        for (code, name) in [("QA", "质检部"), ("SVC", "客服部"), ("POLICE", "户籍科")] {
            _ = try daemon.ctlJSON(["dept", "add", code, "--name", name] + (code == "QA" ? ["--coordination"] : []))
        }
        for (login, name, department, roles, phoneExtension) in [
            ("zhangsan", "张三", "SVC", ["operator"], "8001"), ("zhaoliu", "赵六", "QA", ["supervisor", "qa"], "8301"),
            ("qianba", "钱八", "SVC", ["operator"], "8002"),
        ] {
            _ = try daemon.ctlJSON(
                ["staff", "add", login, "--name", name, "--dept", department, "--extension", phoneExtension]
                    + roles.flatMap { ["--role", $0] }
            )
        }
        return daemon
    }

    /// `matter add` arguments for a complete matter.
    private func matterArguments(
        _ code: String,
        title: String,
        keywords: [String],
        procedure: String = "携材料到户籍窗口办理"
    ) -> [String] {
        [
            "matter", "add", code, "--title", title, "--department", "POLICE", "--conditions", "父母一方为本市户籍",
            "--materials", "出生医学证明、父母户口簿、结婚证", "--fees", "免费", "--time-limit", "当场办结",
            "--procedure", procedure,
        ] + (keywords.isEmpty ? [] : ["--keywords"] + keywords)
    }

    @Test(
        "add, edit as new versions, show old versions, list; operators read but do not write; limits are usage errors"
    )
    func matterVersions() throws {
        let daemon = try makeCentre()
        // Operators read the knowledge base; admins and supervisors write it.
        let denied = try daemon.ctl(matterArguments("HUKOU-01", title: "新生儿落户", keywords: []) + ["--as", "zhangsan"])
        #expect(denied.status == 3, "\(denied.output)")
        let added = try daemon.ctlJSON(
            matterArguments("HUKOU-01", title: "新生儿落户", keywords: ["上户口", "出生登记"]) + ["--as", "zhaoliu"]
        )
        #expect(added["version"] == .int(1))
        #expect(added["edited_by"] == .string("zhaoliu (root)"))
        #expect(added["keywords"] == .array([.string("上户口"), .string("出生登记")]))
        // A second add of the code is refused; the change is an edit.
        #expect(try daemon.ctl(matterArguments("HUKOU-01", title: "重复", keywords: [])).status == 3)

        let edited = try daemon.ctlJSON(["matter", "edit", "HUKOU-01", "--title", "新生儿落户登记", "--fees", "免费（无工本费）"])
        #expect(edited["version"] == .int(2))
        #expect(edited["title"] == .string("新生儿落户登记"))
        #expect(edited["materials"] == .string("出生医学证明、父母户口簿、结婚证"))
        #expect(edited["edited_by"] == .string("root"))
        // An edit that changes nothing makes no version.
        #expect(try daemon.ctl(["matter", "edit", "HUKOU-01", "--title", "新生儿落户登记"]).status == 2)

        let first = try daemon.ctlJSON(["matter", "show", "HUKOU-01", "--version", "1"])
        #expect(first["version"] == .int(1))
        #expect(first["current_version"] == .int(2))
        #expect(first["title"] == .string("新生儿落户"))
        #expect(first["fees"] == .string("免费"))
        let current = try daemon.ctlJSON(["matter", "show", "HUKOU-01", "--as", "zhangsan"])
        #expect(current["version"] == .int(2))
        let human = try daemon.ctl(["matter", "show", "HUKOU-01", "--version", "1", "--lang", "zh"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("办理条件：父母一方为本市户籍"))
        #expect(human.stdout.contains("当前为第 2 版"))
        #expect(try daemon.ctl(["matter", "show", "HUKOU-01", "--version", "3"]).status == 4)
        #expect(try daemon.ctl(["matter", "show", "NOPE"]).status == 4)

        let list = try daemon.ctlJSON(["matter", "list"])
        #expect(list.arrayValue?.count == 1)
        #expect(list.arrayValue?.first?["version"] == .int(2))

        // Every field is length-checked with its name, in both languages, before anything is sent (exit 2).
        let longTitle = String(repeating: "长", count: 101)
        let tooLong = try daemon.ctl(matterArguments("HUKOU-02", title: longTitle, keywords: []))
        #expect(tooLong.status == 2)
        #expect(tooLong.stderr.contains("--title (title) is 101 characters long; at most 100 are allowed"))
        let tooLongZh = try daemon.ctl(matterArguments("HUKOU-02", title: longTitle, keywords: []) + ["--lang", "zh"])
        #expect(tooLongZh.status == 2)
        #expect(tooLongZh.stderr.contains("--title（事项名称）最多 100 个字，现有 101 个"))
        let missing = try daemon.ctl(["matter", "add", "HUKOU-03", "--title", "缺字段", "--department", "POLICE"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--conditions (conditions) must not be empty"))
        #expect(
            try daemon.ctl(["matter", "edit", "HUKOU-01", "--fees", String(repeating: "元", count: 501)]).status == 2
        )
        // An unknown department is not found (exit 4).
        let noDepartment = try daemon.ctl(
            ["matter", "edit", "HUKOU-01", "--department", "NOPE"]
        )
        #expect(noDepartment.status == 4, "\(noDepartment.output)")
    }

    @Test("search in Chinese without spaces: keywords found with none of the title's words, ranked before body hits")
    func chineseSearch() throws {
        let daemon = try makeCentre()
        _ = try daemon.ctlJSON(matterArguments("HUKOU-01", title: "新生儿落户登记", keywords: ["上户口", "出生证明"]))
        // Mentions the caller's words only in its procedure.
        _ = try daemon.ctlJSON(
            matterArguments(
                "JZZ-01",
                title: "居住证办理",
                keywords: ["暂住"],
                procedure: "持居住证的，子女上户口另行办理"
            )
        )
        _ = try daemon.ctlJSON(
            matterArguments("PASS-01", title: "护照申领", keywords: ["出国"], procedure: "到出入境窗口办理")
        )
        // The query shares no word with HUKOU-01's title (新生儿落户登记), only its keyword 上户口.
        let hits = try daemon.ctlJSON(["matter", "search", "孩子怎么上户口"])
        let codes = hits.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
        // All three name 户口簿 among their materials; JZZ-01 says 上户口 in its procedure; only HUKOU-01 has it
        // as a keyword, so it comes first.
        #expect(codes.first == "HUKOU-01")
        #expect(Set(codes) == ["HUKOU-01", "JZZ-01", "PASS-01"])
        let scores = hits.arrayValue?.compactMap { $0["score"]?.intValue } ?? []
        #expect(scores.count == 3 && scores[0] > scores[1] && scores[1] > scores[2], "\(scores)")
        #expect(codes.dropFirst().first == "JZZ-01")
        #expect(try daemon.ctlJSON(["matter", "search", "出国护照"]).arrayValue?.first?["code"] == .string("PASS-01"))
        #expect(try daemon.ctlJSON(["matter", "search", "天气预报"]).arrayValue?.isEmpty == true)
        let human = try daemon.ctl(["matter", "search", "上户口", "--lang", "zh", "--as", "zhangsan"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("新生儿落户登记"))
        #expect(try daemon.ctl(["matter", "search", "  "]).status == 2)
    }

    @Test("import: all or nothing, errors name line and field; a BOM is skipped; a changed row is a new version")
    func csvImport() throws {
        let daemon = try makeCentre()
        let header = "code,title,department,conditions,materials,fees,time_limit,procedure,refusal,keywords\r\n"
        let good = [
            "HUKOU-01,新生儿落户登记,POLICE,父母一方为本市户籍,\"出生医学证明,户口簿\",免费,当场办结,到户籍窗口办理,,\"上户口,出生\"",
            "PASS-01,护照申领,POLICE,本市户籍居民,身份证,120 元,7 个工作日,到出入境窗口办理,\"有未了结的刑事案件的\",出国",
        ]
        let bad = "JZZ-01,\(String(repeating: "证", count: 101)),POLICE,在本市居住半年,身份证,免费,15 日,到派出所办理,,"
        let directory = daemon.directory
        let badFile = directory + "/bad.csv"
        try Data(
            ([0xEF, 0xBB, 0xBF] as [UInt8])
                + Array((header + good.joined(separator: "\r\n") + "\r\n" + bad + "\r\n").utf8)
        )
        .write(to: URL(fileURLWithPath: badFile))
        let refused = try daemon.ctl(["matter", "import", badFile])
        #expect(refused.status == 2, "\(refused.output)")
        #expect(refused.stderr.contains("nothing imported: line 4, field title"), "\(refused.stderr)")
        #expect(try daemon.ctlJSON(["matter", "list"]).arrayValue?.isEmpty == true)

        let unknownDepartment = directory + "/department.csv"
        try (header + good[0] + "\r\n" + good[1].replacingOccurrences(of: ",POLICE,", with: ",NOPE,") + "\r\n")
            .write(toFile: unknownDepartment, atomically: true, encoding: .utf8)
        let noDepartment = try daemon.ctl(["matter", "import", unknownDepartment, "--lang", "zh"])
        #expect(noDepartment.status == 2)
        #expect(noDepartment.stderr.contains("第 3 行，字段 department"), "\(noDepartment.stderr)")
        #expect(try daemon.ctlJSON(["matter", "list"]).arrayValue?.isEmpty == true)

        let goodFile = directory + "/good.csv"
        try (header + good.joined(separator: "\n") + "\n").write(toFile: goodFile, atomically: true, encoding: .utf8)
        let imported = try daemon.ctlJSON(["matter", "import", goodFile])
        #expect(imported["added"] == .int(2))
        let shown = try daemon.ctlJSON(["matter", "show", "HUKOU-01"])
        #expect(shown["materials"] == .string("出生医学证明,户口簿"))
        #expect(shown["keywords"] == .array([.string("上户口"), .string("出生")]))
        #expect(shown["refusal"] == .null)
        // Again with one row changed: one new version, one unchanged.
        try (header + good[0] + "\n" + good[1].replacingOccurrences(of: "120 元", with: "免费") + "\n")
            .write(toFile: goodFile, atomically: true, encoding: .utf8)
        let again = try daemon.ctlJSON(["matter", "import", goodFile])
        #expect(again["added"] == .int(0))
        #expect(again["updated"] == .int(1))
        #expect(again["unchanged"] == .int(1))
        #expect(try daemon.ctlJSON(["matter", "show", "PASS-01"])["version"] == .int(2))
        #expect(try daemon.ctl(["matter", "import", goodFile, "--as", "zhangsan"]).status == 3)
    }

    @Test("resolve --told records code and version in the signed hop; audit verify covers it; unknown codes refused")
    func toldIsRecorded() throws {
        let daemon = try makeCentre()
        _ = try daemon.ctlJSON(matterArguments("HUKOU-01", title: "新生儿落户", keywords: ["上户口"]))
        _ = try daemon.ctlJSON(["matter", "edit", "HUKOU-01", "--title", "新生儿落户登记"])
        _ = try daemon.ctlJSON(matterArguments("PASS-01", title: "护照申领", keywords: ["出国"]))
        let filed = try daemon.ctlJSON(
            ["complaint", "file", "--phone", "13812345678", "--matter", "孩子上户口要带什么", "--as", "zhangsan"]
        )
        let id = try #require(filed["id"]?.stringValue)
        let hopsBefore = filed["hops"]?.arrayValue?.count

        // An unknown code is refused as not found (exit 4) and nothing is recorded.
        let unknown = try daemon.ctl(
            ["complaint", "resolve", id, "--answer", "已告知", "--told", "HUKOU-01", "NOPE-9", "--as", "zhangsan"]
        )
        #expect(unknown.status == 4, "\(unknown.output)")
        #expect(unknown.stderr.contains("NOPE-9"))
        let unchanged = try daemon.ctlJSON(["complaint", "show", id])
        #expect(unchanged["state"] == .string("open"))
        #expect(unchanged["hops"]?.arrayValue?.count == hopsBefore)
        // A malformed code is a usage error.
        #expect(
            try daemon.ctl(["complaint", "resolve", id, "--answer", "x", "--told", "坏 码", "--as", "zhangsan"]).status
                == 2
        )

        let resolved = try daemon.ctlJSON(
            ["complaint", "resolve", id, "--answer", "已一次性告知所需材料", "--told", "HUKOU-01", "PASS-01", "--as", "zhangsan"]
        )
        #expect(resolved["state"] == .string("resolved"))
        let hop = try #require(resolved["hops"]?.arrayValue?.last)
        #expect(hop["action"] == .string("resolved"))
        #expect(
            hop["told"]
                == .array([
                    .object([("code", .string("HUKOU-01")), ("version", .int(2)), ("title", .string("新生儿落户登记"))]),
                    .object([("code", .string("PASS-01")), ("version", .int(1)), ("title", .string("护照申领"))]),
                ])
        )
        // A later edit does not change what was told.
        _ = try daemon.ctlJSON(["matter", "edit", "HUKOU-01", "--fees", "免费（无工本费）"])
        let shown = try daemon.ctlJSON(["complaint", "show", id])
        #expect(shown["hops"]?.arrayValue?.last?["told"]?.arrayValue?.first?["version"] == .int(2))
        let zh = try daemon.ctl(["complaint", "show", id, "--lang", "zh"])
        #expect(zh.stdout.contains("已一次性告知事项："))
        #expect(zh.stdout.contains("HUKOU-01 第 2 版 新生儿落户登记"))
        let en = try daemon.ctl(["complaint", "show", id, "--lang", "en"])
        #expect(en.stdout.contains("Matters told (one-time notification):"))
        #expect(en.stdout.contains("PASS-01 version 1 护照申领"))
        let audit = try daemon.ctlJSON(["audit", "verify", id])
        #expect(audit["ok"] == .bool(true))
    }

    @Test("caller show: complaints open first with state and department, then calls; numbers in the register's form")
    func callerHistory() throws {
        let daemon = try makeCentre()
        let pbx = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let acks = try pbx.exchange([
            Events.offered("e-1", call: "9001", at: "2026-11-30T08:50:00+08:00", from: "13812345678", name: "王女士"),
            Events.answered("e-2", call: "9001", at: "2026-11-30T08:50:10+08:00", agents: ["8001"]),
            Events.ended("e-3", call: "9001", at: "2026-11-30T08:55:00+08:00"),
            Events.offered("e-4", call: "9002", at: "2026-11-30T08:57:00+08:00", from: "13812345678"),
            Events.ended("e-5", call: "9002", at: "2026-11-30T08:57:30+08:00", cause: "abandoned"),
            Events.offered("e-6", call: "9003", at: "2026-11-30T08:58:00+08:00", from: "13900000000"),
        ])
        #expect(acks.allSatisfy { $0.isStored })
        let first = try daemon.ctlJSON(
            ["complaint", "file", "--call", "9001", "--matter", "热水器漏水", "--as", "zhangsan"]
        )
        let firstID = try #require(first["id"]?.stringValue)
        _ = try daemon.ctlJSON(["complaint", "resolve", firstID, "--answer", "已预约上门", "--as", "zhangsan"])
        let second = try daemon.ctlJSON(
            ["complaint", "file", "--phone", "138-1234-5678", "--matter", "维修人员未上门", "--as", "zhangsan"]
        )
        let secondID = try #require(second["id"]?.stringValue)
        _ = try daemon.ctlJSON([
            "complaint", "transfer", secondID, "--to", "POLICE", "--reason", "测试", "--as", "zhangsan",
        ])

        let history = try daemon.ctlJSON(["caller", "show", "(138) 1234-5678", "--as", "zhangsan"])
        #expect(history["phone"] == .string("13812345678"))
        #expect(history["name"] == .string("王女士"))
        #expect(history["open_complaints"] == .int(1))
        let complaints = history["complaints"]?.arrayValue ?? []
        #expect(complaints.compactMap { $0["id"]?.stringValue } == [secondID, firstID])
        #expect(complaints.first?["state"] == .string("transferred"))
        #expect(complaints.first?["department"] == .string("POLICE"))
        #expect(complaints.first?["open"] == .bool(true))
        #expect(complaints.last?["state"] == .string("resolved"))
        #expect(complaints.last?["department"] == .string("SVC"))
        let calls = history["calls"]?.arrayValue ?? []
        #expect(calls.compactMap { $0["call"]?.stringValue } == ["9002", "9001"])
        #expect(calls.first?["outcome"] == .string("abandoned"))

        let human = try daemon.ctl(["caller", "show", "13812345678", "--lang", "zh"])
        #expect(human.status == 0)
        #expect(human.stdout.contains("其中未办结 1 件"))
        #expect(human.stdout.contains("已转交"))
        let nobody = try daemon.ctlJSON(["caller", "show", "010-8888-8888"])
        #expect(nobody["complaints"]?.arrayValue?.isEmpty == true)
        #expect(try daemon.ctl(["caller", "show", "12ab"]).status == 2)
    }

    @Test("repeat callers: related on a second filing; merge closes the duplicate, ends its deadlines; refusals")
    func relatedAndMerge() throws {
        let daemon = try makeCentre()
        let first = try daemon.ctlJSON(
            ["complaint", "file", "--phone", "13812345678", "--matter", "热水器漏水", "--as", "zhangsan"]
        )
        let a = try #require(first["id"]?.stringValue)
        #expect(first["related"] == .array([]))
        let second = try daemon.ctlJSON(
            ["complaint", "file", "--phone", "138-1234-5678", "--matter", "热水器还在漏水", "--as", "zhangsan"]
        )
        let b = try #require(second["id"]?.stringValue)
        #expect(second["related"] == .array([.string(a)]))
        // The human form says so on stderr; stdout stays the complaint.
        let third = try daemon.ctl(
            ["complaint", "file", "--phone", "13812345678", "--matter", "第三次来电", "--as", "zhangsan"]
        )
        #expect(third.status == 0)
        #expect(third.stderr.contains("note: 13812345678 has open complaint(s) \(a), \(b)"), "\(third.stderr)")
        #expect(!third.stdout.contains("note:"))
        let c = try #require(
            try daemon.ctlJSON(["complaint", "list", "--limit", "1"]).arrayValue?.first?["id"]?.stringValue
        )

        // Refusals: into itself, by someone neither responsible nor a supervisor, without a reason, unknown case.
        let itself = try daemon.ctl(["complaint", "merge", b, "--into", b, "--reason", "重复", "--as", "zhangsan"])
        #expect(itself.status == 3)
        #expect(itself.stderr.contains("itself"))
        let stranger = try daemon.ctl(["complaint", "merge", b, "--into", a, "--reason", "重复", "--as", "qianba"])
        #expect(stranger.status == 3, "\(stranger.output)")
        #expect(
            try daemon.ctl(["complaint", "merge", b, "--into", a, "--reason", " ", "--as", "zhangsan"]).status == 3
        )
        #expect(
            try daemon.ctl(["complaint", "merge", b, "--into", "9999", "--reason", "重复", "--as", "zhangsan"]).status
                == 4
        )

        // The responsible person merges B into A: B closed with a hop naming A, A gets a hop naming B.
        let merged = try daemon.ctlJSON(
            ["complaint", "merge", b, "--into", a, "--reason", "同一来电人重复反映", "--as", "zhangsan"]
        )
        #expect(merged["state"] == .string("closed"))
        #expect(merged["merged_into"] == .string(a))
        let mergeHop = merged["hops"]?.arrayValue?.last
        #expect(mergeHop?["action"] == .string("merged"))
        #expect(mergeHop?["subject"] == .string(a))
        #expect(merged["deadlines"]?.arrayValue?.contains { $0["state"] == .string("pending") } == false)
        let survivor = try daemon.ctlJSON(["complaint", "show", a])
        #expect(survivor["state"] == .string("open"))
        #expect(survivor["hops"]?.arrayValue?.last?["action"] == .string("merged_in"))
        #expect(survivor["hops"]?.arrayValue?.last?["subject"] == .string(b))
        #expect(survivor["related"]?.arrayValue?.contains(.string(b)) == false)

        // Not back (a cycle; B is closed too); a supervisor may merge what is not theirs.
        let back = try daemon.ctl(["complaint", "merge", a, "--into", b, "--reason", "反向", "--as", "zhaoliu"])
        #expect(back.status == 3)
        #expect(back.stderr.contains("cycle"))
        let bySupervisor = try daemon.ctlJSON(
            ["complaint", "merge", c, "--into", a, "--reason", "重复", "--as", "zhaoliu"]
        )
        #expect(bySupervisor["state"] == .string("closed"))

        // Two hours on: A's transfer hour is breached; the merged cases' deadlines ended and breach nothing.
        _ = try daemon.ctlJSON(["clock", "advance", "2h"])
        _ = try daemon.complaintShown(a) { shown in
            shown["deadlines"]?.arrayValue?.contains { $0["state"] == .string("breached") } == true
        }
        for id in [b, c] {
            let shown = try daemon.ctlJSON(["complaint", "show", id])
            #expect(shown["deadlines"]?.arrayValue?.contains { $0["state"] == .string("breached") } == false)
        }
        #expect(try daemon.ctlJSON(["audit", "verify"])["ok"] == .bool(true))
    }

    @Test("call-backs: missed and abandoned calls are tasks; no_answer leaves one open; attempts record who and when")
    func callbackLifeCycle() throws {
        let daemon = try makeCentre()
        let pbx = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let acks = try pbx.exchange([
            Events.offered("c-1", call: "9101", at: "2026-11-30T08:40:00+08:00", from: "13811110000"),
            Events.ended("c-2", call: "9101", at: "2026-11-30T08:40:30+08:00", cause: "no_answer"),
            Events.offered("c-3", call: "9102", at: "2026-11-30T08:45:00+08:00", from: "13822220000"),
            Events.ended("c-4", call: "9102", at: "2026-11-30T08:45:20+08:00", cause: "abandoned"),
            Events.offered("c-5", call: "9103", at: "2026-11-30T08:50:00+08:00", from: "13833330000"),
            Events.answered("c-6", call: "9103", at: "2026-11-30T08:50:05+08:00", agents: ["8001"]),
            Events.ended("c-7", call: "9103", at: "2026-11-30T08:52:00+08:00"),
        ])
        #expect(acks.allSatisfy { $0.isStored })
        func calls(_ list: JSONValue) -> [String] {
            list.arrayValue?.compactMap { $0["call"]?["call"]?.stringValue } ?? []
        }
        #expect(calls(try daemon.ctlJSON(["callback", "list", "--open", "--as", "zhangsan"])) == ["9102", "9101"])

        let first = try daemon.ctlJSON(
            ["callback", "done", "9101", "--outcome", "no_answer", "--note", "关机", "--as", "zhangsan"]
        )
        #expect(first["state"] == .string("open"))
        #expect(first["attempts"]?.arrayValue?.count == 1)
        #expect(first["attempts"]?.arrayValue?.first?["by"] == .string("zhangsan"))
        #expect(first["attempts"]?.arrayValue?.first?["note"] == .string("关机"))
        #expect(first["attempts"]?.arrayValue?.first?["at"] == .string("2026-11-30T09:00:00+08:00"))
        // A second attempt after no_answer, by someone else, an hour later.
        _ = try daemon.ctlJSON(["clock", "advance", "1h"])
        let second = try daemon.ctlJSON(["callback", "done", "9101", "--outcome", "reached", "--as", "qianba"])
        #expect(second["state"] == .string("done"))
        let attempts = second["attempts"]?.arrayValue ?? []
        #expect(attempts.compactMap { $0["outcome"]?.stringValue } == ["no_answer", "reached"])
        #expect(attempts.compactMap { $0["by"]?.stringValue } == ["zhangsan", "qianba"])
        #expect(attempts.last?["at"] == .string("2026-11-30T10:00:00+08:00"))

        // Done is done; an answered call is no task; an unknown call is not found; a bad outcome is a usage error.
        #expect(try daemon.ctl(["callback", "done", "9101", "--outcome", "reached", "--as", "zhangsan"]).status == 3)
        #expect(try daemon.ctl(["callback", "done", "9103", "--outcome", "reached", "--as", "zhangsan"]).status == 3)
        #expect(try daemon.ctl(["callback", "done", "9999", "--outcome", "reached", "--as", "zhangsan"]).status == 4)
        #expect(try daemon.ctl(["callback", "done", "9102", "--outcome", "maybe", "--as", "zhangsan"]).status == 2)
        // Root must name who rang back.
        #expect(try daemon.ctl(["callback", "done", "9102", "--outcome", "reached"]).status == 3)

        #expect(calls(try daemon.ctlJSON(["callback", "list", "--open"])) == ["9102"])
        let all = try daemon.ctlJSON(["callback", "list"])
        #expect(calls(all) == ["9102", "9101"])
        let wrong = try daemon.ctlJSON(["callback", "done", "9102", "--outcome", "wrong_number", "--as", "zhangsan"])
        #expect(wrong["state"] == .string("done"))
        #expect(try daemon.ctlJSON(["callback", "list", "--open"]).arrayValue?.isEmpty == true)
        let human = try daemon.ctl(["callback", "list", "--lang", "zh"])
        #expect(human.stdout.contains("已完成"))
    }
}
