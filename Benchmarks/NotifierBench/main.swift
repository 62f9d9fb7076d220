import Foundation
import HotlineStore
import HotlineSystem
import Logging

// hotline-notifier-bench: the latency from a notice's COMMIT to the webhook receiver's POST, with one notifier
// (release build) and the python receiver of scripts/webhook-receiver.py, on the cluster of
// scripts/with-temp-postgres.sh (HOTLINE_TEST_DATABASE).
//
//   scripts/with-temp-postgres.sh .build/release/hotline-notifier-bench [COUNT]
//
// Two runs of COUNT notices (default 1,000), each notice in its own transaction with its NOTIFY, as hotlined
// writes them: paced (one every 5 ms, so each latency is the path itself) and a burst (as fast as one
// connection commits, so the tail includes the queue). Times are wall-clock on one machine: the commit's return
// here against the receiver's arrival time.

let logger = Logger(label: "hotline-notifier-bench")
let count = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 1000
guard let cluster = ProcessInfo.processInfo.environment["HOTLINE_TEST_DATABASE"] else {
    FileHandle.standardError.write(Data("run under scripts/with-temp-postgres.sh\n".utf8))
    exit(2)
}
let binDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path
let work = "/tmp/hl-notifier-bench-\(UUID().uuidString.prefix(8))"
try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: work) }

let server = try PGConnection(conninfo: cluster)
try server.command("CREATE DATABASE hotline_notifier_bench")
server.close()
let conninfo = cluster.replacingOccurrences(of: "dbname=postgres", with: "dbname=hotline_notifier_bench")
let connection = try PGConnection(conninfo: conninfo)
_ = try Migrator(logger: logger).migrate(connection)

let receiverLog = work + "/receiver.jsonl"
let receiver = try ChildProcess.spawn(
    "/usr/bin/env",
    [
        "python3", FileManager.default.currentDirectoryPath + "/scripts/webhook-receiver.py", "--log", receiverLog,
        "--port-file", work + "/port",
    ],
    stdoutPath: work + "/receiver.out"
)
defer { receiver.signal(SIGKILL) }
while !FileManager.default.fileExists(atPath: work + "/port") { usleep(20_000) }
let port = try String(contentsOfFile: work + "/port", encoding: .utf8)
let notifier = try ChildProcess.spawn(
    binDirectory + "/hotline-notifier",
    ["--database", conninfo, "--webhook", "http://127.0.0.1:\(port)/hook"],
    stdoutPath: work + "/notifier.log"
)
defer { notifier.signal(SIGTERM) }

/// Arrival times by notice id, from the receiver's log.
@MainActor func arrivals() throws -> [Int64: Double] {
    guard let text = try? String(contentsOfFile: receiverLog, encoding: .utf8) else { return [:] }
    var times: [Int64: Double] = [:]
    for line in text.split(separator: "\n") {
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
            object["event"] as? String == "received", let headers = object["headers"] as? [String: String],
            let id = headers["x-hotline-notice"].flatMap(Int64.init), let time = object["time"] as? Double
        else { continue }
        times[id] = times[id] ?? time
    }
    return times
}

@MainActor func insert() throws -> Int64 {
    try connection.transaction { connection in
        let id: Int64 = try connection.query(
            """
            INSERT INTO hotline.notices (at, topic, text_zh, text_en) VALUES (now(), 'transferred', $1, $2)
            RETURNING id
            """,
            ["投诉已转给安装部", "The case was transferred"]
        )[0].decode("id")
        try connection.command(
            "INSERT INTO hotline.notice_recipients (notice_id, kind, name) VALUES ($1, 'department', 'INST')",
            [id]
        )
        try connection.command("SELECT pg_notify('hotline_notices', $1)", [String(id)])
        return id
    }
}

@MainActor func run(_ name: String, pace: TimeInterval) throws {
    var committed: [Int64: Double] = [:]
    let start = Date()
    for _ in 0..<count {
        let id = try insert()
        committed[id] = Date().timeIntervalSince1970
        if pace > 0 { Thread.sleep(forTimeInterval: pace) }
    }
    let writeSeconds = Date().timeIntervalSince(start)
    let deadline = Date().addingTimeInterval(120)
    var received = try arrivals()
    while committed.keys.contains(where: { received[$0] == nil }) && Date() < deadline {
        usleep(50_000)
        received = try arrivals()
    }
    let latencies = committed.compactMap { id, time in received[id].map { ($0 - time) * 1000 } }.sorted()
    guard latencies.count == count else {
        print("\(name): only \(latencies.count) of \(count) notices arrived within 120 s")
        exit(1)
    }
    func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
    print(
        String(
            format: "%@: %d notices written in %.2f s (%.0f/s); commit → POST p50 %.1f ms, p90 %.1f ms, "
                + "p99 %.1f ms, max %.1f ms",
            name,
            count,
            writeSeconds,
            Double(count) / max(writeSeconds, 0.001),
            percentile(0.5),
            percentile(0.9),
            percentile(0.99),
            latencies.last ?? 0
        )
    )
}

// Warm up: the notifier's connections and the receiver's keep-alive connection exist before measuring.
let warm = try insert()
while try arrivals()[warm] == nil { usleep(20_000) }
try run("paced (1 per 5 ms)", pace: 0.005)
try run("burst", pace: 0)
connection.close()
