import Foundation
import HotlineProtocol
import HotlineStore
import HotlineSystem
import Testing

/// What the live suite needs, from the environment `scripts/pbx-test.sh` sets up: a running Asterisk (built and
/// started from `../shared/pbx/asterisk`), a throwaway PostgreSQL, and the built programs.
enum LiveEnvironment {
    /// `HOTLINE_TEST_ASTERISK_AMI`, HOST:PORT of the Asterisk manager the script started; the suite runs only
    /// with it (`make pbx-test`), and the script fails when the suite did not run.
    static var amiAddress: String? {
        ProcessInfo.processInfo.environment["HOTLINE_TEST_ASTERISK_AMI"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var amiUser: String { ProcessInfo.processInfo.environment["HOTLINE_TEST_ASTERISK_USER"] ?? "hotline" }
    static var amiSecret: String { ProcessInfo.processInfo.environment["HOTLINE_TEST_ASTERISK_SECRET"] ?? "s3cret" }

    /// `HOTLINE_TEST_FREESWITCH_ESL`, HOST:PORT of the event socket of the FreeSWITCH the script started; the
    /// FreeSWITCH suite runs only with it.
    static var eslAddress: String? {
        ProcessInfo.processInfo.environment["HOTLINE_TEST_FREESWITCH_ESL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var eslPassword: String {
        ProcessInfo.processInfo.environment["HOTLINE_TEST_FREESWITCH_PASSWORD"] ?? "ClueCon"
    }

    static var binDirectory: String {
        if let configured = ProcessInfo.processInfo.environment["HOTLINE_BIN_DIR"] { return configured }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// Kills the running Asterisk (SIGKILL, as a crash); the script's supervisor starts it again.
    static func killAsterisk() throws {
        try killPBX(pidFileVariable: "HOTLINE_TEST_ASTERISK_PIDFILE", name: "Asterisk")
    }

    /// Kills the running FreeSWITCH (SIGKILL, as a crash); the script's supervisor starts it again.
    static func killFreeSWITCH() throws {
        try killPBX(pidFileVariable: "HOTLINE_TEST_FREESWITCH_PIDFILE", name: "FreeSWITCH")
    }

    private static func killPBX(pidFileVariable: String, name: String) throws {
        guard let path = ProcessInfo.processInfo.environment[pidFileVariable],
            let text = try? String(contentsOfFile: path, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw LiveSetupError("no \(name) pid file: run `make pbx-test`") }
        guard kill(pid, SIGKILL) == 0 else { throw LiveSetupError("cannot kill \(name) (pid \(pid))") }
    }

    /// A database of the test's own on the throwaway cluster.
    static func makeDatabase() throws -> String {
        guard let conninfo = ProcessInfo.processInfo.environment["HOTLINE_TEST_DATABASE"], !conninfo.isEmpty else {
            throw LiveSetupError("HOTLINE_TEST_DATABASE is not set: run `make pbx-test`")
        }
        let admin = try PGConnection(conninfo: conninfo)
        defer { admin.close() }
        let name = "hotline_pbx_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        // Generated from hex digits here, never input; identifiers cannot be parameters.
        try admin.command("CREATE DATABASE \(name)")
        return conninfo.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(name)")
    }

    /// Polls `done` every 0.1 s until it holds or `timeout` passes; the caller asserts on what it waited for.
    static func waitUntil(timeout: TimeInterval, _ done: () throws -> Bool) rethrows {
        let until = Date().addingTimeInterval(timeout)
        while try !done() && Date() < until { Thread.sleep(forTimeInterval: 0.1) }
    }

    /// Runs a program to its end, capturing its output through files.
    static func run(_ command: [String], timeout: TimeInterval = 60) throws -> (status: Int32, stdout: String) {
        let directory = "/tmp/hl-pbx-run-" + UUID().uuidString.prefix(12)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess.spawn(
            command[0],
            Array(command.dropFirst()),
            stdoutPath: directory + "/out",
            stderrPath: directory + "/err",
            environment: ProcessInfo.processInfo.environment.merging(["LANG": "C"]) { $1 }
        )
        guard let status = try child.wait(timeout: timeout) else {
            child.signal(SIGKILL)
            _ = try? child.wait()
            throw LiveSetupError("timed out: \(command.joined(separator: " "))")
        }
        let stdout = (try? String(contentsOfFile: directory + "/out", encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: directory + "/err", encoding: .utf8)) ?? ""
        guard status == 0 else { throw LiveSetupError("\(command.joined(separator: " ")): \(stdout)\(stderr)") }
        return (status, stdout)
    }
}

extension JSONValue {
    /// Whether a call of the register has ended.
    var isFinishedCall: Bool {
        if case .string = self["ended_at"] { return true }
        return false
    }
}

struct LiveSetupError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// A real hotlined on a database of its own, with its sockets in a private directory.
final class LiveDaemon {
    let directory: String
    let database: String
    private(set) var process: ChildProcess
    var pbxSocket: String { directory + "/pbx.sock" }
    var controlSocket: String { directory + "/control.sock" }

    init() throws {
        directory = "/tmp/hl-pbx-" + String(UUID().uuidString.prefix(8))
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        database = try LiveEnvironment.makeDatabase()
        process = try Self.start(directory: directory, database: database)
        try waitForStatus()
    }

    private static func start(directory: String, database: String) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        return try ChildProcess.spawn(
            LiveEnvironment.binDirectory + "/hotlined",
            [
                "--database", database, "--control-socket", directory + "/control.sock", "--pbx-socket",
                directory + "/pbx.sock", "--state-dir", directory + "/state",
            ],
            stdoutPath: directory + "/hotlined.log",
            environment: environment
        )
    }

    private func waitForStatus() throws {
        var up = false
        try LiveEnvironment.waitUntil(timeout: 60) {
            guard process.isRunning else { throw LiveSetupError("hotlined exited: \(log)") }
            up = (try? ctl(["status"])) != nil
            return up
        }
        guard up else { throw LiveSetupError("hotlined did not answer: \(log)") }
    }

    var log: String { (try? String(contentsOfFile: directory + "/hotlined.log", encoding: .utf8)) ?? "" }

    @discardableResult
    func ctl(_ arguments: [String]) throws -> String {
        try LiveEnvironment.run(
            [LiveEnvironment.binDirectory + "/hotlinectl", "--socket", controlSocket] + arguments
        ).stdout
    }

    func json(_ arguments: [String]) throws -> JSONValue {
        try JSONValue.parse(Array(try ctl(arguments + ["--json"]).utf8))
    }

    /// Every call in the register.
    func calls() throws -> [JSONValue] {
        try json(["calls", "--limit", "1000"]).arrayValue ?? []
    }

    /// Polls the register until `condition` holds for its calls, and returns them.
    func calls(timeout: TimeInterval = 30, until condition: ([JSONValue]) -> Bool) throws -> [JSONValue] {
        var calls = try calls()
        try LiveEnvironment.waitUntil(timeout: timeout) {
            calls = try self.calls()
            return condition(calls)
        }
        return calls
    }

    /// Polls the register until it holds `count` calls, every one ended, and returns them.
    func finishedCalls(_ count: Int, timeout: TimeInterval = 30) throws -> [JSONValue] {
        try calls(timeout: timeout) { calls in calls.count == count && calls.allSatisfy(\.isFinishedCall) }
    }

    /// The types of a call's events, sorted.
    func eventTypes(of call: JSONValue) throws -> [String] {
        guard let id = call["call"]?.stringValue else { throw LiveSetupError("a call without an id: \(call)") }
        let events = try json(["call", "show", id])["events"]?.arrayValue ?? []
        return events.compactMap { $0["type"]?.stringValue }.sorted()
    }

    /// Two departments' staff: zhangsan on 8001 (rank 2), lisi on 8002 (rank 5), wangwu without an extension.
    func addStaff() throws {
        try ctl(["dept", "add", "SVC", "--name", "客服部"])
        try ctl(["staff", "add", "zhangsan", "--name", "张三", "--dept", "SVC", "--rank", "2", "--extension", "8001"])
        try ctl(["staff", "add", "lisi", "--name", "李四", "--dept", "SVC", "--rank", "5", "--extension", "8002"])
        try ctl(["staff", "add", "wangwu", "--name", "王五", "--dept", "SVC", "--rank", "9"])
    }

    /// The same daemon again, on the same database and sockets, after ``stop()``.
    func startAgain() throws {
        process = try Self.start(directory: directory, database: database)
        try waitForStatus()
    }

    func stop() {
        process.signal(SIGTERM)
        if (try? process.wait(timeout: 30)) == nil {
            process.signal(SIGKILL)
            _ = try? process.wait()
        }
    }

    deinit {
        if process.isRunning {
            process.signal(SIGKILL)
            _ = try? process.wait()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The real `hotline-pbx-bridge asterisk` or `freeswitch`, with its state directory kept across restarts.
final class LiveBridge {
    let directory: String
    let arguments: [String]
    let environment: [String: String]
    /// What the bridge logs once the PBX accepted it.
    let connectedMarker: String
    private(set) var process: ChildProcess
    private var runs = 0

    /// The Asterisk bridge.
    /// - Parameter ami: the manager to use; by default the Asterisk that `make pbx-test` started.
    /// - Parameter environment: added to the bridge's (a stand-in NOTIFY_SOCKET).
    convenience init(
        daemon: LiveDaemon,
        ami: String? = nil,
        secret: String = LiveEnvironment.amiSecret,
        extra: [String] = [],
        environment: [String: String] = [:]
    ) throws {
        guard let ami = ami ?? LiveEnvironment.amiAddress else {
            throw LiveSetupError("no Asterisk: run `make pbx-test`")
        }
        try self.init(daemon: daemon, secret: secret, connectedMarker: "logged in to AMI", environment: environment) {
            secretFile in
            [
                "asterisk", "--ami", ami, "--user", LiveEnvironment.amiUser, "--secret-file", secretFile,
                "--queue", "complaints",
            ] + extra
        }
    }

    /// A bridge whose PBX arguments `pbxArguments` makes from the path of the secret file it wrote; the hotlined
    /// socket and the state directory are added.
    init(
        daemon: LiveDaemon,
        secret: String,
        connectedMarker: String,
        environment: [String: String] = [:],
        pbxArguments: (String) -> [String]
    ) throws {
        directory = daemon.directory + "/bridge"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let secretFile = directory + "/pbx.secret"
        try (secret + "\n").write(toFile: secretFile, atomically: true, encoding: .utf8)
        arguments =
            pbxArguments(secretFile) + ["--pbx-socket", daemon.pbxSocket, "--state-dir", directory + "/state"]
        self.environment = environment
        self.connectedMarker = connectedMarker
        process = try Self.start(arguments, log: directory + "/bridge-0.log", environment: environment)
        runs = 1
    }

    private static func start(_ arguments: [String], log: String, environment extra: [String: String]) throws
        -> ChildProcess
    {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "NOTIFY_SOCKET")
        environment.merge(extra) { $1 }
        return try ChildProcess.spawn(
            LiveEnvironment.binDirectory + "/hotline-pbx-bridge",
            arguments,
            stdoutPath: log,
            environment: environment
        )
    }

    /// The logs of every run so far.
    var log: String {
        (0..<runs).map { (try? String(contentsOfFile: directory + "/bridge-\($0).log", encoding: .utf8)) ?? "" }
            .joined(separator: "\n--- restart ---\n")
    }

    /// How many times the bridge has been connected to the PBX, over all runs.
    var connections: Int { log.components(separatedBy: connectedMarker).count - 1 }

    /// Waits until this run has logged in to the PBX.
    func waitForLogin(timeout: TimeInterval = 30) throws {
        let run = runs - 1
        var logged = false
        try LiveEnvironment.waitUntil(timeout: timeout) {
            guard process.isRunning else { throw LiveSetupError("the bridge exited: \(log)") }
            let text = (try? String(contentsOfFile: directory + "/bridge-\(run).log", encoding: .utf8)) ?? ""
            logged = text.contains(connectedMarker)
            return logged
        }
        guard logged else { throw LiveSetupError("the bridge did not log in: \(log)") }
    }

    /// `kill -9`: no chance to save anything more than it already had.
    func kill() {
        process.signal(SIGKILL)
        _ = try? process.wait()
    }

    func restart() throws {
        if process.isRunning { kill() }
        process = try Self.start(arguments, log: directory + "/bridge-\(runs).log", environment: environment)
        runs += 1
    }

    deinit {
        if process.isRunning {
            process.signal(SIGKILL)
            _ = try? process.wait()
        }
    }
}
