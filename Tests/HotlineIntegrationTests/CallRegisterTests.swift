import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import HotlineTestSupport
import Testing

/// The PBX event socket and the call register through a real daemon and a real PostgreSQL (issue 3).
@Suite("Call register over the PBX socket")
struct CallRegisterTests {
    /// A daemon with two departments' staff of different rank on static extensions 8001 (rank 2) and 8002 (rank 5).
    private func makeDaemon(database: String? = nil, extra: [String] = []) throws -> DaemonHarness {
        let daemon = try DaemonHarness(
            arguments: ["--database", try database ?? TestEnvironment.makeDatabase()] + extra
        )
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        _ = try daemon.ctlJSON([
            "staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--rank", "2", "--extension", "8001",
        ])
        _ = try daemon.ctlJSON([
            "staff", "add", "lisi", "--name", "李四", "--dept", "SVC", "--rank", "5", "--extension", "8002",
        ])
        _ = try daemon.ctlJSON(["staff", "add", "wangwu", "--name", "王五", "--dept", "SVC", "--rank", "9"])
        return daemon
    }

    @Test("pipelined events are acked one line per line, in order, and land in the register")
    func pipelinedAcks() throws {
        let daemon = try makeDaemon()
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        var lines: [String] = []
        for index in 0..<3000 {
            let call = "c\(index / 3)"
            switch index % 3 {
            case 0: lines.append(Events.offered("p-\(index)", call: call, at: "2026-11-30T09:00:00+08:00"))
            case 1:
                lines.append(
                    Events.answered("p-\(index)", call: call, at: "2026-11-30T09:00:05+08:00", agents: ["8001"])
                )
            default: lines.append(Events.ended("p-\(index)", call: call, at: "2026-11-30T09:03:00+08:00"))
            }
        }
        let acks = try client.exchange(lines)
        #expect(acks.count == 3000)
        #expect(acks.map(\.id) == (0..<3000).map { "p-\($0)" })
        #expect(acks.allSatisfy { $0.isStored })
        let calls = try daemon.ctlJSON(["calls", "--limit", "5000"])
        #expect(calls.arrayValue?.count == 1000)
        #expect(calls.arrayValue?.allSatisfy { $0["outcome"] == .string("answered") } == true)
        #expect(calls.arrayValue?.allSatisfy { $0["first_responder"] == .string("zhangsan") } == true)
        daemon.stop()
    }

    @Test("a resent event is answered duplicate:true and changes nothing")
    func duplicates() throws {
        let daemon = try makeDaemon()
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let offer = Events.offered("d-1", call: "900", at: "2026-11-30T10:00:00+08:00", name: "赵先生")
        let first = try client.exchange([offer, offer])
        #expect(first.map(\.isStored) == [true, false])
        #expect(first.map(\.isDuplicate) == [false, true])
        // A resend with different content under the same id is still the same event: nothing changes.
        let changed = Events.offered("d-1", call: "900", at: "2026-11-30T10:00:00+08:00", from: "13900000000")
        let again = try PBXTestClient(path: daemon.directory + "/pbx.sock").exchange([changed])
        #expect(again.first?.isDuplicate == true)
        let call = try daemon.ctlJSON(["call", "show", "900"])
        #expect(call["from"] == .string("13812345678"))
        #expect(call["from_name"] == .string("赵先生"))
        #expect(call["events"]?.arrayValue?.count == 1)
        daemon.stop()
    }

    @Test("events out of order or twice converge to the same register entry")
    func outOfOrder() throws {
        let daemon = try makeDaemon()
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        func events(_ call: String) -> [String] {
            [
                Events.offered("\(call)-o", call: call, at: "2026-11-30T11:00:00+08:00", name: "孙女士"),
                Events.answered("\(call)-a", call: call, at: "2026-11-30T11:00:07+08:00", agents: ["8001"]),
                Events.transferred("\(call)-t", call: call, at: "2026-11-30T11:02:00+08:00", from: "8001", to: "8002"),
                Events.ended("\(call)-e", call: call, at: "2026-11-30T11:05:00+08:00"),
            ]
        }
        // In order, in one go.
        #expect(try client.exchange(events("ord")).allSatisfy { $0.isStored })
        // Reversed, one line at a time, with a replay.
        let reversed = Array(events("rev").reversed())
        for line in reversed { #expect(try client.exchange([line]).first?.isStored == true) }
        #expect(try client.exchange([reversed[1]]).first?.isDuplicate == true)
        // Ended first, then the rest in a batch.
        let mixed = events("mix")
        _ = try client.exchange([mixed[3]])
        _ = try client.exchange([mixed[1], mixed[0], mixed[2]])

        func comparable(_ call: String) throws -> JSONValue {
            let shown = try daemon.ctlJSON(["call", "show", call])
            guard case .object(let members) = shown else { return .null }
            return .object(members.filter { $0.0 != "call" && $0.0 != "events" })
        }
        let reference = try comparable("ord")
        #expect(reference["first_responder"] == .string("zhangsan"))  // a transfer does not change it (R2)
        #expect(reference["outcome"] == .string("answered"))
        #expect(try comparable("rev") == reference)
        #expect(try comparable("mix") == reference)
        daemon.stop()
    }

    @Test("R2: of agents answering together the higher rank is first responder; a login overrides the static owner")
    func firstResponderRank() throws {
        let daemon = try makeDaemon()
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let acks = try client.exchange([
            Events.answered("r-1", call: "r2a", at: "2026-11-30T09:00:00+08:00", agents: ["8001", "8002"]),
            Events.answered("r-2", call: "r2b", at: "2026-11-30T09:00:00+08:00", agents: ["8002", "8001"]),
            Events.login("r-3", agent: "8001", staff: "wangwu", at: "2026-11-30T09:30:00+08:00"),
        ])
        #expect(acks.allSatisfy { $0.isStored })
        _ = try client.exchange([
            Events.answered("r-4", call: "r2c", at: "2026-11-30T10:00:00+08:00", agents: ["8001", "8002"]),
            // An extension nobody owns or is logged in on answers: no first responder from it.
            Events.answered("r-5", call: "r2d", at: "2026-11-30T10:00:00+08:00", agents: ["8999"]),
        ])
        #expect(try daemon.ctlJSON(["call", "show", "r2a"])["first_responder"] == .string("lisi"))
        #expect(try daemon.ctlJSON(["call", "show", "r2b"])["first_responder"] == .string("lisi"))
        // wangwu (rank 9) is logged in on 8001 and outranks lisi on 8002.
        #expect(try daemon.ctlJSON(["call", "show", "r2c"])["first_responder"] == .string("wangwu"))
        #expect(try daemon.ctlJSON(["call", "show", "r2d"])["first_responder"] == .null)
        daemon.stop()
    }

    @Test("R2: a logout and a login on one extension at the same instant hand it over, whatever order they arrive in")
    func sameInstantHandOver() throws {
        let daemon = try makeDaemon()
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let instant = "2026-11-30T09:00:00.000001+08:00"
        // The login is stored before the logout of the same microsecond (a PBX reporting a hand-over at one
        // instant, events committed in either order): storage order must not decide who holds 8001.
        let acks = try client.exchange([
            Events.login("h-1", agent: "8001", staff: "lisi", at: "2026-11-30T08:00:00+08:00"),
            Events.login("h-2", agent: "8001", staff: "wangwu", at: instant),
        ])
        #expect(acks.allSatisfy { $0.isStored })
        #expect(try client.exchange([Events.logout("h-3", agent: "8001", staff: "lisi", at: instant)])[0].isStored)
        _ = try client.exchange([
            Events.answered("h-4", call: "handover", at: "2026-11-30T09:05:00+08:00", agents: ["8001"])
        ])
        #expect(try daemon.ctlJSON(["call", "show", "handover"])["first_responder"] == .string("wangwu"))
        daemon.stop()
    }

    @Test("every error code, with the connection still usable; a 1 MiB line is skipped to the next newline")
    func errorCodes() throws {
        let daemon = try makeDaemon()
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let acks = try client.exchange([
            "{not json",
            #"{"v":1,"id":"x-1","type":"call.exploded","at":"2026-11-30T09:00:00+08:00","call":"1"}"#,
            #"{"v":1,"id":"x-2","type":"call.ended","at":"2026-11-30T09:00:00+08:00","cause":"normal"}"#,
            #"{"v":1,"id":"x-3","type":"call.offered","at":"2026-11-30T09:00:00+08:00","call":"1","from":"12ab","to":"1"}"#,
            #"{"v":2,"id":"x-4","type":"call.ended","at":"2026-11-30T09:00:00+08:00","call":"1","cause":"normal"}"#,
            #"{"v":1,"id":"x-5","type":"call.ended","at":"2026-11-30 nine","call":"1","cause":"normal"}"#,
        ])
        #expect(
            acks.map(\.errorCode) == [
                .malformedJSON, .unknownType, .missingField, .invalidField, .unsupportedVersion, .invalidField,
            ]
        )
        #expect(acks.map(\.id) == [nil, "x-1", "x-2", "x-3", "x-4", "x-5"])
        guard case .refused(let missing) = acks[2], case .refused(let invalid) = acks[3] else {
            Issue.record("expected refusals")
            return
        }
        #expect(missing.message.contains("call"))
        #expect(invalid.message.hasPrefix("from:"))
        // 1 MiB without a newline, then a valid event on the same connection.
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
        bytes.append(UInt8(ascii: "\n"))
        bytes += Array((Events.ended("x-6", call: "after-long", at: "2026-11-30T09:00:00+08:00") + "\n").utf8)
        try client.send(raw: bytes)
        let after = try client.acks(2)
        #expect(after.map(\.errorCode) == [.lineTooLong, nil])
        #expect(after.last?.isStored == true)
        #expect(try daemon.ctlJSON(["call", "show", "after-long"])["outcome"] == .string("missed"))
        #expect(try daemon.ctlJSON(["status"])["database"] == .string("ok"))
        daemon.stop()
    }

    /// A private cluster with a `hotline` database, for tests that stop the server.
    private func clusterWithDatabase() throws -> (PrivateCluster, String) {
        let cluster = try PrivateCluster()
        let admin = try PGConnection(conninfo: cluster.conninfo)
        try admin.command("CREATE DATABASE hotline")
        admin.close()
        return (cluster, cluster.conninfo.replacingOccurrences(of: "dbname=postgres", with: "dbname=hotline"))
    }

    private func eventCount(_ database: String, prefix: String) throws -> (total: Int, distinct: Int) {
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let row = try connection.query(
            "SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM hotline.pbx_events WHERE event_id LIKE $1",
            [prefix + "%"]
        ).first
        return (try row?.decode("n", as: Int.self) ?? -1, try row?.decode("d", as: Int.self) ?? -1)
    }

    @Test("PostgreSQL stopped mid-stream: events are acked from the spool and replayed, none lost or doubled")
    func databaseOutageSpool() throws {
        let (cluster, database) = try clusterWithDatabase()
        let daemon = try makeDaemon(database: database)
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let lines = (0..<3000).map { Events.ended("s-\($0)", call: "s\($0 % 500)", at: "2026-11-30T09:00:00+08:00") }
        #expect(try client.exchange(Array(lines[0..<1000])).allSatisfy { $0.isStored })
        try cluster.stop()
        // Acked from the spool while the server is down; a resend of an already stored event is acked too.
        #expect(try client.exchange(Array(lines[1000..<2000])).allSatisfy { $0.isStored })
        #expect(try client.exchange([lines[5]]).first?.id == "s-5")
        let degraded = try daemon.ctlJSON(["status"])
        #expect(degraded["spool_depth"] == .int(1001))
        #expect(degraded["database"] == .string("unreachable"))
        #expect(degraded["state"] == .string("degraded"))
        try cluster.start()
        // The spool drains within a few retry intervals; later events go straight to the database.
        let deadline = Date().addingTimeInterval(20)
        while try daemon.ctlJSON(["status"])["spool_depth"] != .int(0), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(try client.exchange(Array(lines[2000..<3000])).allSatisfy { $0.isStored })
        let counts = try eventCount(database, prefix: "s-")
        #expect(counts.total == 3000)
        #expect(counts.distinct == 3000)
        #expect(try daemon.ctlJSON(["status"])["state"] == .string("running"))
        daemon.stop()
    }

    @Test("kill -9 while events wait in the spool: the restarted daemon replays them")
    func spoolSurvivesKill() throws {
        let (cluster, database) = try clusterWithDatabase()
        let daemon = try makeDaemon(database: database)
        try cluster.stop()
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let lines = (0..<500).map { Events.ended("v-\($0)", call: "v\($0)", at: "2026-11-30T09:00:00+08:00") }
        #expect(try client.exchange(lines).allSatisfy { $0.isStored })
        daemon.process.signal(SIGKILL)
        _ = try daemon.process.wait(timeout: 10)
        try cluster.start()
        let restarted = try DaemonHarness(arguments: [
            "--database", database, "--state-dir", daemon.directory + "/state",
        ])
        let deadline = Date().addingTimeInterval(20)
        while try restarted.ctlJSON(["status"])["spool_depth"] != .int(0), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(try eventCount(database, prefix: "v-") == (total: 500, distinct: 500))
        restarted.stop()
    }

    @Test("an external database down at start: the daemon starts degraded, spools, and migrates when it is back")
    func startWhileDatabaseDown() throws {
        let (cluster, database) = try clusterWithDatabase()
        try cluster.stop()
        let daemon = try DaemonHarness(arguments: ["--database", database + " connect_timeout=2"])
        #expect(try daemon.ctlJSON(["status"])["database"] == .string("unreachable"))
        let unavailable = try daemon.ctl(["dept", "list"])
        #expect(unavailable.status == 5)
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let lines = (0..<50).map { Events.ended("w-\($0)", call: "w\($0)", at: "2026-11-30T09:00:00+08:00") }
        #expect(try client.exchange(lines).allSatisfy { $0.isStored })
        try cluster.start()
        let deadline = Date().addingTimeInterval(20)
        while try daemon.ctlJSON(["status"])["spool_depth"] != .int(0), Date() < deadline {
            Thread.sleep(forTimeInterval: 0.2)
        }
        #expect(try daemon.ctlJSON(["status"])["state"] == .string("running"))
        #expect(try eventCount(database, prefix: "w-") == (total: 50, distinct: 50))
        #expect(try daemon.ctlJSON(["dept", "list"]) == .array([]))
        daemon.stop()
    }

    @Test("a full spool refuses with unavailable and never acks")
    func spoolFull() throws {
        let (cluster, database) = try clusterWithDatabase()
        let config = "/tmp/hl-spool-\(UUID().uuidString.prefix(8)).toml"
        try "[state]\nspool_limit_bytes = 2000\n".write(toFile: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: config) }
        let daemon = try makeDaemon(database: database, extra: ["--config", config])
        try cluster.stop()
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let small = try client.exchange([Events.ended("f-1", call: "f1", at: "2026-11-30T09:00:00+08:00")])
        #expect(small.first?.isStored == true)
        let lines = (2..<60).map { Events.ended("f-\($0)", call: "f\($0)", at: "2026-11-30T09:00:00+08:00") }
        let refused = try client.exchange(lines)
        #expect(refused.allSatisfy { $0.errorCode == .unavailable })
        guard case .refused(let error) = refused.first else { return }
        #expect(error.message.contains("spool is full"))
        try cluster.start()
        daemon.stop()
        #expect(try eventCount(database, prefix: "f-") == (total: 1, distinct: 1))
    }

    @Test("SIGTERM drains: what was read is committed and acked, and the daemon exits 0")
    func gracefulDrain() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try makeDaemon(database: database)
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        let lines = (0..<5000).map { Events.ended("g-\($0)", call: "g\($0)", at: "2026-11-30T09:00:00+08:00") }
        try client.send(lines)
        Thread.sleep(forTimeInterval: 0.05)
        daemon.process.signal(SIGTERM)
        let acks = try client.acks(lines.count)
        let status = try daemon.process.wait(timeout: 30)
        #expect(status == 0)
        let stored = Set(acks.filter(\.isStored).compactMap(\.id))
        #expect(!stored.isEmpty)
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let rows = try connection.query("SELECT event_id FROM hotline.pbx_events WHERE event_id LIKE 'g-%'")
        let inDatabase = Set(try rows.map { try $0.decode("event_id", as: String.self) })
        #expect(stored.isSubset(of: inDatabase))
    }

    @Test("kill -9 mid-stream: after a restart and resending what was not acked, every event is there exactly once")
    func killNine() throws {
        let database = try TestEnvironment.makeDatabase()
        let daemon = try makeDaemon(database: database)
        let lines = (0..<20_000).map { index in
            Events.ended(String(format: "k-%05d", index), call: "k\(index % 4000)", at: "2026-11-30T09:00:00+08:00")
        }
        var acked = Set<String>()
        let client = try PBXTestClient(path: daemon.directory + "/pbx.sock")
        // Send in slices, reading acks as they come, and kill the daemon partway through.
        for (slice, start) in stride(from: 0, to: lines.count, by: 1000).enumerated() {
            let part = Array(lines[start..<min(start + 1000, lines.count)])
            try? client.send(part)
            if slice == 7 { daemon.process.signal(SIGKILL) }
            guard let acks = try? client.acks(part.count) else { break }
            acked.formUnion(acks.filter { $0.isStored || $0.isDuplicate }.compactMap(\.id))
            if acks.count < part.count { break }
        }
        _ = try? daemon.process.wait(timeout: 10)
        #expect(acked.count < lines.count)
        // Restart on the same database and resend everything not acked (an adapter resends all it is unsure of).
        let restarted = try DaemonHarness(arguments: ["--database", database])
        let resender = try PBXTestClient(path: restarted.directory + "/pbx.sock")
        let pending = lines.filter { line in !acked.contains(String(line.dropFirst(#"{"v":1,"id":""#.count).prefix(7)))
        }
        #expect(pending.count == lines.count - acked.count)
        var resentAcks: [PBXAck] = []
        for start in stride(from: 0, to: pending.count, by: 2000) {
            resentAcks += try resender.exchange(Array(pending[start..<min(start + 2000, pending.count)]))
        }
        #expect(resentAcks.allSatisfy { $0.isStored || $0.isDuplicate })
        let connection = try PGConnection(conninfo: database)
        defer { connection.close() }
        let counts = try connection.query(
            "SELECT count(*) AS n, count(DISTINCT event_id) AS d FROM hotline.pbx_events WHERE event_id LIKE 'k-%'"
        ).first
        #expect(try counts?.decode("n", as: Int.self) == 20_000)
        #expect(try counts?.decode("d", as: Int.self) == 20_000)
        let calls = try connection.query("SELECT count(*) AS n FROM hotline.calls WHERE call_id LIKE 'k%'").first
        #expect(try calls?.decode("n", as: Int.self) == 4000)
        restarted.stop()
    }
}
