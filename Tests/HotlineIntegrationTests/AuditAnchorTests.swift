import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineTestSupport
import Testing

/// Issue 17: the hop chains anchored outside the database, and `audit verify` catching what a database superuser
/// can otherwise rewrite unnoticed — with real daemons, hotlinectl and PostgreSQL.
@Suite("Audit anchors outside the database")
struct AuditAnchorTests {
    /// A daemon on a manual clock with a service desk, an installation department and QA as coordination office.
    func makeCentre(database: String? = nil, extraArguments: [String] = [], launcher: [String] = []) throws -> (
        DaemonHarness, String
    ) {
        let database = try database ?? TestEnvironment.makeDatabase()
        let daemon = try DaemonHarness(
            arguments: ["--database", database, "--clock", "manual", "--clock-start", "2026-11-30T09:00:00+08:00"]
                + extraArguments,
            launcher: launcher
        )
        let departments = try daemon.ctl(["dept", "list", "--json"])
        if !departments.stdout.contains("\"SVC\"") {
            for (code, name, coordination) in [("QA", "质检部", true), ("SVC", "客服部", false), ("INST", "安装部", false)] {
                _ = try daemon.ctlJSON(
                    ["dept", "add", code, "--name", name] + (coordination ? ["--coordination"] : [])
                )
            }
            for (login, name, department, role) in [
                ("zhangsan", "张三", "SVC", "operator"), ("wangwu", "王五", "INST", "handler"),
            ] {
                _ = try daemon.ctlJSON(["staff", "add", login, "--name", name, "--dept", department, "--role", role])
            }
        }
        return (daemon, database)
    }

    /// Filed, transferred (with its copy to QA) and accepted: four hops, the last a department's signature.
    func acceptedComplaint(_ daemon: DaemonHarness) throws -> String {
        let filed = try daemon.ctlJSON(["complaint", "file", "--matter", "热水器漏水", "--as", "zhangsan"])
        let id = try #require(filed["id"]?.stringValue)
        _ = try daemon.ctlJSON(["complaint", "transfer", id, "--to", "INST", "--reason", "安装问题", "--as", "zhangsan"])
        _ = try daemon.ctlJSON(["complaint", "accept", id, "--as", "wangwu"])
        return id
    }

    func anchorFiles(_ daemon: DaemonHarness) throws -> [String] {
        let directory = daemon.directory + "/state/audit"
        return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("anchors-") }
            .sorted().map { directory + "/" + $0 }
    }

    func superuser(_ database: String) throws -> PGConnection {
        let connection = try PGConnection(conninfo: database)
        // The triggers that refuse changes to hops are switched off on purpose, as an administrator could.
        try connection.command("SET session_replication_role = replica")
        return connection
    }

    /// `audit verify --json` that must fail: its exit status and the report it prints.
    func failedVerify(_ daemon: DaemonHarness, _ arguments: [String] = []) throws -> (Int32, String, JSONValue) {
        let result = try daemon.ctl(["audit", "verify", "--json"] + arguments)
        return (result.status, result.stderr, try JSONValue.parse(Array(result.stdout.utf8)))
    }

    @Test("the issue's truncation — last hop deleted and hop_head reset by the superuser — is caught")
    func truncation() throws {
        let (daemon, database) = try makeCentre()
        let id = try acceptedComplaint(daemon)
        let clean = try daemon.ctlJSON(["audit", "verify"])
        #expect(clean["ok"] == .bool(true))
        #expect(clean["anchored_hops"] == .int(4))
        #expect(clean["not_anchored_hops"] == .int(0))
        let admin = try superuser(database)
        defer { admin.close() }
        try admin.command(
            """
            DELETE FROM hotline.hops WHERE complaint_id = $1::bigint
                AND seq = (SELECT max(seq) FROM hotline.hops WHERE complaint_id = $1::bigint)
            """,
            [id]
        )
        try admin.command(
            """
            UPDATE hotline.complaints SET hop_head = (SELECT hash FROM hotline.hops WHERE complaint_id = $1::bigint
                ORDER BY seq DESC LIMIT 1) WHERE id = $1::bigint
            """,
            [id]
        )
        let human = try daemon.ctl(["audit", "verify"])
        #expect(human.status == 3)
        #expect(human.stderr.contains("R9"))
        #expect(human.stderr.contains("complaint \(id) hop 4"))
        #expect(human.stderr.contains("deleted"))
        let (status, _, report) = try failedVerify(daemon)
        #expect(status == 3)
        #expect(report["ok"] == .bool(false))
        let first = try #require(report["discrepancies"]?.arrayValue?.first)
        #expect(first["kind"] == .string("hop_missing"))
        #expect(first["hop"] == .int(4))
        daemon.stop()
    }

    @Test("a hop whose text was changed and whose hashes were recomputed is caught")
    func rewrittenHop() throws {
        let (daemon, database) = try makeCentre()
        let id = try acceptedComplaint(daemon)
        let admin = try superuser(database)
        defer { admin.close() }
        // Rewrite hop 2's text and recompute its hash and every one after it, and the head: the chain in the
        // database is consistent again.
        try admin.command("UPDATE hotline.hops SET text = '篡改' WHERE complaint_id = $1::bigint AND seq = 2", [id])
        let details = try #require(try ComplaintQueries.show(id, on: admin))
        var previous: [UInt8]?
        for hop in details.hops {
            let content = HopContent(
                complaintID: id,
                sequence: hop.sequence,
                action: hop.action,
                by: hop.by,
                actingRoot: hop.actingRoot,
                atMicroseconds: Int64((hop.at.timeIntervalSince1970 * 1_000_000).rounded()),
                department: hop.department ?? "",
                text: hop.text,
                subject: hop.subject,
                approvedBy: hop.approvedBy,
                told: hop.told
            )
            let hash = HopChain.hash(previous: previous, content: content)
            try admin.command(
                """
                UPDATE hotline.hops SET hash = decode($3, 'hex'), prev_hash = decode($4, 'hex')
                WHERE complaint_id = $1::bigint AND seq = $2
                """,
                [id, hop.sequence, Hex.encode(hash), previous.map(Hex.encode)]
            )
            previous = hash
        }
        try admin.command(
            "UPDATE hotline.complaints SET hop_head = decode($2, 'hex') WHERE id = $1::bigint",
            [id, previous.map(Hex.encode)]
        )
        let (status, stderr, report) = try failedVerify(daemon, [id])
        #expect(status == 3)
        #expect(stderr.contains("hop 2"))
        #expect(report["broken"]?.arrayValue?.isEmpty == true)
        let kinds = report["discrepancies"]?.arrayValue?.compactMap { $0["kind"]?.stringValue }
        #expect(kinds == ["hash_differs", "hash_differs", "hash_differs"])
        daemon.stop()
    }

    @Test("a complaint deleted whole is caught")
    func deletedComplaint() throws {
        let (daemon, database) = try makeCentre()
        let id = try acceptedComplaint(daemon)
        let kept = try acceptedComplaint(daemon)
        let admin = try superuser(database)
        defer { admin.close() }
        try admin.command("DELETE FROM hotline.hops WHERE complaint_id = $1::bigint", [id])
        try admin.command("DELETE FROM hotline.deadlines WHERE complaint_id = $1::bigint", [id])
        try admin.command("DELETE FROM hotline.notices WHERE complaint_id = $1::bigint", [id])
        try admin.command("DELETE FROM hotline.escalations WHERE complaint_id = $1::bigint", [id])
        try admin.command("DELETE FROM hotline.complaints WHERE id = $1::bigint", [id])
        let (status, stderr, report) = try failedVerify(daemon)
        #expect(status == 3)
        #expect(stderr.contains("complaint \(id)"))
        let discrepancies = try #require(report["discrepancies"]?.arrayValue)
        #expect(discrepancies.count == 1)
        #expect(discrepancies.first?["kind"] == .string("complaint_missing"))
        #expect(discrepancies.first?["complaint"] == .string(id))
        #expect(try daemon.ctlJSON(["audit", "verify", kept])["ok"] == .bool(true))
        daemon.stop()
    }

    @Test("a broken line in an anchor file is reported as such")
    func brokenAnchorLine() throws {
        let (daemon, _) = try makeCentre()
        _ = try acceptedComplaint(daemon)
        let file = try #require(try anchorFiles(daemon).first)
        var lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        // Only the time of line 2 changes: the hop it names still matches, but line 3 no longer chains from it.
        lines[1] = lines[1].replacingOccurrences(of: "T01:00:00.000000Z", with: "T01:05:00.000000Z")
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: false, encoding: .utf8)
        let (status, stderr, report) = try failedVerify(daemon)
        #expect(status == 3)
        #expect(stderr.contains("line 3"))
        let kinds = report["discrepancies"]?.arrayValue?.compactMap { $0["kind"]?.stringValue } ?? []
        #expect(kinds == ["anchor_broken"])
        daemon.stop()
    }

    @Test("a restarted daemon continues its anchor chain")
    func restartContinues() throws {
        let (first, database) = try makeCentre()
        let id = try acceptedComplaint(first)
        #expect(first.stop() == 0)
        let (second, _) = try makeCentre(
            database: database,
            extraArguments: ["--state-dir", first.directory + "/state"]
        )
        _ = try second.ctlJSON(["complaint", "file", "--matter", "重启之后", "--as", "zhangsan"])
        let files = try anchorFiles(first)
        #expect(files.count == 1)
        let lines = try String(contentsOfFile: try #require(files.first), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.first?.contains("complaint=\(id) seq=1") == true)
        let report = try second.ctlJSON(["audit", "verify"])
        #expect(report["ok"] == .bool(true))
        #expect(report["anchored_hops"] == .int(5))
        second.stop()
    }

    @Test("two daemons on one database: each anchors its own hops; verified together with both files")
    func twoDaemons() throws {
        let (one, database) = try makeCentre()
        let (two, _) = try makeCentre(database: database)
        let first = try acceptedComplaint(one)
        let second = try acceptedComplaint(two)
        let alone = try one.ctlJSON(["audit", "verify"])
        #expect(alone["ok"] == .bool(true))
        #expect(alone["anchored_hops"] == .int(4))
        #expect(alone["not_anchored_hops"] == .int(4))
        let others = try anchorFiles(two)
        #expect(others.count == 1)
        #expect(
            try anchorFiles(one).map { ($0 as NSString).lastPathComponent }
                != others.map {
                    ($0 as NSString).lastPathComponent
                }
        )
        let together = try one.ctlJSON(["audit", "verify", "--anchors"] + others)
        #expect(together["anchored_hops"] == .int(8))
        #expect(together["not_anchored_hops"] == .int(0))
        // The second daemon's accept deleted: only its anchors know, so only verifying with them catches it.
        let admin = try superuser(database)
        defer { admin.close() }
        try admin.command("DELETE FROM hotline.hops WHERE complaint_id = $1::bigint AND seq = 4", [second])
        try admin.command(
            """
            UPDATE hotline.complaints SET hop_head = (SELECT hash FROM hotline.hops WHERE complaint_id = $1::bigint
                AND seq = 3) WHERE id = $1::bigint
            """,
            [second]
        )
        #expect(try one.ctlJSON(["audit", "verify"])["ok"] == .bool(true))
        let (status, stderr, report) = try failedVerify(one, ["--anchors"] + others)
        #expect(status == 3)
        #expect(stderr.contains("complaint \(second) hop 4"))
        #expect(report["discrepancies"]?.arrayValue?.count == 1)
        #expect(try two.ctl(["audit", "verify"]).status == 3)
        #expect(try one.ctlJSON(["audit", "verify", first])["ok"] == .bool(true))
        one.stop()
        two.stop()
    }
}
