import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import HotlineTestSupport
import Testing

/// The lock a complaint transition takes on its complaint (`SELECT … FOR NO KEY UPDATE`, ComplaintStore), with the
/// interleaving forced rather than hoped for: a debug-build pause point (HOTLINE_TEST_PAUSE) holds one daemon's
/// transition right after it locked the complaint, while the deadline scheduler of a second daemon on the same
/// database fires that complaint's deadline and a transition of the second daemon wants the same complaint.
///
/// FOR UPDATE would block the scheduler (its escalation insert checks the foreign key with FOR KEY SHARE) and, once
/// the transition goes on to the deadline the scheduler holds, deadlock; a weaker lock (FOR SHARE, none) would let
/// the second transition decide on the state the first is about to change.
@Suite("Transition lock against the deadline scheduler")
struct TransitionLockTests {
    private static let start = "2026-11-30T09:00:00+08:00"

    private func daemon(_ database: String, environment: [String: String] = [:]) throws -> DaemonHarness {
        try DaemonHarness(
            arguments: ["--database", database, "--clock", "manual", "--clock-start", TransitionLockTests.start],
            environment: environment
        )
    }

    /// Starts `hotlinectl` without waiting for it; its output goes to `output`.
    private func spawnCtl(_ daemon: DaemonHarness, _ arguments: [String], output: String) throws -> ChildProcess {
        try ChildProcess.spawn(
            TestEnvironment.binDirectory + "/hotlinectl",
            ["--socket", daemon.controlSocket] + arguments,
            stdoutPath: output,
            environment: ProcessInfo.processInfo.environment.merging(["LANG": "C"]) { $1 }
        )
    }

    private func count(_ sql: String, _ parameters: [String], on connection: PGConnection) throws -> Int {
        try connection.query(sql, parameters).first?.decode("n", as: Int.self) ?? -1
    }

    @Test("a transition holding its complaint lets the scheduler fire its deadline, and makes a second transition wait")
    func schedulerFiresWhileTransitionHoldsTheComplaint() throws {
        let database = try TestEnvironment.makeDatabase()
        let pauses = "/tmp/hl-pause-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: pauses, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: pauses) }
        let first = try daemon(database, environment: ["HOTLINE_TEST_PAUSE": pauses])
        let second = try daemon(database)
        _ = try first.ctlJSON(["dept", "add", "QA", "--name", "质检部", "--coordination"])
        _ = try first.ctlJSON(["dept", "add", "SVC", "--name", "客服部"])
        _ = try first.ctlJSON(["dept", "add", "INST", "--name", "安装部"])
        _ = try first.ctlJSON(["dept", "add", "PROP", "--name", "物业部"])
        _ = try first.ctlJSON(["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--role", "operator"])
        let filed = try first.ctlJSON([
            "complaint", "file", "--phone", "13800000000", "--matter", "热水器漏水", "--as", "zhangsan",
        ])
        let id = try #require(filed["id"]?.stringValue)
        let check = try PGConnection(conninfo: database)
        defer { check.close() }
        let transferBreached =
            "SELECT count(*) AS n FROM hotline.deadlines WHERE complaint_id = $1::bigint AND kind = 'transfer' "
            + "AND state = 'breached'"
        #expect(try count(transferBreached, [id], on: check) == 0)

        // 1. The first daemon's transfer locks the complaint and stops there.
        let armed = pauses + "/transition-locked.armed"
        _ = FileManager.default.createFile(atPath: armed, contents: nil)
        let transferOutput = pauses + "/transfer.out"
        let transfer = try spawnCtl(
            first,
            ["complaint", "transfer", id, "--to", "INST", "--reason", "安装质量问题", "--as", "zhangsan", "--json"],
            output: transferOutput
        )
        TestEnvironment.waitUntil(timeout: 20) {
            FileManager.default.fileExists(atPath: pauses + "/transition-locked.reached")
        }
        try #require(
            FileManager.default.fileExists(atPath: pauses + "/transition-locked.reached"),
            "the transfer never reached the pause point (is this a debug build?)"
        )

        // 2. The transfer deadline falls due on the second daemon's clock; its scheduler breaches it and records
        // the escalation to QA, whose foreign-key check (FOR KEY SHARE) must not wait for the first daemon.
        _ = try second.ctlJSON(["clock", "advance", "2h"])
        try TestEnvironment.waitUntil(timeout: 15) { try count(transferBreached, [id], on: check) == 1 }
        #expect(
            try count(transferBreached, [id], on: check) == 1,
            "the scheduler could not fire while a transition held the complaint"
        )

        // 3. A transition on the same complaint from the second daemon waits for the first one's lock.
        let secondOutput = pauses + "/second.out"
        let secondTransfer = try spawnCtl(
            second,
            ["complaint", "transfer", id, "--to", "PROP", "--reason", "物业问题", "--as", "zhangsan", "--json"],
            output: secondOutput
        )
        // It waits in the read that starts it (the locking SELECT), so it decides on what the first one commits; a
        // transition that read first and waited only at its UPDATE (FOR SHARE) would decide on the state before.
        let lockWaits =
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
            + "AND wait_event_type = 'Lock' AND wait_event IN ('tuple', 'transactionid') "
            + "AND upper(left(ltrim(query), 6)) = 'SELECT' AND query LIKE '%FROM hotline.complaints%'"
        var finishedEarly: Int32?
        try TestEnvironment.waitUntil(timeout: 15) {
            finishedEarly = try secondTransfer.wait(timeout: 0)
            if finishedEarly != nil { return true }
            return try count(lockWaits, [], on: check) >= 1
        }
        #expect(finishedEarly == nil, "the second transition went ahead while the first held the complaint")
        #expect(
            try count(lockWaits, [], on: check) >= 1,
            "the second transition did not wait for the complaint lock before reading it"
        )

        // 4. Released, the first transfer finishes; the second then decides on what the first committed.
        _ = FileManager.default.createFile(atPath: pauses + "/transition-locked.release", contents: nil)
        let transferStatus = try transfer.wait(timeout: 30)
        let transferText = (try? String(contentsOfFile: transferOutput, encoding: .utf8)) ?? ""
        #expect(transferStatus == 0, "first transfer: \(transferText)")
        let secondStatus = try finishedEarly ?? secondTransfer.wait(timeout: 30)
        let secondText = (try? String(contentsOfFile: secondOutput, encoding: .utf8)) ?? ""
        // Refused (exit 3: a transferred complaint is the receiving department's) or a second transfer — never
        // an internal error or a deadlock.
        #expect(secondStatus == 0 || secondStatus == 3, "second transfer: \(secondText)")

        let shown = try first.ctlJSON(["complaint", "show", id])
        let actions = shown["hops"]?.arrayValue?.compactMap { $0["action"]?.stringValue } ?? []
        #expect(actions.prefix(3) == ["filed", "transferred", "copied_to_qa"])
        #expect(actions.filter { $0 == "transferred" }.count == (secondStatus == 0 ? 2 : 1))
        #expect(try count(transferBreached, [id], on: check) == 1)
        let escalations =
            "SELECT count(*) AS n FROM hotline.escalations WHERE complaint_id = $1::bigint AND kind = 'transfer_overdue'"
        #expect(try count(escalations, [id], on: check) == 1)
        let pendingTransfers =
            "SELECT count(*) AS n FROM hotline.deadlines WHERE complaint_id = $1::bigint AND kind = 'transfer' "
            + "AND state = 'pending'"
        #expect(try count(pendingTransfers, [id], on: check) == 0)
        #expect(first.stop() == 0)
        #expect(second.stop() == 0)
        #expect(!first.log().contains("deadlock"), "\(first.log())")
        #expect(!second.log().contains("deadlock"), "\(second.log())")
    }
}
