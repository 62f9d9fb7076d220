import Foundation
import HotlineCore
import HotlineProtocol
import HotlineStore
import HotlineSystem
import HotlineTestSupport
import Testing

/// Issue 17: a period's seal — `audit seal`, `audit verify --seal`, the seal in `qa stats` and in the QA report —
/// and `[audit] anchor = false`, with real daemons, hotlinectl and PostgreSQL.
extension AuditAnchorTests {
    @Test("a period's seal is stable, equals qa stats' seal, and changes when the superuser rewrites one of its hops")
    func periodSeal() throws {
        let (daemon, database) = try makeCentre()
        let id = try acceptedComplaint(daemon)
        _ = try acceptedComplaint(daemon)
        let first = try daemon.ctlJSON(["audit", "seal", "--period", "2026-11"])
        let seal = try #require(first["seal"]?.stringValue)
        #expect(seal.count == 64)
        #expect(first["hops"] == .int(8))
        #expect(first["from"] == .string("2026-11-01"))
        #expect(first["to"] == .string("2026-11-30"))
        // Stable: asked again, and for the quarter that holds the same hops.
        #expect(try daemon.ctlJSON(["audit", "seal", "--period", "2026-11"])["seal"] == .string(seal))
        #expect(try daemon.ctlJSON(["audit", "seal", "--period", "2026-Q4"])["seal"] == .string(seal))
        // A month without hops has the seal of the empty tree.
        let december = try daemon.ctlJSON(["audit", "seal", "--period", "2026-12"])
        #expect(december["hops"] == .int(0))
        #expect(december["seal"] == .string(Hex.encode(SHA256.hash([UInt8]()))))
        // qa stats --format json gives the same seal, on every department row.
        let rows = try #require(
            try daemon.ctlJSON(["qa", "stats", "--period", "2026-11", "--format", "json"]).arrayValue
        )
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0["seal"] == .string(seal) })
        // CSV keeps its columns.
        let csv = try daemon.ctl(["qa", "stats", "--period", "2026-11", "--format", "csv"])
        #expect(!csv.stdout.contains("seal"))
        // The seal is checked back, in upper case and grouped as the report prints it.
        let grouped = stride(from: 0, to: 64, by: 8).map { String(Array(seal)[$0..<($0 + 8)]) }
            .joined(separator: " ").uppercased()
        let good = try daemon.ctl(["audit", "verify", "--period", "2026-11", "--seal", grouped])
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("matches"))

        // The superuser rewrites hop 2 of the first complaint (its hash, as a recomputation would).
        let admin = try superuser(database)
        defer { admin.close() }
        try admin.command(
            "UPDATE hotline.hops SET hash = sha256(hash) WHERE complaint_id = $1::bigint AND seq = 2",
            [id]
        )
        let changed = try #require(try daemon.ctlJSON(["audit", "seal", "--period", "2026-11"])["seal"]?.stringValue)
        #expect(changed != seal)
        let bad = try daemon.ctl(["audit", "verify", "--period", "2026-11", "--seal", seal])
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("R9"))
        #expect(bad.stderr.contains("2026-11"))
        #expect(bad.stderr.contains(changed))
        let badJSON = try daemon.ctl(["audit", "verify", "--period", "2026-11", "--seal", seal, "--json"])
        #expect(badJSON.status == 3)
        let report = try JSONValue.parse(Array(badJSON.stdout.utf8))
        #expect(report["ok"] == .bool(false))
        #expect(report["expected"] == .string(seal))
        #expect(report["seal"] == .string(changed))
        // A seal that is not 64 hex digits is a usage error, not a mismatch.
        #expect(try daemon.ctl(["audit", "verify", "--period", "2026-11", "--seal", "abc"]).status == 2)
        #expect(try daemon.ctl(["audit", "verify", "--seal", seal]).status == 2)
        daemon.stop()
    }

    @Test("audit.hops a page of complaints at a time: the pages together are the whole answer, and the last says so")
    func hopsInPages() throws {
        let (daemon, _) = try makeCentre()
        for _ in 0..<5 { _ = try acceptedComplaint(daemon) }
        func ask(_ command: ControlCommand) throws -> StoredHopHashes {
            switch try daemon.send(ControlRequest(command)) {
            case .success(let json): return try StoredHopHashes(json: json)
            case .failure(let error): throw error
            }
        }
        let whole = try ask(.auditHops(id: nil))
        #expect(whole.next == nil)
        #expect(Set(whole.hops.map(\.complaint)).count == 5)
        var paged: [StoredHopHashes.Hop] = []
        var pages = 0
        var after: String?
        repeat {
            let page = try ask(.auditHops(id: nil, after: after, complaints: 2))
            #expect(Set(page.hops.map(\.complaint)).count <= 2)
            paged += page.hops
            after = page.next
            pages += 1
        } while after != nil && pages < 10
        #expect(paged == whole.hops)
        // Two, two and one complaint: the short third page is the last.
        #expect(pages == 3)
        // A cursor that is no complaint id is refused by name, before any query.
        let refused = #expect(throws: ControlError.self) { try ask(.auditHops(id: nil, after: "x", complaints: 2)) }
        #expect(refused?.code == .invalid && refused?.message.contains("after") == true)
        daemon.stop()
    }

    @Test("the QA report prints the period's seal by the signature line, in Chinese and in English")
    func sealInReport() throws {
        let (daemon, _) = try makeCentre()
        _ = try acceptedComplaint(daemon)
        let seal = try #require(try daemon.ctlJSON(["audit", "seal", "--period", "2026-11"])["seal"]?.stringValue)
        let grouped = stride(from: 0, to: 64, by: 8).map { String(Array(seal)[$0..<($0 + 8)]) }
            .joined(separator: " ")
        for (language, words) in [
            ("zh", "本期签名记录封存值（4 步"), ("en", "Seal of the period&#39;s signed trail (SHA-256 Merkle root of 4 hops)"),
        ] {
            let output = daemon.directory + "/report-\(language).html"
            let wrote = try daemon.ctl(["qa", "report", "--period", "2026-11", "--output", output, "--lang", language])
            #expect(wrote.status == 0, "\(wrote.stderr)")
            let html = try String(contentsOfFile: output, encoding: .utf8)
            #expect(html.contains(words))
            #expect(html.contains(grouped))
            #expect(html.contains("audit verify --period 2026-11 --seal \(seal)"))
            // By the signature line: inside its section, before the lines to sign on.
            let section = try #require(html.range(of: "id=\"signature\""))
            let sealAt = try #require(html.range(of: "id=\"seal\""))
            let lines = try #require(html.range(of: "class=\"sign-lines\""))
            #expect(section.lowerBound < sealAt.lowerBound && sealAt.lowerBound < lines.lowerBound)
        }
        daemon.stop()
    }

    @Test("[audit] anchor = false writes no anchor at all: audit verify counts the hops as not anchored")
    func anchoringOff() throws {
        let config = "/tmp/hl-noanchor-\(UUID().uuidString.prefix(8)).toml"
        try "[audit]\nanchor = false\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let (daemon, _) = try makeCentre(extraArguments: ["--config", config])
        _ = try acceptedComplaint(daemon)
        #expect(try anchorFiles(daemon).isEmpty)
        let report = try daemon.ctlJSON(["audit", "verify"])
        #expect(report["ok"] == .bool(true))
        #expect(report["anchored_hops"] == .int(0))
        #expect(report["not_anchored_hops"] == .int(4))
        #expect(daemon.log().contains("[audit] anchor = false"))
        daemon.stop()
    }
}
