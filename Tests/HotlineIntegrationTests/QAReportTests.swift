import Foundation
import HotlineProtocol
import HotlineStore
import HotlineTestSupport
import Testing

/// QA's figures through real processes (issue 6): a scripted month on the manual clock, checked column by column.
@Suite("QA figures")
struct QAReportTests {
    @Test("a scripted month: every figure per department, the escalation list, CSV, roles and masking")
    func scriptedMonth() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(arguments: [
            "--database", database, "--clock", "manual", "--clock-start", "2026-11-02T09:00:00+08:00",
        ])
        try Self.playScriptedMonth(on: daemon)

        // Roles: an operator may not pull QA figures.
        let refused = try daemon.ctl(["qa", "stats", "--period", "2026-11", "--as", "zhangsan"])
        #expect(refused.status == 3)

        let stats = try daemon.ctlJSON(["qa", "stats", "--period", "2026-11", "--as", "zhaoliu"])
        func figures(_ department: String) -> [Int]? {
            guard let row = stats.arrayValue?.first(where: { $0["department"] == .string(department) }) else {
                return nil
            }
            return [
                "received", "resolved_on_spot", "transferred_out", "transferred_in", "replied_in_time", "replied_late",
                "transfer_overdue", "reply_overdue", "misroutes", "escalations_qa", "escalations_vp", "escalations_gm",
                "extensions", "redos",
            ].map { row[$0]?.intValue ?? -1 }
        }
        func satisfaction(_ department: String) -> JSONValue? {
            stats.arrayValue?.first { $0["department"] == .string(department) }?["satisfaction_mean"]
        }
        #expect(figures("SVC") == [5, 2, 3, 0, 0, 0, 1, 0, 1, 2, 0, 0, 0, 0])
        #expect(figures("INST") == [0, 0, 0, 3, 1, 1, 0, 1, 0, 1, 1, 1, 1, 0])
        // C3's redo (R16) opened a new reply day for PROP at 09:00 Monday, which the clock jump breached up the ladder.
        #expect(figures("PROP") == [0, 0, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 1])
        #expect(figures("QA") == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(satisfaction("SVC") == .double(4))
        #expect(satisfaction("INST") == .double(5))
        #expect(satisfaction("PROP") == .double(1))
        #expect(satisfaction("QA") == .null)
        // Another month has nothing.
        let december = try daemon.ctlJSON(["qa", "stats", "--period", "2026-12", "--as", "zhaoliu"])
        #expect(
            december.arrayValue?.allSatisfy { $0["received"] == .int(0) && $0["escalations_qa"] == .int(0) } == true
        )

        let escalations = try daemon.ctlJSON(["qa", "escalations", "--from", "2026-11-01", "--to", "2026-11-30"])
        let kinds = escalations.arrayValue?.map {
            "\($0["kind"]?.stringValue ?? "")/\($0["level"]?.stringValue ?? "-")/\($0["department"]?.stringValue ?? "")"
        }
        #expect(
            kinds?.sorted()
                == [
                    "explicit/qa/SVC", "misroute/-/SVC", "reply_overdue/gm/INST", "reply_overdue/gm/PROP",
                    "reply_overdue/qa/INST", "reply_overdue/qa/PROP", "reply_overdue/vp/INST", "reply_overdue/vp/PROP",
                    "transfer_overdue/qa/SVC",
                ]
        )
        #expect(escalations.arrayValue?.first { $0["kind"] == .string("explicit") }?["by"] == .string("zhaoliu"))
        #expect(escalations.arrayValue?.first { $0["kind"] == .string("transfer_overdue") }?["by"] == .null)
        #expect(try daemon.ctlJSON(["qa", "escalations", "--dept", "INST"]).arrayValue?.count == 3)

        // CSV for spreadsheets: a byte-order mark, CRLF, and a real CSV parser (Python's) reads the figures back.
        let path = daemon.directory + "/stats.csv"
        let written = try ProcessRunner.run([
            "/bin/sh", "-c",
            "\"$0\" qa stats --period 2026-11 --format csv --socket \"$1\" > \"$2\"",
            TestEnvironment.binDirectory + "/hotlinectl", daemon.controlSocket, path,
        ])
        #expect(written.status == 0, "\(written.output)")
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(bytes.contains(0x0D))
        let parsed = try ProcessRunner.run([
            "/usr/bin/python3", "-c",
            "import csv,json,sys; rows=list(csv.DictReader(open(sys.argv[1], encoding='utf-8-sig', newline=''))); print(json.dumps(rows))",
            path,
        ])
        #expect(parsed.status == 0, "\(parsed.output)")
        let table = try JSONValue.parse(Array(parsed.stdout.utf8))
        let inst = table.arrayValue?.first { $0["department"] == .string("INST") }
        #expect(inst?["transferred_in"] == .string("3"))
        #expect(inst?["satisfaction_mean"] == .string("5.00"))

        // The HTML report: self-contained, parsed by a real HTML parser, with the figures and the charts (the trend,
        // five bar charts and the five line swatches of the trend's legend); QARenderingTests looks at it in Chromium.
        let report = daemon.directory + "/report.html"
        let wrote = try daemon.ctl([
            "qa", "report", "--period", "2026-11", "--output", report, "--lang", "zh", "--as", "zhaoliu",
        ])
        #expect(wrote.status == 0, "\(wrote.output)")
        let html = try String(contentsOfFile: report, encoding: .utf8)
        for external in ["<script", "<link", "<img", "url(", "@import"] { #expect(!html.contains(external)) }
        let read = try ProcessRunner.run([
            "/usr/bin/python3", "-c",
            """
            import json, sys
            from html.parser import HTMLParser
            class P(HTMLParser):
                def __init__(self):
                    super().__init__(); self.rows = []; self.cell = None; self.svgs = 0; self.intable = False
                def handle_starttag(self, tag, attrs):
                    if tag == 'table': self.intable = True
                    if tag == 'tr' and self.intable: self.rows.append([])
                    if tag in ('td', 'th') and self.intable: self.cell = ''
                    if tag == 'svg': self.svgs += 1
                def handle_endtag(self, tag):
                    if tag in ('td', 'th') and self.cell is not None: self.rows[-1].append(self.cell.strip()); self.cell = None
                    if tag == 'table': self.intable = False
                def handle_data(self, data):
                    if self.cell is not None: self.cell += data
            p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read()); p.close()
            print(json.dumps({'rows': p.rows, 'svgs': p.svgs}))
            """,
            report,
        ])
        #expect(read.status == 0, "\(read.output)")
        let document = try JSONValue.parse(Array(read.stdout.utf8))
        #expect(document["svgs"] == .int(11))
        let reportRows = document["rows"]?.arrayValue?.compactMap { $0.arrayValue?.compactMap(\.stringValue) } ?? []
        // The grades first (place, department by name with its code, grade, the four rates), then the figures.
        #expect(reportRows.first == ["名次", "部门", "等级", "按时转出率", "按时答复率", "满意率", "回访率"])
        let instRows = reportRows.filter { $0.first == "安装部INST" }
        #expect(instRows.first == ["安装部INST", "0", "0", "0", "3", "1", "1", "1", "0", "5.00"])
        #expect(instRows.dropFirst().first == ["安装部INST", "0", "1", "0", "1", "1", "1"])
        #expect(reportRows.first { $0.first == "客服部SVC" }?.dropFirst().first == "5")

        // BI access: the read-only role sees the views, masked, and not the tables.
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        try connection.command("SET ROLE hotline_qa")
        let masked = try connection.query("SELECT DISTINCT caller_phone FROM hotline.qa_escalations")
        #expect(try masked.map { try $0.decode("caller_phone", as: String.self) } == ["138****5678"])
        #expect(
            try connection.query("SELECT count(*) AS n FROM hotline.qa_department_stats").first?.decode(
                "n",
                as: Int.self
            ) == 4
        )
        let denied = #expect(throws: PostgresError.self) { try connection.query("SELECT * FROM hotline.complaints") }
        #expect(denied?.code == .insufficientPrivilege)
        daemon.stop()
    }

    /// The scripted month: four departments, five complaints covering every figure, on the manual clock from
    /// 2026-11-02 09:00+08 (hops at 09:00, the transfer breach at 10:01, the reply ladder and a late reply on
    /// 2026-11-05 at 10:02).
    static func playScriptedMonth(on daemon: DaemonHarness) throws {
        for (code, name, coordination) in [
            ("QA", "质检部", true), ("SVC", "客服部", false), ("INST", "安装部", false), ("PROP", "物业部", false),
        ] {
            _ = try daemon.ctlJSON(["dept", "add", code, "--name", name] + (coordination ? ["--coordination"] : []))
        }
        for (login, department, roles) in [
            ("zhangsan", "SVC", ["operator"]), ("wangwu", "INST", ["handler"]), ("sunqi", "PROP", ["handler"]),
            ("zhaoliu", "QA", ["supervisor", "qa"]),
        ] {
            _ = try daemon.ctlJSON(
                ["staff", "add", login, "--name", login, "--dept", department] + roles.flatMap { ["--role", $0] }
            )
        }
        func act(_ login: String, _ arguments: [String]) throws -> JSONValue {
            try daemon.ctlJSON(["complaint"] + arguments + ["--as", login])
        }
        func file(_ matter: String) throws -> String {
            try #require(
                try act("zhangsan", ["file", "--matter", matter, "--phone", "13812345678", "--name", "王女士"])["id"]?
                    .stringValue
            )
        }
        // C1: resolved on the spot, satisfaction 4.
        let c1 = try file("账单疑问")
        _ = try act("zhangsan", ["resolve", c1, "--answer", "已解释"])
        _ = try act("zhangsan", ["feedback", c1, "--satisfaction", "4"])
        // C2: transferred to INST, extended, replied in time, satisfaction 5.
        let c2 = try file("安装漏水")
        _ = try act("zhangsan", ["transfer", c2, "--to", "INST", "--reason", "安装"])
        _ = try act("wangwu", ["accept", c2])
        _ = try act("wangwu", ["extend", c2, "--by", "1 working day", "--reason", "等配件", "--approved-by", "zhaoliu"])
        _ = try act("wangwu", ["reply", c2, "--result", "已修复"])
        _ = try act("zhangsan", ["feedback", c2, "--satisfaction", "5"])
        // C3: misrouted to INST, returned, re-routed to PROP, replied, satisfaction 1: a redo.
        let c3 = try file("楼道灯")
        _ = try act("zhangsan", ["transfer", c3, "--to", "INST", "--reason", "灯具"])
        _ = try act("wangwu", ["return", c3, "--reason", "属物业"])
        _ = try act("zhaoliu", ["reroute", c3, "--to", "PROP", "--reason", "物业"])
        _ = try act("sunqi", ["accept", c3])
        _ = try act("sunqi", ["reply", c3, "--result", "已换灯"])
        #expect(try act("zhangsan", ["feedback", c3, "--satisfaction", "1"])["state"] == .string("accepted"))
        // C5: escalated to QA explicitly, then resolved on the spot.
        let c5 = try file("态度问题")
        _ = try act("zhaoliu", ["escalate", c5, "--to", "qa", "--reason", "客户要求"])
        _ = try act("zhangsan", ["resolve", c5, "--answer", "已致歉"])
        // C4: the transfer hour passes; then the reply day and the whole ladder; then a late reply.
        let c4 = try file("燃气表")
        _ = try daemon.ctlJSON(["clock", "advance", "61m"])
        try TestEnvironment.waitUntil { try act("zhaoliu", ["show", c4])["escalation_level"] == .string("qa") }
        _ = try act("zhangsan", ["transfer", c4, "--to", "INST", "--reason", "燃气"])
        _ = try act("wangwu", ["accept", c4])
        _ = try daemon.ctlJSON(["clock", "set", "2026-11-05T10:02:00+08:00"])
        try TestEnvironment.waitUntil { try act("zhaoliu", ["show", c4])["escalation_level"] == .string("gm") }
        _ = try act("wangwu", ["reply", c4, "--result", "已处理"])
    }
}
