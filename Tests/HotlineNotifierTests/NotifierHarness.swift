import Foundation
import HotlineStore
import HotlineSystem
import Logging
import Testing

/// One test's world: a database of its own (migrated to sql/009), a login that is only IN ROLE hotline_notifier,
/// an HTTP receiver on 127.0.0.1 (scripts/webhook-receiver.py) and hotline-notifier processes.
///
/// `make test` (scripts/with-temp-postgres.sh) provides the cluster; without it these tests fail, never skip.
final class NotifierHarness {
    static let logger = Logger(label: "hotline-notifier-tests")
    let directory: String
    let adminConninfo: String
    /// The notifier's own login: member of hotline_notifier and nothing else.
    let notifierConninfo: String
    let admin: PGConnection
    private var children: [ChildProcess] = []

    init() throws {
        guard let cluster = ProcessInfo.processInfo.environment["HOTLINE_TEST_DATABASE"], !cluster.isEmpty else {
            Issue.record("HOTLINE_TEST_DATABASE is not set: run the tests with `make test` (a throwaway PostgreSQL)")
            throw HarnessError("no test database")
        }
        let suffix = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(12)
        directory = "/tmp/hl-notifier-\(suffix)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let server = try PGConnection(conninfo: cluster)
        defer { server.close() }
        // Generated from hex digits here, never input: identifiers cannot be parameters.
        let database = "hotline_n_\(suffix)"
        let login = "notifier_\(suffix)"
        try server.command("CREATE DATABASE \(database)")
        adminConninfo = cluster.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(database)")
        admin = try PGConnection(conninfo: adminConninfo)
        _ = try Migrator(logger: Self.logger).migrate(admin)
        try admin.command("CREATE ROLE \(login) LOGIN IN ROLE hotline_notifier")
        notifierConninfo =
            adminConninfo.replacingOccurrences(of: "user=hotline_test", with: "user=\(login)") + " connect_timeout=5"
    }

    deinit {
        for child in children where child.isRunning {
            child.signal(SIGKILL)
            _ = try? child.wait(timeout: 5)
        }
        admin.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: - Notices, written as hotlined does: notice, recipients and NOTIFY in one transaction

    @discardableResult
    func insertNotice(
        topic: String = "transferred",
        text: String = "投诉已转给安装部",
        recipients: [(String, String)] = [("department", "INST")],
        urgent: Bool = false,
        at: String = "now()"
    ) throws -> Int64 {
        try admin.transaction { connection in
            let sql =
                at == "now()"
                ? "INSERT INTO hotline.notices (at, topic, text_zh, text_en, urgent) VALUES (now(), $1, $2, $3, $4) RETURNING id"
                : "INSERT INTO hotline.notices (at, topic, text_zh, text_en, urgent) VALUES ($5::timestamptz, $1, $2, $3, $4) RETURNING id"
            var parameters: [(any PostgresBindable)?] = [topic, text, "The case was transferred", urgent]
            if at != "now()" { parameters.append(at) }
            let id: Int64 = try connection.query(sql, parameters)[0].decode("id")
            for (kind, name) in recipients {
                try connection.command(
                    "INSERT INTO hotline.notice_recipients (notice_id, kind, name) VALUES ($1, $2, $3)",
                    [id, kind, name]
                )
            }
            try connection.command("SELECT pg_notify('hotline_notices', $1)", [String(id)])
            return id
        }
    }

    struct Delivery: Equatable {
        var notice: Int64
        var route: String
        var state: String
        var attempts: Int
        var lastError: String?
    }

    func deliveries() throws -> [Delivery] {
        try admin.query(
            "SELECT notice_id, route, state, attempts, last_error FROM hotline.notice_deliveries ORDER BY notice_id, route"
        ).map {
            Delivery(
                notice: try $0.decode("notice_id"),
                route: try $0.decode("route"),
                state: try $0.decode("state"),
                attempts: try $0.decode("attempts"),
                lastError: try $0.decodeIfPresent("last_error")
            )
        }
    }

    // MARK: - Processes

    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    static var binDirectory: String {
        if let configured = ProcessInfo.processInfo.environment["HOTLINE_BIN_DIR"] { return configured }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// Starts the receiver and returns it once it listens.
    func startReceiver(mode: String = "ok", delay: Double = 0) throws -> Receiver {
        let name = "receiver-\(UUID().uuidString.prefix(8))"
        let receiver = Receiver(log: "\(directory)/\(name).jsonl", portFile: "\(directory)/\(name).port")
        let child = try ChildProcess.spawn(
            "/usr/bin/env",
            [
                "python3", Self.packageRoot + "/scripts/webhook-receiver.py", "--log", receiver.log, "--port-file",
                receiver.portFile, "--mode", mode, "--delay", String(delay),
            ],
            stdoutPath: "\(directory)/\(name).out"
        )
        children.append(child)
        try Self.waitUntil(timeout: 15, "the receiver listens") {
            FileManager.default.fileExists(atPath: receiver.portFile)
        }
        return receiver
    }

    /// Starts hotline-notifier with `arguments`; its output goes to the returned file.
    func startNotifier(_ arguments: [String], label: String = "notifier") throws -> (ChildProcess, String) {
        let output = "\(directory)/\(label)-\(UUID().uuidString.prefix(6)).log"
        let child = try ChildProcess.spawn(
            Self.binDirectory + "/hotline-notifier",
            arguments,
            stdoutPath: output,
            environment: ProcessInfo.processInfo.environment.merging(["HOTLINE_DEBUG": "1"]) { $1 }
        )
        children.append(child)
        return (child, output)
    }

    /// Runs hotline-notifier to completion (for refusals); returns status and output.
    func runNotifier(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let output = "\(directory)/run-\(UUID().uuidString.prefix(6)).log"
        let child = try ChildProcess.spawn(Self.binDirectory + "/hotline-notifier", arguments, stdoutPath: output)
        guard let status = try child.wait(timeout: 60) else {
            child.signal(SIGKILL)
            throw HarnessError("hotline-notifier did not exit")
        }
        return (status, (try? String(contentsOfFile: output, encoding: .utf8)) ?? "")
    }

    func writeFile(_ name: String, _ text: String) throws -> String {
        let path = "\(directory)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Polls `condition` every 50 ms until it holds, or fails the test after `timeout` naming `what`.
    static func waitUntil(timeout: TimeInterval = 30, _ what: String, _ condition: () throws -> Bool) throws {
        let until = Date().addingTimeInterval(timeout)
        while Date() < until {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
        if try condition() { return }
        throw HarnessError("timed out after \(Int(timeout)) s waiting until \(what)")
    }
}

/// What the receiver logged.
struct Receiver {
    let log: String
    let portFile: String

    var port: Int { Int((try? String(contentsOfFile: portFile, encoding: .utf8)) ?? "") ?? 0 }
    var url: String { "http://127.0.0.1:\(port)/hook" }

    struct Request {
        var time: Double
        var headers: [String: String]
        var body: [UInt8]
        var key: String { headers["idempotency-key"] ?? "" }
    }

    /// Every request received so far, in order of arrival.
    func requests() throws -> [Request] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").compactMap { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "received"
            else { return nil }
            return Request(
                time: object["time"] as? Double ?? 0,
                headers: object["headers"] as? [String: String] ?? [:],
                body: [UInt8](Data(base64Encoded: object["body_b64"] as? String ?? "") ?? Data())
            )
        }
    }

    /// Answers given, by status.
    func answers() throws -> [(key: String, status: Int)] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").compactMap { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                object["event"] as? String == "answered"
            else { return nil }
            return (object["key"] as? String ?? "", object["status"] as? Int ?? 0)
        }
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
