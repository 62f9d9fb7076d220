import Foundation
import HotlineNotifier
import HotlineStore
import HotlineSystem
import Testing

/// hotline-notifier as it runs: real processes, a real PostgreSQL, a real HTTP receiver on 127.0.0.1. The
/// notifier always connects as a login that is only IN ROLE hotline_notifier.
@Suite("hotline-notifier processes")
struct NotifierProcessTests {
    @Test("quick start as a hotline_notifier login: signed, stable idempotency key, 500 retried, then no more POSTs")
    func signedRetriedAndStable() throws {
        let harness = try NotifierHarness()
        // The login may read notices and write deliveries, and nothing else (sql/009's grants).
        let probe = try PGConnection(conninfo: harness.notifierConninfo)
        defer { probe.close() }
        #expect(throws: PostgresError.self) { try probe.query("SELECT count(*) FROM hotline.complaints") }
        #expect(throws: PostgresError.self) { try probe.command("DELETE FROM hotline.notice_deliveries") }

        let receiver = try harness.startReceiver(mode: "fail-first:2")
        let secretFile = try harness.writeFile("webhook.secret", "shared-secret-42\n")
        let (notifier, log) = try harness.startNotifier([
            "--database", harness.notifierConninfo, "--webhook", receiver.url, "--secret-file", secretFile,
        ])
        let id = try harness.insertNotice(text: "投诉 7 已转给安装部")
        try NotifierHarness.waitUntil("the notice is delivered after two 500s") {
            try harness.deliveries().first?.state == "delivered"
        }
        let delivery = try #require(try harness.deliveries().first)
        #expect(delivery.notice == id && delivery.route == "all/webhook")
        #expect(delivery.attempts == 3)
        #expect(delivery.lastError?.contains("HTTP 500") == true)

        let requests = try receiver.requests()
        #expect(requests.count == 3)
        #expect(Set(requests.map(\.key)) == ["\(id).all/webhook"])
        #expect(Set(requests.map(\.body)).count == 1, "a retry sends the same bytes")
        for request in requests {
            let signature = try #require(request.headers["x-hotline-signature"])
            #expect(WebhookSignature.verify(signature, body: request.body, secret: Array("shared-secret-42".utf8)))
        }
        let body = try #require(try JSONSerialization.jsonObject(with: Data(requests[0].body)) as? [String: Any])
        #expect(body["id"] as? Int == Int(id))
        #expect(body["text_zh"] as? String == "投诉 7 已转给安装部")
        #expect(body["to"] as? [[String: String]] == [["department": "INST"]])
        // Backoff 1 s then 2 s between the three attempts.
        #expect(requests[1].time - requests[0].time >= 0.9)
        #expect(requests[2].time - requests[1].time >= 1.9)

        // After the success nothing is sent again: a later notice is delivered and the first key stays at three.
        let later = try harness.insertNotice()
        try NotifierHarness.waitUntil("the later notice is delivered") {
            try harness.deliveries().count == 2 && harness.deliveries().allSatisfy { $0.state == "delivered" }
        }
        #expect(try receiver.requests().filter { $0.key == "\(id).all/webhook" }.count == 3)
        #expect(try receiver.requests().filter { $0.key == "\(later).all/webhook" }.count == 3)
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(!output.contains("shared-secret-42"), "the secret never reaches the log")
        #expect(notifier.isRunning)
    }

    @Test("a receiver that never answers is given up after give_up_after; a retried row gets one more attempt")
    func givenUp() throws {
        let harness = try NotifierHarness()
        let receiver = try harness.startReceiver(mode: "hang")
        let config = try harness.writeFile(
            "notifier.toml",
            """
            [database]
            conninfo = "\(harness.notifierConninfo)"
            [delivery]
            give_up_after = "3s"
            poll_interval = "200ms"
            [channel.hook]
            type = "webhook"
            url = "\(receiver.url)"
            timeout = "700ms"
            [route.all]
            channels = ["hook"]
            """
        )
        _ = try harness.startNotifier(["--config", config])
        let id = try harness.insertNotice()
        try NotifierHarness.waitUntil("the delivery is given up") {
            try harness.deliveries().first?.state == "failed"
        }
        let delivery = try #require(try harness.deliveries().first)
        #expect(delivery.notice == id && delivery.route == "all/hook")
        #expect(delivery.attempts >= 2)
        #expect(delivery.lastError?.contains("no answer") == true)
        let failedAt: Bool = try harness.admin.query(
            "SELECT failed_at IS NOT NULL AND delivered_at IS NULL AS ok FROM hotline.notice_deliveries"
        )[0].decode("ok")
        #expect(failedAt)
        #expect(try receiver.requests().count == delivery.attempts)

        // `hotlinectl notices retry` resets the row; the notifier gives it one more attempt, then gives up again.
        try harness.admin.command(
            """
            UPDATE hotline.notice_deliveries
            SET state = 'pending', attempts = 0, failed_at = NULL, next_attempt_at = now()
            WHERE notice_id = $1
            """,
            [id]
        )
        try NotifierHarness.waitUntil("the retried delivery is given up again") {
            try harness.deliveries().first?.state == "failed"
        }
        // Tried again (with the usual backoff while still within give_up_after), then given up once more.
        let retried = try #require(try harness.deliveries().first)
        #expect(retried.attempts >= 1, "\(retried)")
        #expect(try receiver.requests().count == delivery.attempts + retried.attempts)
    }

    @Test("kill -9 mid-delivery and a restart: every notice delivered at least once, each success recorded once")
    func killNine() throws {
        let harness = try NotifierHarness()
        let receiver = try harness.startReceiver(delay: 0.4)
        let arguments = ["--database", harness.notifierConninfo, "--webhook", receiver.url]
        let (first, _) = try harness.startNotifier(arguments, label: "first")
        var ids: [Int64] = []
        for index in 0..<24 { ids.append(try harness.insertNotice(text: "通知 \(index)")) }
        try NotifierHarness.waitUntil("deliveries are in flight") {
            try receiver.requests().count >= 6 && receiver.requests().count > receiver.answers().count
        }
        first.signal(SIGKILL)
        _ = try first.wait(timeout: 10)
        let deliveredBefore = try harness.deliveries().filter { $0.state == "delivered" }.count
        #expect(deliveredBefore < ids.count, "the kill came mid-run")

        _ = try harness.startNotifier(arguments, label: "second")
        try NotifierHarness.waitUntil(timeout: 60, "every notice is delivered after the restart") {
            try harness.deliveries().filter { $0.state == "delivered" }.count == ids.count
        }
        let rows = try harness.deliveries()
        #expect(rows.map(\.notice) == ids)
        // A success is recorded once: one row per notice, by the one transaction that held it; an attempt cut
        // short by the kill was rolled back with the connection, so it never counts.
        #expect(rows.allSatisfy { $0.attempts == 1 })
        let keys = try receiver.requests().map(\.key)
        #expect(Set(keys) == Set(ids.map { "\($0).all/webhook" }))
        // Repeats are only those in flight at the kill (at most one per worker).
        #expect(keys.count - Set(keys).count <= 4)
    }

    @Test("two notifiers deliver each notice once per route")
    func twoNotifiers() throws {
        let harness = try NotifierHarness()
        let receiver = try harness.startReceiver(delay: 0.02)
        let config = try harness.writeFile(
            "notifier.toml",
            """
            [database]
            conninfo = "\(harness.notifierConninfo)"
            [delivery]
            poll_interval = "300ms"
            [channel.hook]
            type = "webhook"
            url = "\(receiver.url)"
            [route.everything]
            channels = ["hook"]
            [route.installation]
            recipients = ["department:INST"]
            channels = ["hook"]
            [route.urgent]
            topics = ["urgent_filed"]
            channels = ["hook"]
            """
        )
        _ = try harness.startNotifier(["--config", config], label: "one")
        _ = try harness.startNotifier(["--config", config], label: "two")
        var expected: [String] = []
        for index in 0..<30 {
            let department = index % 2 == 0 ? "INST" : "SVC"
            let id = try harness.insertNotice(recipients: [("department", department)])
            expected.append("\(id).everything/hook")
            if department == "INST" { expected.append("\(id).installation/hook") }
        }
        let urgent = try harness.insertNotice(topic: "urgent_filed", recipients: [("role", "vp")], urgent: true)
        expected += ["\(urgent).everything/hook", "\(urgent).urgent/hook"]
        try NotifierHarness.waitUntil(timeout: 60, "every route's delivery is made") {
            let rows = try harness.deliveries()
            return rows.count == expected.count && rows.allSatisfy { $0.state == "delivered" }
        }
        let keys = try receiver.requests().map(\.key)
        #expect(keys.sorted() == expected.sorted(), "each notice once per route, no repeats")
        #expect(try harness.deliveries().allSatisfy { $0.attempts == 1 })
    }

    @Test(
        "a command channel gets the JSON on stdin; SIGHUP with a bad file keeps the running configuration; SIGTERM exits 0"
    )
    func commandAndReload() throws {
        let harness = try NotifierHarness()
        let outbox = "\(harness.directory)/outbox"
        try FileManager.default.createDirectory(atPath: outbox, withIntermediateDirectories: true)
        let good = """
            [database]
            conninfo = "\(harness.notifierConninfo)"
            [delivery]
            poll_interval = "300ms"
            [channel.sms]
            type = "command"
            command = "cat > \(outbox)/$HOTLINE_NOTICE_ID.json"
            timeout = "5s"
            [route.all]
            channels = ["sms"]
            """
        let config = try harness.writeFile("notifier.toml", good)
        let (notifier, log) = try harness.startNotifier(["--config", config])
        let first = try harness.insertNotice(text: "紧急：燃气泄漏", urgent: true)
        try NotifierHarness.waitUntil("the command ran") {
            let state = try harness.deliveries().first?.state
            return FileManager.default.fileExists(atPath: "\(outbox)/\(first).json") && state == "delivered"
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(outbox)/\(first).json"))
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(body["text_zh"] as? String == "紧急：燃气泄漏")
        #expect(body["urgent"] as? Bool == true)
        #expect(body["idempotency_key"] as? String == "\(first).all/sms")

        // A broken file: refused on SIGHUP, the old configuration keeps delivering.
        _ = try harness.writeFile("notifier.toml", good.replacingOccurrences(of: "\"command\"", with: "\"pager\""))
        notifier.signal(SIGHUP)
        try NotifierHarness.waitUntil("the reload is refused") {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").contains("reload refused")
        }
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(output.contains("notifier.toml:6: [channel.sms.type] unknown channel type 'pager'"))
        let second = try harness.insertNotice()
        try NotifierHarness.waitUntil("the old configuration still delivers") {
            FileManager.default.fileExists(atPath: "\(outbox)/\(second).json")
        }
        #expect(notifier.isRunning)
        // SIGTERM: the loops finish and the process exits cleanly.
        notifier.signal(SIGTERM)
        #expect(try notifier.wait(timeout: 20) == 0)
    }

    @Test(
        "bad configurations stop the notifier at start with status 78, naming file, line and key",
        arguments: [
            ("[channel.a]\ntype = \"carrier-pigeon\"\n[route.r]\nchannels = [\"a\"]\n", ":2: [channel.a.type]"),
            (
                "[channel.a]\ntype = \"webhook\"\nurl = \"https://h.example/x\"\n[route.r]\nchannels = [\"b\"]\n",
                ":5: [route.r.channels] no channel named 'b'"
            ),
            (
                "[channel.a]\ntype = \"webhook\"\nurl = \"gopher://h.example/x\"\n[route.r]\nchannels = [\"a\"]\n",
                ":3: [channel.a.url] is not an http:// or https:// URL"
            ),
        ]
    )
    func badConfiguration(text: String, expected: String) throws {
        let harness = try NotifierHarness()
        let config = try harness.writeFile("bad.toml", text)
        let result = try harness.runNotifier(["--config", config])
        #expect(result.status == 78)
        #expect(result.output.contains(config + expected), "output: \(result.output)")
    }
}
