import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineSystem
import HotlineTestSupport
import Logging
import Testing

/// Issue 13: every text a person types is checked before it is stored, with the option and its limit named, exit 2
/// — and the limits are the schema's.
@Suite("Input limits")
struct InputLimitsTests {
    @Test("the limits table agrees with the migrations' CHECK constraints")
    func tableMatchesSchema() throws {
        let database = try TestEnvironment.makeDatabase()
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        _ = try Migrator(logger: .init(label: "test")).migrate(connection)
        for limit in InputLimits.all {
            let definitions = try connection.query(
                """
                SELECT pg_get_constraintdef(c.oid) AS definition FROM pg_constraint c
                JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'hotline' AND t.relname = $1 AND c.contype = 'c'
                """,
                [limit.table]
            ).map { try $0.decode("definition", as: String.self) }
            let mentions = definitions.filter {
                $0.contains("length(\(limit.column))") || $0.contains("(\(limit.column))")
            }
            #expect(
                mentions.contains { $0.contains("<= \(limit.maximum)") || $0.contains("AND \(limit.maximum)") },
                "\(limit.table).\(limit.column): \(mentions)"
            )
        }
    }

    @Test("over-long values: exit 2 naming the option and limit, no database text, nothing stored")
    func overLongValues() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(arguments: ["--database", database])
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        _ = try daemon.ctlJSON(["dept", "add", "INST", "--name", "安装部"])
        _ = try daemon.ctlJSON(["dept", "add", "QA", "--name", "质检部", "--coordination"])
        _ = try daemon.ctlJSON(["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC"])
        let id = try #require(
            try daemon.ctlJSON(["complaint", "file", "--matter", "漏水", "--as", "zhangsan"])["id"]?.stringValue
        )
        func long(_ count: Int) -> String { String(repeating: "长", count: count) }
        let other = try #require(
            try daemon.ctlJSON(["complaint", "file", "--matter", "重复来电", "--as", "zhangsan"])["id"]?.stringValue
        )
        let cases: [(arguments: [String], option: String, maximum: Int)] = [
            (["complaint", "file", "--matter", long(10_001)], "--matter", 10_000),
            (["complaint", "file", "--matter", "x", "--name", long(201)], "--name", 200),
            (["complaint", "file", "--matter", "x", "--address", long(501)], "--address", 500),
            (["complaint", "file", "--matter", "x", "--category", long(101)], "--category", 100),
            (["complaint", "transfer", id, "--to", "INST", "--reason", long(10_001)], "--reason", 10_000),
            (["complaint", "escalate", id, "--to", "qa", "--reason", long(10_001)], "--reason", 10_000),
            (["complaint", "resolve", id, "--answer", long(10_001)], "--answer", 10_000),
            (["complaint", "urge", id, "--note", long(10_001)], "--note", 10_000),
            (["complaint", "merge", other, "--into", id, "--reason", long(10_001)], "--reason", 10_000),
        ]
        for (arguments, option, maximum) in cases {
            let result = try daemon.ctl(arguments + ["--as", "zhangsan"])
            #expect(result.status == 2, "\(option): \(result.stderr.prefix(200))")
            #expect(result.stderr.contains("\(option) is \(maximum + 1) characters; at most \(maximum) are allowed"))
            #expect(!result.stderr.contains("PostgreSQL") && !result.stderr.contains("violates"))
            let chinese = try daemon.ctl(arguments + ["--as", "zhangsan", "--lang", "zh"])
            #expect(chinese.stderr.contains("最多允许 \(maximum) 个"))
        }
        // A calendar file's day names too, naming the file and date.
        let file = daemon.directory + "/long.txt"
        try "2027-03-01 holiday \(long(201))\n".write(toFile: file, atomically: true, encoding: .utf8)
        let calendar = try daemon.ctl(["calendar", "import", file])
        #expect(calendar.status == 2)
        #expect(calendar.stderr.contains("long.txt: 2027-03-01: name is 201 characters; at most 200 are allowed"))
        // Nothing was stored: still one complaint with its filing hop only.
        let shown = try daemon.ctlJSON(["complaint", "show", id])
        #expect(shown["state"] == .string("open"))
        #expect(shown["hops"]?.arrayValue?.count == 1)
        #expect(try daemon.ctlJSON(["complaint", "list"]).arrayValue?.count == 2)
        #expect(try daemon.ctlJSON(["complaint", "show", other])["state"] == .string("open"))
        // The daemon checks on its own too: a request that did not come through hotlinectl's checks.
        let request = ControlRequest(
            .complaint(id: id, .transfer(to: "INST", reason: long(10_001))),
            actAs: "zhangsan"
        )
        guard case .failure(let error) = try daemon.send(request) else {
            Issue.record("an over-long reason was accepted")
            return
        }
        #expect(error.code == .invalid && error.message.contains("--reason is 10001 characters"))
        daemon.stop()
    }
}
