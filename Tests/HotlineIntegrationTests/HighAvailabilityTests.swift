import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import HotlineTestSupport
import Testing

/// High availability on PostgreSQL's own replication (issue 13): a primary with a synchronous streaming standby,
/// both started by the test, and a real hotlined whose conninfo names both hosts with
/// `target_session_attrs=read-write`. The primary is stopped as in a crash and the standby promoted while PBX
/// events stream in.
@Suite("High availability: failover to a synchronous standby")
struct HighAvailabilityTests {
    /// Acks as the streaming thread received them, shared with the test.
    final class AckLog: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: [String] = []
        private var problems: [String] = []
        private var running = true

        func record(_ acks: [PBXAck], sent: [String]) {
            lock.withLock {
                for (ack, id) in zip(acks, sent) {
                    if case .accepted(let acked, _) = ack, acked == id {
                        stored.append(id)
                    } else {
                        problems.append("\(id): \(ack)")
                    }
                }
                if acks.count < sent.count { problems.append("\(sent.count - acks.count) acks missing") }
            }
        }

        func fail(_ message: String) { lock.withLock { problems.append(message) } }
        func stop() { lock.withLock { running = false } }
        var isRunning: Bool { lock.withLock { running } }
        var acked: [String] { lock.withLock { stored } }
        var failures: [String] { lock.withLock { problems } }
    }

    @Test("primary crashes, standby promoted: every acked event is there exactly once, complaints work again")
    func failover() throws {
        let primary = try PrivateCluster()
        let admin = try PGConnection(conninfo: primary.conninfo)
        try admin.command("CREATE DATABASE hotline")
        let standby = try PrivateCluster(standbyOf: primary)
        // The primary now waits for the standby named `standby` to have each commit before it reports it (and so
        // before hotlined acks an event): the promise that makes a promoted standby lose nothing. Set once the
        // standby exists; before, every commit would wait for it.
        try admin.command("ALTER SYSTEM SET synchronous_standby_names = 'standby'")
        try admin.command("ALTER SYSTEM SET synchronous_commit = 'on'")
        try admin.command("SELECT pg_reload_conf()")
        // Synchronous, not merely streaming: the standby has confirmed what the primary committed.
        try TestEnvironment.waitUntil(timeout: 30) {
            let row = try admin.query(
                "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby' AND state = 'streaming'"
            ).first
            return try row?.decode("sync_state", as: String.self) == "sync"
        }
        let replication = try admin.query("SELECT sync_state FROM pg_stat_replication").first
        // Required: on a standby that never turned synchronous every commit below would wait forever.
        try #require(try replication?.decode("sync_state", as: String.self) == "sync")
        admin.close()

        let database =
            "host=\(primary.directory),\(standby.directory) dbname=hotline user=hotline_test "
            + "target_session_attrs=read-write connect_timeout=5"
        let daemon = try DaemonHarness(arguments: ["--database", database])
        _ = try daemon.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        _ = try daemon.ctlJSON(["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--role", "operator"])
        let file = [
            "complaint", "file", "--phone", "13800000000", "--name", "王女士", "--matter", "热水器漏水", "--as", "zhangsan",
        ]
        #expect(try daemon.ctl(file).status == 0)

        // The PBX adapter's side: batches of events, one after the other, each acked before the next is sent.
        let log = AckLog()
        let socketPath = daemon.directory + "/pbx.sock"
        let streamed = DispatchSemaphore(value: 0)
        let streamer = Thread {
            defer { streamed.signal() }
            do {
                let client = try PBXTestClient(path: socketPath)
                var next = 0
                while log.isRunning {
                    let ids = (next..<next + 20).map { "ha-\($0)" }
                    next += 20
                    let lines = ids.enumerated().map { offset, id in
                        Events.ended(id, call: "ha\((next + offset) % 300)", at: "2026-11-30T09:00:00+08:00")
                    }
                    log.record(try client.exchange(lines), sent: ids)
                    usleep(2_000)
                }
            } catch {
                log.fail("streaming stopped: \(error)")
            }
        }
        streamer.start()
        defer { log.stop() }
        TestEnvironment.waitUntil(timeout: 30) { log.acked.count >= 1000 }
        #expect(log.acked.count >= 1000)

        // The primary goes away as in a crash; the standby is still read-only, so nothing can be written.
        try primary.crash()
        let ackedBeforeOutage = log.acked.count
        try TestEnvironment.waitUntil(timeout: 30) {
            try daemon.ctlJSON(["status"])["spool_depth"]?.intValue ?? 0 > 0
        }
        #expect(try daemon.ctlJSON(["status"])["spool_depth"]?.intValue ?? 0 > 0, "no event was spooled")
        let duringOutage = try daemon.ctl(file)
        #expect(duringOutage.status == 5, "complaint file during the outage: \(duringOutage.output)")
        #expect(duringOutage.stderr.contains("database is unavailable"))
        #expect(!duringOutage.output.contains("PostgreSQL"))
        #expect(!duringOutage.output.contains("SQL"))

        // Failover: the standby becomes the primary; hotlined finds it through target_session_attrs=read-write.
        try standby.promote()
        var attempts: [Int32] = []
        try TestEnvironment.waitUntil(timeout: 30) {
            let result = try daemon.ctl(file)
            attempts.append(result.status)
            return result.status == 0
        }
        #expect(attempts.last == 0, "complaint file never worked again after the promotion: \(attempts)")
        #expect(attempts.allSatisfy { $0 == 0 || $0 == 5 }, "statuses after the promotion: \(attempts)")
        TestEnvironment.waitUntil(timeout: 30) { log.acked.count >= ackedBeforeOutage + 1000 }
        log.stop()
        #expect(streamed.wait(timeout: .now() + 30) == .success, "the streaming thread did not end")
        try TestEnvironment.waitUntil(timeout: 30) {
            try daemon.ctlJSON(["status"])["spool_depth"] == .int(0)
        }
        let status = try daemon.ctlJSON(["status"])
        #expect(status["spool_depth"] == .int(0))
        #expect(status["database"] == .string("ok"))
        #expect(log.failures.isEmpty, "\(log.failures.prefix(5))")

        // On the new primary: every acknowledged event, each exactly once.
        let promoted = try PGConnection(
            conninfo: standby.conninfo.replacingOccurrences(of: "dbname=postgres", with: "dbname=hotline")
        )
        defer { promoted.close() }
        let rows = try promoted.query(
            "SELECT event_id, count(*) AS n FROM hotline.pbx_events WHERE event_id LIKE 'ha-%' GROUP BY event_id"
        )
        var copies: [String: Int] = [:]
        for row in rows { copies[try row.decode("event_id")] = try row.decode("n", as: Int.self) }
        let acked = log.acked
        #expect(acked.count > ackedBeforeOutage + 1000)
        let missing = acked.filter { copies[$0] == nil }
        #expect(missing.isEmpty, "\(missing.count) acked events missing, e.g. \(missing.prefix(5))")
        #expect(copies.values.allSatisfy { $0 == 1 }, "an event stored twice")
        #expect(Set(acked).count == acked.count)
        // The complaints filed before the crash and after the promotion are all there.
        let complaints = try promoted.query("SELECT count(*) AS n FROM hotline.complaints").first
        #expect(try complaints?.decode("n", as: Int.self) == 2)
        #expect(daemon.stop() == 0)
    }
}
