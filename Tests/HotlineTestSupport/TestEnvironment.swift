import Foundation
import HotlineStore
import HotlineSystem
import Logging
import Testing

/// Where the integration tests find their PostgreSQL and binaries.
///
/// `make test` (scripts/with-temp-postgres.sh) starts a throwaway cluster and sets HOTLINE_TEST_DATABASE. Without it
/// these tests fail — they never skip, so a run that did not reach a real database cannot pass.
public enum TestEnvironment {
    /// Polls `done` until it holds or `timeout` passes; the caller then asserts on the state it waited for.
    public static func waitUntil(timeout: TimeInterval = 5, _ done: () throws -> Bool) rethrows {
        let until = Date().addingTimeInterval(timeout)
        while try !done() && Date() < until { Thread.sleep(forTimeInterval: 0.1) }
    }

    public static var conninfo: String {
        get throws {
            guard let value = ProcessInfo.processInfo.environment["HOTLINE_TEST_DATABASE"], !value.isEmpty else {
                Issue.record(
                    "HOTLINE_TEST_DATABASE is not set: run the tests with `make test`, which starts a throwaway PostgreSQL"
                )
                throw TestSetupError.noDatabase
            }
            return value
        }
    }

    public static let logger = Logger(label: "hotline-tests")

    /// The folder holding the built `hotlined` and `hotlinectl` (next to the test bundle).
    public static var binDirectory: String {
        if let configured = ProcessInfo.processInfo.environment["HOTLINE_BIN_DIR"] { return configured }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().path
    }

    /// Copies a program with its descriptor closed on exec, so no concurrently spawned child keeps it open for
    /// writing (which makes exec of the copy fail with ETXTBSY).
    public static func copyExecutable(_ source: String, to destination: String) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let descriptor = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard descriptor >= 0 else { throw TestSetupError.command("cannot create \(destination)", "errno \(errno)") }
        defer { close(descriptor) }
        let written = data.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == data.count else { throw TestSetupError.command("short write to \(destination)", "") }
        fchmod(descriptor, 0o755)
    }

    /// Creates a database of its own for one test, so tests run in parallel without seeing each other's rows.
    public static func makeDatabase() throws -> String {
        let admin = try PGConnection(conninfo: try conninfo)
        defer { admin.close() }
        let name = "hotline_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        // The name is generated here from hex digits, never input; identifiers cannot be parameters.
        try admin.command("CREATE DATABASE \(name)")
        return try conninfo.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(name)")
    }

}

/// A PostgreSQL cluster of one test's own, for tests that stop or restart the server (so that other tests running
/// at the same time keep their database).
public final class PrivateCluster {
    public let directory: String
    private let binDirectory: String
    private let owner: String?
    /// The superuser on database `postgres`.
    public var conninfo: String { "host=\(directory) dbname=postgres user=hotline_test connect_timeout=5" }

    /// Server settings given on every start (`-c name=value` each), beyond the socket and fsync ones.
    private let settings: [String]

    /// A fresh cluster (initdb); with `standbyOf`, a streaming standby of that cluster instead: a base backup taken
    /// with `pg_basebackup -R` (which writes `primary_conninfo` and `standby.signal`) after an immediate checkpoint.
    public init(settings: [String] = [], standbyOf primary: PrivateCluster? = nil) throws {
        let environment = ProcessInfo.processInfo.environment
        guard let pgctl = environment["HOTLINE_TEST_PGCTL"] else {
            Issue.record("HOTLINE_TEST_PGCTL is not set: run the tests with `make test`")
            throw TestSetupError.noDatabase
        }
        binDirectory = URL(fileURLWithPath: pgctl).deletingLastPathComponent().path
        owner = environment["HOTLINE_TEST_PGOWNER"].flatMap { $0.isEmpty ? nil : $0 }
        directory = "/tmp/hl-pg-" + String(UUID().uuidString.prefix(8))
        self.settings = settings
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let owner {
            _ = try ProcessRunner.run(["/bin/chown", owner, directory])
        }
        if let primary {
            try run(
                "pg_basebackup",
                [
                    "-D", directory + "/data", "-R", "-X", "stream", "-c", "fast", "--no-sync", "-d",
                    "host=\(primary.directory) user=hotline_test application_name=standby",
                ]
            )
        } else {
            try run(
                "initdb",
                [
                    "-D", directory + "/data", "-U", "hotline_test", "--auth=trust", "--no-sync", "-E", "UTF8",
                    "--locale=C",
                ]
            )
        }
        try start()
    }

    public func start() throws {
        let extra = settings.map { " -c \($0)" }.joined()
        try run(
            "pg_ctl",
            [
                "-D", directory + "/data", "-l", directory + "/log", "-w", "-t", "60", "-o",
                "-c listen_addresses='' -c unix_socket_directories='\(directory)' -c fsync=off" + extra, "start",
            ]
        )
    }

    /// `pg_ctl stop -m immediate`: the server ends at once, as in a crash (no checkpoint, clients cut off).
    public func crash() throws {
        try run("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
    }

    /// `pg_ctl promote`: a standby becomes a primary that takes writes.
    public func promote() throws {
        try run("pg_ctl", ["-D", directory + "/data", "-w", "-t", "60", "promote"])
    }

    public func stop() throws {
        try run("pg_ctl", ["-D", directory + "/data", "-m", "fast", "-w", "stop"])
    }

    public func restart() throws {
        try stop()
        try start()
    }

    private func run(_ program: String, _ arguments: [String]) throws {
        var command = [binDirectory + "/" + program] + arguments
        if let owner { command = ["/usr/sbin/runuser", "-u", owner, "--"] + command }
        let result = try ProcessRunner.run(command, timeout: 90)
        guard result.status == 0 else { throw TestSetupError.command(command.joined(separator: " "), result.output) }
    }

    deinit {
        try? run("pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }
}

public enum TestSetupError: Error, CustomStringConvertible {
    case noDatabase
    case command(String, String)
    case timeout(String)

    public var description: String {
        switch self {
        case .noDatabase: return "no test database (run `make test`)"
        case .command(let command, let output): return "\(command) failed: \(output)"
        case .timeout(let what): return "timed out: \(what)"
        }
    }
}

/// Runs programs for tests, capturing output through files (a pipe can be held open by daemons they start).
public enum ProcessRunner {
    public struct Result {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var output: String { stdout + stderr }
    }

    public static func run(_ command: [String], environment: [String: String] = [:], timeout: TimeInterval = 60) throws
        -> Result
    {
        let directory = "/tmp/hl-run-" + UUID().uuidString.prefix(12)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let child = try ChildProcess.spawn(
            command[0],
            Array(command.dropFirst()),
            stdoutPath: directory + "/out",
            stderrPath: directory + "/err",
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }
        )
        guard let status = try child.wait(timeout: timeout) else {
            child.signal(SIGKILL)
            _ = try? child.wait()
            throw TestSetupError.timeout(command.joined(separator: " "))
        }
        return Result(
            status: status,
            stdout: (try? String(contentsOfFile: directory + "/out", encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOfFile: directory + "/err", encoding: .utf8)) ?? ""
        )
    }
}
